import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, type User } from '../api';
import { ErrorBox, formatTime, LightBadge, StatusBadge, useAction, useLoad } from '../components';

/** The supervision board (督办看板): yellow and red steps with urging and extension. */
export function BoardPage() {
  const { t } = useTranslation();
  const { error, pending, run } = useAction();
  const [done, setDone] = useState<string>();
  const { data, reload } = useLoad(() => api<any[]>('GET', '/api/supervision/board'), [], 3000);
  const act = (step: any, path: string, body: unknown) =>
    run(
      () => api('POST', `/api/steps/${step.id}/${path}`, body),
      () => {
        setDone(`${step.matterName}: ${t(path === 'urge' ? 'actions.urge' : 'actions.extend')} ✓`);
        reload();
      },
    );
  return (
    <section>
      <h1>{t('nav.board')}</h1>
      <ErrorBox error={error} />
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      {data && data.length === 0 && <p className="empty">{t('empty.board')}</p>}
      {data && data.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('fields.light')}</th>
              <th>{t('fields.matter')}</th>
              <th>{t('fields.department')}</th>
              <th>{t('fields.id')}</th>
              <th>{t('fields.deadline')}</th>
              <th>{t('fields.level')}</th>
              <th>{t('fields.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {data.map((s) => (
              <tr key={s.id} data-step={s.matterCode}>
                <td>
                  <LightBadge light={s.light} />
                </td>
                <td>{s.matterName}</td>
                <td>{s.departmentCode}</td>
                <td>
                  <Link to={`/applications/${s.applicationId}`}>{s.applicationId}</Link>
                </td>
                <td>{formatTime(s.deadline ?? s.acceptanceDeadline)}</td>
                <td>{s.escalationLevel || '—'}</td>
                <td>
                  <button type="button" disabled={pending} onClick={() => act(s, 'urge', { message: '请抓紧办理' })}>
                    {t('actions.urge')}
                  </button>
                  {!s.overdue && s.extensionDays === 0 && s.acceptedAt && (
                    <button
                      type="button"
                      className="secondary"
                      disabled={pending}
                      onClick={() => act(s, 'extension', { workdays: 3, reason: '督查协调室批准延期' })}
                    >
                      {t('actions.extend')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function CasesPage({ user }: { user: User }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<'open' | 'closed'>('open');
  const { error, pending, run } = useAction();
  const { data, reload } = useLoad(() => api<any[]>('GET', `/api/supervision/cases?status=${status}`), [status], 5000);
  const answer = async (id: string) => {
    const text = window.prompt(t('actions.answer'));
    if (!text) return;
    await run(() => api('POST', `/api/supervision/cases/${id}/answer`, { answer: text }), reload);
  };
  return (
    <section>
      <h1>{t('nav.cases')}</h1>
      <div className="toolbar">
        {(['open', 'closed'] as const).map((s) => (
          <button key={s} type="button" className={s === status ? '' : 'secondary'} onClick={() => setStatus(s)}>
            {t(`status.${s}`)}
          </button>
        ))}
      </div>
      <ErrorBox error={error} />
      {data && data.length === 0 && <p className="empty">{t('empty.cases')}</p>}
      {data && data.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('fields.id')}</th>
              <th>{t('fields.department')}</th>
              <th>{t('fields.level')}</th>
              <th>{t('fields.openedAt')}</th>
              <th>{t('fields.dueAt')}</th>
              <th>{t('fields.status')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/applications/${c.applicationId}`}>{c.id}</Link>
                </td>
                <td>{c.departmentCode}</td>
                <td>{c.level}</td>
                <td>{formatTime(c.openedAt)}</td>
                <td>{formatTime(c.dueAt)}</td>
                <td>
                  <StatusBadge status={c.status} /> {c.outcome ?? ''}
                </td>
                <td>
                  {user.role === 'staff' && c.status === 'open' && (
                    <button type="button" disabled={pending} onClick={() => answer(c.id)}>
                      {t('actions.answer')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Department statistics with a bar chart of on-time rates. */
export function StatsPage() {
  const { t } = useTranslation();
  const { data, error } = useLoad(() => api<any[]>('GET', '/api/stats/departments'), []);
  return (
    <section>
      <h1>{t('nav.stats')}</h1>
      <ErrorBox error={error} />
      <OnTimeChart />
      <table>
        <thead>
          <tr>
            <th>{t('fields.department')}</th>
            <th>{t('fields.decided')}</th>
            <th>{t('fields.onTime')}</th>
            <th>{t('fields.overdue')}</th>
            <th>{t('fields.onTimeRate')}</th>
            <th>{t('fields.avgWorkdays')}</th>
          </tr>
        </thead>
        <tbody>
          {(data ?? []).map((r) => (
            <tr key={r.departmentCode}>
              <td>{r.departmentCode}</td>
              <td>{r.decided}</td>
              <td>{r.onTime}</td>
              <td>{r.overdue}</td>
              <td>
                <div className="bar" role="img" aria-label={`${Math.round((r.onTimeRate ?? 0) * 100)}%`}>
                  <span style={{ width: `${Math.round((r.onTimeRate ?? 0) * 100)}%` }} />
                </div>
                {r.onTimeRate === null ? '—' : `${Math.round(r.onTimeRate * 100)}%`}
              </td>
              <td>{r.avgWorkdays ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

const COLORS = ['#9f1d20', '#1565c0', '#2e7d32', '#ef6c00', '#6a1b9a', '#00838f', '#5d4037'];

/** On-time rate per department over the last months, one line each (SVG, no chart library). */
export function OnTimeChart() {
  const { t } = useTranslation();
  const { data } = useLoad(() => api<any[]>('GET', '/api/stats/monthly?months=6'), []);
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
                {d}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
