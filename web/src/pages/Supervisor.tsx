import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { request, type User } from '../api';
import {
  DataTable,
  ErrorBox,
  Field,
  formatTime,
  LightBadge,
  StatusBadge,
  useAction,
  useDepartments,
  useFieldError,
  useLoad,
} from '../components';
import { StepActions } from '../StepActions';
import type { Step, StepAction } from '../types';

/** The supervision board (督办看板): yellow and red steps with urging and extension. */
export function BoardPage() {
  const { t } = useTranslation();
  const departments = useDepartments();
  const { error, pending, run } = useAction();
  const [done, setDone] = useState<string>();
  const [selected, setSelected] = useState<string>();
  const { data, error: loadError, reload } = useLoad(() => request('get', '/api/supervision/board'), [], 3000);
  const finished = (step: Step, action: StepAction) => {
    setDone(t('more.done', { matter: step.matterName, action: t(`stepActions.${action}`) }));
    setSelected(undefined);
    reload();
  };
  // Urging is one click with the usual words; the extension needs days and reasons: a form below.
  const urge = (step: Step) =>
    run(
      () =>
        request('post', '/api/steps/{id}/urge', { params: { id: step.id }, body: { message: t('more.urgeMessage') } }),
      () => finished(step, 'urge'),
    );
  const chosen = data?.find((s) => s.id === selected);
  return (
    <section>
      <h1>{t('nav.board')}</h1>
      <ErrorBox error={error ?? loadError} />
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      <DataTable
        rows={loadError && !data ? [] : data}
        rowKey={(s) => s.id}
        rowProps={(s) => ({ 'data-step': s.matterCode })}
        empty={t('empty.board')}
        columns={[
          { header: t('fields.light'), cell: (s) => <LightBadge light={s.light} /> },
          { header: t('fields.matter'), cell: (s) => s.matterName },
          { header: t('fields.department'), cell: (s) => departments.name(s.departmentCode) },
          {
            header: t('fields.id'),
            cell: (s) => <Link to={`/applications/${s.applicationId}`}>{s.applicationId}</Link>,
          },
          { header: t('fields.deadline'), cell: (s) => formatTime(s.deadline ?? s.acceptanceDeadline) },
          { header: t('fields.level'), cell: (s) => s.escalationLevel || '—' },
          {
            header: t('fields.actions'),
            cell: (s) => (
              <>
                {s.allowedActions.includes('urge') && (
                  <button type="button" disabled={pending} onClick={() => urge(s)}>
                    {t('stepActions.urge')}
                  </button>
                )}
                {s.allowedActions.includes('extend') && (
                  <button
                    type="button"
                    className="secondary"
                    disabled={pending}
                    onClick={() => setSelected(selected === s.id ? undefined : s.id)}
                  >
                    {t('stepActions.extend')}
                  </button>
                )}
              </>
            ),
          },
        ]}
      />
      {chosen && (
        <div className="card">
          <h2>{t('more.extensionFor', { matter: chosen.matterName })}</h2>
          <StepActions step={chosen} only={['extend']} onDone={(a) => finished(chosen, a)} />
        </div>
      )}
    </section>
  );
}

/** Supervision cases by status; the department's staff answer an open case in a form. */
export function CasesPage({ user }: { user: User }) {
  const { t } = useTranslation();
  const departments = useDepartments();
  const [status, setStatus] = useState<'open' | 'closed'>('open');
  const [answering, setAnswering] = useState<string>();
  const [answer, setAnswer] = useState('');
  const { error, pending, run } = useAction();
  const fieldError = useFieldError(error);
  const {
    data,
    error: loadError,
    reload,
  } = useLoad(() => request('get', '/api/supervision/cases', { query: { status } }), [status], 5000);
  const submit = (id: string) =>
    run(
      () => request('post', '/api/supervision/cases/{id}/answer', { params: { id }, body: { answer } }),
      () => {
        setAnswering(undefined);
        setAnswer('');
        reload();
      },
    );
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
      <ErrorBox error={error ?? loadError} fields={['answer']} />
      <DataTable
        rows={loadError && !data ? [] : data}
        rowKey={(c) => c.id}
        empty={t('empty.cases')}
        columns={[
          {
            header: t('fields.id'),
            cell: (c) => (
              <Link to={c.complaintId ? `/complaints/${c.complaintId}` : `/applications/${c.applicationId}`}>
                {c.id}
              </Link>
            ),
          },
          { header: t('fields.department'), cell: (c) => departments.name(c.departmentCode) },
          { header: t('fields.level'), cell: (c) => c.level },
          { header: t('fields.openedAt'), cell: (c) => formatTime(c.openedAt) },
          { header: t('fields.dueAt'), cell: (c) => formatTime(c.dueAt) },
          {
            header: t('fields.status'),
            cell: (c) => (
              <>
                <StatusBadge status={c.status} /> {c.outcome ?? ''}
              </>
            ),
          },
          {
            header: '',
            cell: (c) =>
              user.role === 'staff' &&
              c.status === 'open' &&
              (answering === c.id ? (
                <form
                  className="form"
                  onSubmit={(e) => {
                    e.preventDefault();
                    void submit(c.id);
                  }}
                >
                  <Field label={t('more.answer')} error={fieldError('answer')}>
                    <textarea name="answer" rows={3} value={answer} onChange={(e) => setAnswer(e.target.value)} />
                  </Field>
                  <button type="submit" disabled={pending || !answer.trim()}>
                    {t('more.submit')}
                  </button>
                  <button type="button" className="secondary" onClick={() => setAnswering(undefined)}>
                    {t('more.cancel')}
                  </button>
                </form>
              ) : (
                <button type="button" onClick={() => setAnswering(c.id)}>
                  {t('actions.answer')}
                </button>
              )),
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
