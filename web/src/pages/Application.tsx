import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { request, type User } from '../api';
import {
  DataTable,
  ErrorBox,
  formatTime,
  LightBadge,
  StatusBadge,
  useAction,
  useDepartments,
  useFieldError,
  useLoad,
} from '../components';
import { CaseCredentials, DocumentsPanel } from '../DocumentsPanel';
import { StepActions } from '../StepActions';
import zhCN from '../locales/zh-CN';
import type { Matter, Step } from '../types';
import { SessionsPanel } from './Sessions';

const isEvent = (type: string): type is keyof typeof zhCN.events => Object.hasOwn(zhCN.events, type);

/**
 * The steps in plan order: by the catalog's stage, then by depth in the dependency graph (a step
 * after its prerequisites), then in the order the API lists them.
 */
export function planOrder(steps: Step[], matters: Matter[]): Array<{ stage: number; steps: Step[] }> {
  const stageOf = new Map(matters.map((m) => [m.code, m.stage]));
  const byCode = new Map(steps.map((s) => [s.matterCode, s]));
  const depth = new Map<string, number>();
  const depthOf = (s: Step, seen: Set<string>): number => {
    const known = depth.get(s.matterCode);
    if (known !== undefined) return known;
    if (seen.has(s.matterCode)) return 0;
    seen.add(s.matterCode);
    const prerequisites = s.prerequisites.map((c) => byCode.get(c)).filter((p): p is Step => !!p);
    const d = prerequisites.length === 0 ? 0 : 1 + Math.max(...prerequisites.map((p) => depthOf(p, seen)));
    depth.set(s.matterCode, d);
    return d;
  };
  const ordered = steps
    .map((s, i) => ({ s, i, stage: stageOf.get(s.matterCode) ?? 1, d: depthOf(s, new Set()) }))
    .sort((a, b) => a.stage - b.stage || a.d - b.d || a.i - b.i);
  const groups: Array<{ stage: number; steps: Step[] }> = [];
  for (const { s, stage } of ordered) {
    const last = groups[groups.length - 1];
    if (last && last.stage === stage) last.steps.push(s);
    else groups.push({ stage, steps: [s] });
  }
  return groups;
}

/** One application: its steps by stage with their dependencies, the actions allowed, the timeline. */
export function ApplicationPage({ user }: { user: User }) {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const departments = useDepartments();
  const { error, pending, run } = useAction();
  const fieldError = useFieldError(error);
  const [note, setNote] = useState('');
  const [selected, setSelected] = useState<string>();
  const matters = useLoad(() => request('get', '/api/matters'), []);
  const {
    data,
    error: loadError,
    reload,
  } = useLoad(
    async () => {
      const [app, timeline] = await Promise.all([
        request('get', '/api/applications/{id}', { params: { id } }),
        request('get', '/api/applications/{id}/timeline', { params: { id } }),
      ]);
      return { app, timeline };
    },
    [id],
    3000,
  );
  const after = () => {
    setNote('');
    reload();
  };
  if (!data) return loadError ? <ErrorBox error={loadError} /> : <p className="loading">{t('more.loading')}</p>;
  const { app, timeline } = data;
  const officer = user.role === 'officer';
  const open = app.status === 'in_progress' || app.status === 'needs_attention';
  const nameOf = new Map(app.steps.map((s) => [s.matterCode, s.matterName]));
  for (const m of matters.data ?? []) if (!nameOf.has(m.code)) nameOf.set(m.code, m.name);
  const dependents = (code: string) => app.steps.filter((s) => s.prerequisites.includes(code));
  const chosen = app.steps.find((s) => s.id === selected);
  return (
    <section>
      <h1>
        {app.project.name} <small>{app.id}</small> <StatusBadge status={app.status} />
      </h1>
      <p className="muted">
        {app.investor.name} · {app.investor.creditCode} · {formatTime(app.createdAt)}
      </p>
      <CaseCredentials app={app} />
      <ErrorBox error={error} fields={['reason', 'note']} />
      {officer && open && (
        <div className="toolbar">
          <input
            placeholder={t('actions.note')}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            aria-label={t('actions.note')}
          />
          {(fieldError('reason') ?? fieldError('note')) && (
            <small className="field-error">{fieldError('reason') ?? fieldError('note')}</small>
          )}
          <button
            type="button"
            className="danger"
            disabled={pending || !note.trim()}
            onClick={() =>
              run(
                () => request('post', '/api/applications/{id}/withdraw', { params: { id }, body: { reason: note } }),
                after,
              )
            }
          >
            {t('actions.withdraw')}
          </button>
        </div>
      )}
      {planOrder(app.steps, matters.data ?? []).map((group) => (
        <div key={group.stage} className="stage" data-stage={group.stage}>
          <h2>{t('more.stage', { n: group.stage })}</h2>
          <DataTable
            className="steps"
            rows={group.steps}
            rowKey={(s) => s.id}
            rowProps={(s) => ({ 'data-step': s.matterCode })}
            columns={[
              {
                header: t('fields.matter'),
                cell: (s) => (
                  <>
                    {s.matterName ?? s.matterCode}
                    {s.attempt > 1 && <small> · {t('fields.attempt', { n: s.attempt })}</small>}
                  </>
                ),
              },
              { header: t('fields.department'), cell: (s) => departments.name(s.departmentCode) },
              {
                header: t('fields.prerequisites'),
                cell: (s) => (
                  <small className="dependencies">
                    {s.prerequisites.length > 0 && (
                      <span>
                        {t('more.dependsOn')}
                        {s.prerequisites.map((c) => nameOf.get(c) ?? c).join('，')}
                      </span>
                    )}
                    {dependents(s.matterCode).length > 0 && (
                      <span>
                        {s.prerequisites.length > 0 && <br />}
                        {t('more.unblocks')}
                        {dependents(s.matterCode)
                          .map((d) => d.matterName)
                          .join('，')}
                      </span>
                    )}
                    {s.prerequisites.length === 0 && dependents(s.matterCode).length === 0 && '—'}
                  </small>
                ),
              },
              {
                header: t('fields.status'),
                cell: (s) => (
                  <>
                    <StatusBadge status={s.status} />
                    {s.awaitingPayment && <span className="awaiting-payment"> {t('more.awaitingPayment')}</span>}
                    {s.overdue && <span className="overdue"> {t('fields.overdue')}</span>}
                  </>
                ),
              },
              { header: t('fields.light'), cell: (s) => <LightBadge light={s.light} /> },
              { header: t('fields.deadline'), cell: (s) => formatTime(s.deadline ?? s.acceptanceDeadline) },
              { header: t('fields.remaining'), cell: (s) => s.remainingWorkdays ?? '—' },
              {
                header: t('fields.actions'),
                cell: (s) => (
                  <>
                    {user.role === 'staff' && s.departmentCode === user.departmentCode && (
                      <Link to={`/steps/${s.id}`}>{t('actions.open')}</Link>
                    )}{' '}
                    {s.allowedActions.length > 0 && (
                      <button
                        type="button"
                        className="secondary"
                        onClick={() => setSelected(selected === s.id ? undefined : s.id)}
                      >
                        {s.allowedActions.map((a) => t(`stepActions.${a}`)).join(' / ')}
                      </button>
                    )}
                    {officer && (s.status === 'rejected' || s.status === 'failed') && open && (
                      <button
                        type="button"
                        disabled={pending || !note.trim()}
                        onClick={() =>
                          run(
                            () =>
                              request('post', '/api/applications/{id}/resubmit', {
                                params: { id },
                                body: { matterCode: s.matterCode, note },
                              }),
                            after,
                          )
                        }
                      >
                        {t('actions.resubmit')}
                      </button>
                    )}
                  </>
                ),
              },
            ]}
          />
        </div>
      ))}
      {chosen && (
        <div className="card" data-acting={chosen.matterCode}>
          <h2>{chosen.matterName}</h2>
          <StepActions
            step={chosen}
            onDone={() => {
              setSelected(undefined);
              reload();
            }}
          />
        </div>
      )}
      <SessionsPanel applicationId={app.id} user={user} canSchedule={officer && open} />
      <DocumentsPanel
        applicationId={app.id}
        matterName={(stepId) => app.steps.find((s) => s.id === stepId)?.matterName ?? stepId}
      />
      <h2>{t('fields.timeline')}</h2>
      <ol className="timeline">
        {timeline.map((e, i) => (
          <li key={i}>
            <time>{formatTime(e.at)}</time>{' '}
            <strong data-event={e.type}>{isEvent(e.type) ? t(`events.${e.type}`) : e.type}</strong> ·{' '}
            {e.actor.displayName}
            {typeof e.detail?.reason === 'string' && <span> · {e.detail.reason}</span>}
            {user.role === 'supervisor' && e.workflowUrl && (
              <a href={e.workflowUrl} target="_blank" rel="noreferrer">
                {' '}
                {t('fields.temporal')}
              </a>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
