// The whole-project clock (全流程用时) on the application page: working days used against the
// target, the projected completion and the project light (domain/project-clock.ts decides them; the
// API answers them), and the plan drawn as a Gantt chart on working days from the launch, the
// critical path that drives the projection marked.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { PROJECT_YELLOW_RATIO } from '../../domain/project-clock';
import { formatDate, formatDeadline } from './components';
import { EChart, type EChartsOption } from './EChart';
import type { ProjectClockView, ProjectLight, ScheduleEntryView } from './types';

/** The project light in its own words (预计超时, not a step's 超期). */
export function ProjectLightBadge({ light }: { light: ProjectLight }) {
  const { t } = useTranslation();
  return (
    <span className={`light light-${light}`} data-project-light={light}>
      {t(`projectClock.light.${light}`)}
    </span>
  );
}

/** Days used / target, projected completion and how far it is from the target. */
export function ProjectClockFacts({
  clock,
  closed,
}: {
  clock: ProjectClockView;
  closed: 'completed' | 'withdrawn' | null;
}) {
  const { t } = useTranslation();
  const over = clock.overrunWorkdays;
  return (
    <dl className="facts project-clock-facts">
      <dt>{t('projectClock.title')}</dt>
      <dd data-clock="used">
        {t('projectClock.used', { used: clock.workdaysUsed, target: clock.targetWorkdays })}{' '}
        {!closed && <ProjectLightBadge light={clock.light} />}
      </dd>
      {closed === 'withdrawn' ? (
        <>
          <dt>{t('projectClock.projected')}</dt>
          <dd>{t('projectClock.withdrawn')}</dd>
        </>
      ) : (
        <>
          <dt>{closed ? t('projectClock.finished') : t('projectClock.projected')}</dt>
          <dd data-clock="projected">
            {formatDeadline(clock.projectedCompletion)}
            {clock.projectedWorkdays !== null &&
              ` · ${t('projectClock.projectedDays', { n: clock.projectedWorkdays })}`}
            {over !== null && (
              <span className={over > 0 ? 'overdue' : 'muted'}>
                {' · '}
                {over > 0 ? t('projectClock.overrun', { n: over }) : t('projectClock.spare', { n: -over })}
              </span>
            )}
          </dd>
        </>
      )}
    </dl>
  );
}

const COLOR = { critical: '#9f1d20', open: '#1565c0', done: '#2e7d32', legend: '#52606d' };

/** The Gantt chart's option: one bar per step on working days, done part solid, projected part light. */
export function ganttOption(
  t: TFunction,
  schedule: ScheduleEntryView[],
  clock: ProjectClockView,
  statusName: (s: ScheduleEntryView) => string,
): EChartsOption {
  const rows = schedule.filter((s) => s.startDay !== undefined && s.endDay !== undefined);
  const today = clock.workdaysUsed;
  const colorOf = (s: ScheduleEntryView) => (!s.open ? COLOR.done : s.critical ? COLOR.critical : COLOR.open);
  const last = Math.max(clock.targetWorkdays, ...rows.map((s) => s.endDay!));
  const tooltip = (s: ScheduleEntryView) =>
    [
      `${s.matterName}${s.critical ? ` · ${t('projectClock.criticalPath')}` : ''}`,
      `${s.departmentName} · ${statusName(s)}`,
      `${t('projectClock.start')}: ${formatDate(s.start)} (${t('projectClock.workday', { n: s.startDay })})`,
      `${s.open ? t('projectClock.endProjected') : t('projectClock.end')}: ${formatDeadline(s.end)} (${t(
        'projectClock.workday',
        { n: s.endDay },
      )})`,
    ].join('\n');
  return {
    animation: false,
    grid: { left: 8, right: 40, top: 52, bottom: 36 },
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const row = rows[(p as { dataIndex: number }).dataIndex];
        return row ? tooltip(row) : '';
      },
    },
    legend: { top: 0, data: [t('projectClock.elapsed'), t('projectClock.remaining')], selectedMode: false },
    xAxis: {
      type: 'value',
      min: 0,
      max: last + 1,
      minInterval: 1,
      name: t('projectClock.axis'),
      nameLocation: 'middle',
      nameGap: 24,
    },
    yAxis: {
      type: 'category',
      inverse: true,
      data: rows.map((s) => (s.critical ? `★ ${s.matterName}` : s.matterName)),
      axisLabel: { width: 180, overflow: 'truncate' },
    },
    series: [
      {
        // The offset from the launch: an invisible bar under the visible ones.
        type: 'bar',
        stack: 'plan',
        silent: true,
        itemStyle: { color: 'transparent' },
        emphasis: { disabled: true },
        tooltip: { show: false },
        data: rows.map((s) => s.startDay!),
      },
      {
        name: t('projectClock.elapsed'),
        type: 'bar',
        stack: 'plan',
        barMaxWidth: 22,
        // The legend's colour; each bar has its own (done, open, critical).
        itemStyle: { color: COLOR.legend },
        data: rows.map((s) => ({
          value: Math.max(0, Math.min(s.endDay!, today) - s.startDay!),
          itemStyle: { color: colorOf(s) },
        })),
      },
      {
        name: t('projectClock.remaining'),
        type: 'bar',
        stack: 'plan',
        barMaxWidth: 22,
        barMinHeight: 2,
        itemStyle: { color: COLOR.legend, opacity: 0.35 },
        data: rows.map((s) => ({
          value: Math.max(0, s.endDay! - Math.max(s.startDay!, today)),
          itemStyle: {
            color: colorOf(s),
            opacity: 0.35,
            borderColor: colorOf(s),
            borderType: 'dashed',
            borderWidth: 1,
          },
        })),
        markLine: {
          symbol: 'none',
          silent: true,
          // The y axis runs downwards, so a line's start is at the top, clear of the axis labels.
          label: { formatter: '{b}', position: 'start' },
          data: [
            { name: t('projectClock.today'), xAxis: today, lineStyle: { color: '#555', type: 'solid' } },
            {
              name: t('projectClock.warnLine'),
              xAxis: Math.round(PROJECT_YELLOW_RATIO * clock.targetWorkdays * 10) / 10,
              lineStyle: { color: '#ef6c00', type: 'dashed' },
            },
            {
              name: t('projectClock.targetLine', { n: clock.targetWorkdays }),
              xAxis: clock.targetWorkdays,
              lineStyle: { color: COLOR.critical, type: 'solid', width: 2 },
            },
          ],
        },
      },
    ],
  };
}

/** The plan as a Gantt chart on working days, with the critical path also listed as text. */
export function ProjectTimeline({
  clock,
  schedule,
  criticalPath,
}: {
  clock: ProjectClockView;
  schedule: ScheduleEntryView[] | undefined;
  criticalPath: ScheduleEntryView[];
}) {
  const { t, i18n } = useTranslation();
  const statusName = (s: ScheduleEntryView) => t(`status.${s.status}`);
  const option = useMemo(
    () => (schedule ? ganttOption(t, schedule, clock, statusName) : undefined),
    // The option depends on the figures and the language only (the page reloads every few seconds).
    [JSON.stringify(schedule), JSON.stringify(clock), i18n.language],
  );
  const rows = schedule?.filter((s) => s.startDay !== undefined).length ?? 0;
  return (
    <section className="card project-timeline" aria-label={t('projectClock.gantt')}>
      <h2>{t('projectClock.gantt')}</h2>
      {option && rows > 0 && (
        <EChart option={option} label={t('projectClock.gantt')} height={Math.max(160, 60 + rows * 34)} testId="gantt" />
      )}
      {criticalPath.length > 0 && (
        <>
          <h3>{t('projectClock.criticalPath')}</h3>
          <p className="muted">{t('projectClock.criticalPathHint')}</p>
          <ol className="critical-path" data-critical-path>
            {criticalPath.map((s) => (
              <li key={s.stepId} data-step={s.matterCode}>
                <strong>{s.matterName}</strong> · {s.departmentName} · {statusName(s)}
                {s.end ? (
                  <span className="muted">
                    {' · '}
                    {formatDate(s.start)} → {formatDeadline(s.end)}
                  </span>
                ) : (
                  <span className="muted"> {t('projectClock.noDates')}</span>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
