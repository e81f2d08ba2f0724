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

const COLORS = ['#9f1d20', '#1565c0', '#2e7d32', '#ef6c00', '#6a1b9a', '#00838f', '#5d4037'];

/** On-time rate per department over the last months, one line each (SVG, no chart library). */
export function OnTimeChart() {
  const { t } = useTranslation();
  const names = useDepartments();
  const { data } = useLoad(() => request('get', '/api/stats/monthly', { query: { months: 6 } }), []);
  const months = [...new Set((data ?? []).map((r) => r.month))].sort();
  const departments = [...new Set((data ?? []).map((r) => r.departmentCode))].sort();
  if (months.length === 0) return null;
  const w = 560;
  const h = 180;
  const x = (i: number) => 40 + (months.length === 1 ? (w - 60) / 2 : (i * (w - 60)) / (months.length - 1));
  const y = (rate: number) => 10 + (1 - rate) * (h - 40);
  return (
    <figure className="card">
      <figcaption>{t('fields.onTimeRate')}</figcaption>
      <svg width={w} height={h} role="img" aria-label={t('fields.onTimeRate')}>
        {[0, 0.5, 1].map((r) => (
          <g key={r}>
            <line x1={40} x2={w - 20} y1={y(r)} y2={y(r)} stroke="#e4e7eb" />
            <text x={4} y={y(r) + 4} fontSize="11">
              {Math.round(r * 100)}%
            </text>
          </g>
        ))}
        {months.map((m, i) => (
          <text key={m} x={x(i) - 18} y={h - 6} fontSize="11">
            {m}
          </text>
        ))}
        {departments.map((d, k) => {
          const points = months
            .map((m, i) => {
              const r = (data ?? []).find((row) => row.month === m && row.departmentCode === d);
              return r ? `${x(i)},${y(r.onTimeRate)}` : null;
            })
            .filter(Boolean)
            .join(' ');
          return (
            <g key={d}>
              <polyline points={points} fill="none" stroke={COLORS[k % COLORS.length]} strokeWidth={2} />
              {points.split(' ').map((p) => {
                const [cx, cy] = p.split(',');
                return <circle key={p} cx={cx} cy={cy} r={3} fill={COLORS[k % COLORS.length]} />;
              })}
              <text x={w - 60} y={14 + k * 13} fontSize="11" fill={COLORS[k % COLORS.length]}>
                {names.name(d)}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
