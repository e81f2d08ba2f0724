import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { Link } from 'react-router-dom';
import { request } from '../api';
import {
  DataTable,
  ErrorBox,
  formatDeadline,
  formatTime,
  LightBadge,
  Named,
  refusalText,
  useDepartments,
  useLoad,
  Pager,
  WORK_LIST_PAGE_SIZE,
} from '../components';
import { EChart, type EChartsOption } from '../EChart';
import { ProjectLightBadge } from '../ProjectClock';
import { OnTimeLineChart } from '../AssessmentCharts';
import { StepActions } from '../StepActions';
import type { ProjectRiskRow } from '../types';
import { IssueWarningButton } from './Warnings';

/** The supervision board (督办看板): yellow and red steps, by project, with urging and extension. */
export function BoardPage() {
  const { t } = useTranslation();
  const departments = useDepartments();
  const [page, setPage] = useState(1);
  const { data, error, reload } = useLoad(
    () => request('get', '/api/supervision/board', { query: { page, pageSize: WORK_LIST_PAGE_SIZE } }),
    [page],
    3000,
  );
  return (
    <section>
      <h1>{t('nav.board')}</h1>
      <ErrorBox error={error} />
      <DataTable
        className="responsive board"
        rows={error && !data ? [] : data}
        rowKey={(s) => s.id}
        rowProps={(s) => ({ 'data-step': s.matterCode })}
        empty={t('empty.board')}
        columns={[
          { header: t('fields.light'), cell: (s) => <LightBadge light={s.light} /> },
          {
            header: t('fields.matter'),
            cell: (s) => (
              <>
                <Named name={s.matterName} code={s.matterCode} />
                <div className="muted">{departments.name(s.departmentCode)}</div>
              </>
            ),
          },
          {
            header: t('fields.project'),
            cell: (s) => (
              <>
                <Link to={`/applications/${s.applicationId}`}>{s.projectName ?? s.applicationId}</Link>
                {s.investorName && <div className="muted">{s.investorName}</div>}
              </>
            ),
          },
          {
            header: t('fields.deadline'),
            cell: (s) => (
              <>
                {formatDeadline(s.status === 'submitted' ? s.acceptanceDeadline : s.deadline)}
                {s.overdueWorkdays !== null && (
                  <div className="overdue">{t('board.overdueDays', { n: s.overdueWorkdays })}</div>
                )}
                {s.overdueWorkdays === null && typeof s.remainingWorkdays === 'number' && (
                  <div className="muted">{t('application.daysLeft', { n: s.remainingWorkdays })}</div>
                )}
              </>
            ),
          },
          {
            header: t('board.supervision'),
            cell: (s) => (
              <>
                {s.openCase ? (
                  <Link to={`/cases/${s.openCase.id}`}>{t('cases.level', { n: s.openCase.level })}</Link>
                ) : (
                  '—'
                )}
                {s.lastUrge && (
                  <div className="muted last-urge">
                    {t('board.urgedAt', { at: formatTime(s.lastUrge.at) })}「{s.lastUrge.message}」
                  </div>
                )}
              </>
            ),
          },
          {
            header: t('fields.actions'),
            cell: (s) => (
              <>
                <StepActions step={s} only={['urge', 'extend']} onDone={reload} />
                <IssueWarningButton
                  target={{ stepId: s.id, matterName: s.matterName, departmentCode: s.departmentCode }}
                />
                {s.allowedActions.includes('extend') && s.extensionDaysAllowed !== null && (
                  <small className="muted" data-extension-allowed={s.extensionDaysAllowed}>
                    {t('inbox.extensionAllowed', { n: s.extensionDaysAllowed })}
                  </small>
                )}
                {s.urgeRefusal && s.urgeRefusal.reason === 'urge_too_soon' && (
                  <small className="muted why-not">{refusalText(t, s.urgeRefusal, departments.name)}</small>
                )}
                {s.extensionRefusal && s.status !== 'failed' && (
                  <small className="muted why-not" data-why="extension">
                    {t('board.noExtension')}
                    {refusalText(t, s.extensionRefusal, departments.name)}
                  </small>
                )}
              </>
            ),
          },
        ]}
      />
      <Pager page={page} hasNext={(data?.length ?? 0) === WORK_LIST_PAGE_SIZE} onPage={setPage} />
    </section>
  );
}

/** Department statistics with a chart of on-time rates. */
export function StatsPage() {
  const { t } = useTranslation();
  const departments = useDepartments();
  const { data, error } = useLoad(() => request('get', '/api/stats/departments'), []);
  const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)}%`);
  return (
    <section>
      <h1>{t('nav.stats')}</h1>
      <ErrorBox error={error} />
      <OnTimeChart />
      <DataTable
        rows={error && !data ? [] : data}
        rowKey={(r) => r.departmentCode}
        columns={[
          { header: t('fields.department'), cell: (r) => departments.name(r.departmentCode) },
          { header: t('fields.decided'), cell: (r) => r.decided },
          { header: t('fields.onTime'), cell: (r) => r.onTime },
          { header: t('fields.overdue'), cell: (r) => r.overdue },
          {
            header: t('fields.onTimeRate'),
            cell: (r) => (
              <>
                <div className="bar" role="img" aria-label={percent(r.onTimeRate)}>
                  <span style={{ width: `${Math.round((r.onTimeRate ?? 0) * 100)}%` }} />
                </div>
                {percent(r.onTimeRate)}
              </>
            ),
          },
          { header: t('fields.avgWorkdays'), cell: (r) => r.avgWorkdays ?? '—' },
        ]}
      />
    </section>
  );
}

/** On-time rate per department over the last months, one line each (Apache ECharts). */
export function OnTimeChart() {
  const { t } = useTranslation();
  const names = useDepartments();
  const { data } = useLoad(() => request('get', '/api/stats/monthly', { query: { months: 6 } }), []);
  // Kept while the figures are: a new option would draw the chart (and its animation) again.
  const months = useMemo(() => [...new Set((data ?? []).map((r) => r.month))].sort(), [data]);
  if (months.length === 0) return null;
  return (
    <figure className="card">
      <figcaption>{t('fields.onTimeRate')}</figcaption>
      <OnTimeLineChart months={months} rows={data ?? []} departmentName={names.name} height={240} />
    </figure>
  );
}

const PROJECTS_PAGE_SIZE = 50;
const LIGHT_COLOR = { red: '#c62828', yellow: '#f9a825', green: '#2e7d32', none: '#9aa5b1' } as const;

/** The projected working days of the listed projects against their targets, by risk. */
function projectsChartOption(t: TFunction, rows: ProjectRiskRow[]): EChartsOption {
  return {
    animation: false,
    grid: { left: 8, right: 48, top: 16, bottom: 28 },
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const r = rows[(p as { dataIndex: number }).dataIndex];
        if (!r) return '';
        const c = r.projectClock;
        return [
          r.projectName,
          `${t(`projectClock.light.${c.light}`)} · ${t('projectClock.used', { used: c.workdaysUsed, target: c.targetWorkdays })}`,
          `${t('projectClock.projected')}: ${formatDeadline(c.projectedCompletion)} · ${t('projectClock.projectedDays', { n: c.projectedWorkdays ?? 0 })}`,
        ].join('\n');
      },
    },
    xAxis: { type: 'value', minInterval: 1, name: t('projects.axis'), nameLocation: 'middle', nameGap: 20 },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((r) => r.caseNo),
    },
    series: [
      {
        type: 'bar',
        barMaxWidth: 16,
        data: rows.map((r) => ({
          value: r.projectClock.projectedWorkdays ?? 0,
          itemStyle: { color: LIGHT_COLOR[r.projectClock.light] },
        })),
      },
      // Each project's own target (fixed at its launch) as a tick across its bar.
      {
        type: 'scatter',
        symbol: 'rect',
        symbolSize: [3, 18],
        itemStyle: { color: '#1f2933' },
        tooltip: { show: false },
        data: rows.map((r, i) => [r.projectClock.targetWorkdays, i]),
      },
    ],
  };
}

/** 项目看板: every open project by whole-project risk, its clock, the step it waits on, a link to it. */
export function ProjectBoardPage() {
  const { t } = useTranslation();
  const [light, setLight] = useState<'red' | 'yellow' | 'green' | undefined>();
  const [page, setPage] = useState(1);
  const { data, error } = useLoad(
    () =>
      request('get', '/api/supervision/projects', {
        query: { ...(light ? { light } : {}), page, pageSize: PROJECTS_PAGE_SIZE },
      }),
    [light, page],
    5000,
  );
  const rows = data?.items;
  const option = useMemo(() => (rows && rows.length > 0 ? projectsChartOption(t, rows) : undefined), [rows, t]);
  const total = data ? data.counts.red + data.counts.yellow + data.counts.green : undefined;
  const filters: Array<['red' | 'yellow' | 'green' | undefined, number | undefined]> = [
    [undefined, total],
    ['red', data?.counts.red],
    ['yellow', data?.counts.yellow],
    ['green', data?.counts.green],
  ];
  return (
    <section data-page="projects">
      <h1>{t('nav.projects')}</h1>
      <p className="muted">{t('projects.intro')}</p>
      <nav className="tabs" aria-label={t('nav.projects')}>
        {filters.map(([l, n]) => (
          <button
            key={l ?? 'all'}
            type="button"
            className={l === light ? 'tab active' : 'tab'}
            aria-pressed={l === light}
            data-filter={l ?? 'all'}
            onClick={() => {
              setLight(l);
              setPage(1);
            }}
          >
            {l ? t(`projectClock.light.${l}`) : t('projects.all')}
            {n !== undefined && ` (${t('projects.count', { n })})`}
          </button>
        ))}
      </nav>
      <ErrorBox error={error} />
      {option && (
        <figure className="card">
          <figcaption>{t('projects.chart')}</figcaption>
          <EChart
            option={option}
            label={t('projects.chart')}
            height={Math.min(520, 60 + (rows?.length ?? 0) * 26)}
            testId="projects"
          />
        </figure>
      )}
      <DataTable
        className="responsive projects"
        rows={error && !data ? [] : rows}
        rowKey={(r) => r.id}
        rowProps={(r) => ({ 'data-application': r.id, 'data-light': r.projectClock.light })}
        empty={t('projects.empty')}
        columns={[
          { header: t('fields.light'), cell: (r) => <ProjectLightBadge light={r.projectClock.light} /> },
          {
            header: t('projects.project'),
            cell: (r) => (
              <>
                <Link to={`/applications/${r.id}`}>{r.projectName}</Link>
                <div className="muted">
                  {r.caseNo} · {r.investorName}
                </div>
              </>
            ),
          },
          {
            header: t('projects.used'),
            cell: (r) => `${r.projectClock.workdaysUsed} / ${r.projectClock.targetWorkdays}`,
          },
          {
            header: t('projects.projected'),
            cell: (r) => {
              const over = r.projectClock.overrunWorkdays;
              return (
                <>
                  {formatDeadline(r.projectClock.projectedCompletion)}
                  <div className={over !== null && over > 0 ? 'overdue' : 'muted'}>
                    {t('projectClock.projectedDays', { n: r.projectClock.projectedWorkdays ?? 0 })}
                    {over !== null &&
                      ` · ${over > 0 ? t('projectClock.overrun', { n: over }) : t('projectClock.spare', { n: -over })}`}
                  </div>
                </>
              );
            },
          },
          {
            header: t('projects.waitingOn'),
            cell: (r) =>
              r.waitingOn ? (
                <>
                  {r.waitingOn.matterName}
                  <div className="muted">
                    {r.waitingOn.departmentName} · {t(`status.${r.waitingOn.status}`)}
                  </div>
                </>
              ) : (
                '—'
              ),
          },
        ]}
      />
      {data && data.total > PROJECTS_PAGE_SIZE && (
        <nav className="pager">
          <button type="button" className="secondary" disabled={page === 1} onClick={() => setPage(page - 1)}>
            {t('account.previous')}
          </button>
          <span>
            {t('account.page', { n: page })} · {t('projects.total', { n: data.total })}
          </span>
          <button
            type="button"
            className="secondary"
            disabled={page * PROJECTS_PAGE_SIZE >= data.total}
            onClick={() => setPage(page + 1)}
          >
            {t('account.next')}
          </button>
        </nav>
      )}
    </section>
  );
}
