import { useTranslation } from 'react-i18next';
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
} from '../components';
import { OnTimeLineChart } from '../charts/lazy';
import { StepActions } from '../StepActions';

/** The supervision board (督办看板): yellow and red steps, by project, with urging and extension. */
export function BoardPage() {
  const { t } = useTranslation();
  const departments = useDepartments();
  const { data, error, reload } = useLoad(() => request('get', '/api/supervision/board'), [], 3000);
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
  const months = [...new Set((data ?? []).map((r) => r.month))].sort();
  if (months.length === 0) return null;
  return (
    <figure className="card">
      <figcaption>{t('fields.onTimeRate')}</figcaption>
      <OnTimeLineChart months={months} rows={data ?? []} departmentName={names.name} height={240} />
    </figure>
  );
}
