import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { request, type User } from '../api';
import {
  ErrorBox,
  formatDeadline,
  formatTime,
  LightBadge,
  Named,
  StatusBadge,
  useDepartments,
  useLoad,
  useMatters,
  yuan,
} from '../components';
import { CaseCredentials, DocumentsPanel } from '../DocumentsPanel';
import { ProjectClockFacts, ProjectTimeline } from '../ProjectClock';
import { StepActions } from '../StepActions';
import { useSubmit } from '../submit';
import { Timeline } from '../timeline';
import type { Application, Matter, Step, TimelineEvent } from '../types';
import { SessionsPanel } from './Sessions';
import { SpecialProcedureRecords } from './Staff';

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
    const prerequisites = (s.prerequisites ?? []).map((c) => byCode.get(c)).filter((p): p is Step => !!p);
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

/** What the timeline says of each step: the last correction asked for, and when it was supplied. */
function stepHistory(timeline: TimelineEvent[]) {
  const byStep = new Map<string, { items?: string[]; reason?: string; supplied?: string; urged?: string }>();
  for (const e of timeline) {
    if (!e.stepId) continue;
    const h = byStep.get(e.stepId) ?? {};
    const d = (e.detail ?? {}) as Record<string, unknown>;
    if (e.type === 'supplement_requested') {
      h.items = Array.isArray(d.items) ? (d.items as string[]) : [];
      h.reason = typeof d.reason === 'string' ? d.reason : undefined;
      h.supplied = undefined;
    }
    if (e.type === 'supplement_received') h.supplied = typeof d.note === 'string' ? d.note : '';
    // A new attempt (a resubmission) starts with nothing asked for.
    if (e.type === 'step_submitted') {
      h.items = undefined;
      h.supplied = undefined;
    }
    byStep.set(e.stepId, h);
  }
  return byStep;
}

/** What the officer must do on a step, if anything. */
function officerAttention(s: Step, open: boolean): 'supplement' | 'resubmit' | 'payment' | null {
  if (!open) return null;
  if (s.status === 'awaiting_supplement') return 'supplement';
  if (s.status === 'rejected' || s.status === 'failed') return 'resubmit';
  if (s.awaitingPayment) return 'payment';
  return null;
}

/** One application: its steps by stage with their dependencies, what needs attention, the timeline. */
export function ApplicationPage({ user }: { user: User }) {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const departments = useDepartments();
  const matters = useMatters();
  const submit = useSubmit();
  const [acting, setActing] = useState<string>();
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
  if (!data) return loadError ? <ErrorBox error={loadError} /> : <p className="loading">{t('more.loading')}</p>;
  const { app, timeline } = data;
  const officer = user.role === 'officer';
  const open = app.status === 'in_progress' || app.status === 'needs_attention';
  const nameOf = new Map(app.steps.map((s) => [s.matterCode, s.matterName ?? matters.name(s.matterCode)]));
  const stepById = new Map(app.steps.map((s) => [s.id, s]));
  const history = stepHistory(timeline);
  const attention = officer ? app.steps.filter((s) => officerAttention(s, open)) : [];
  const mine =
    user.role === 'staff'
      ? app.steps.filter((s) => s.departmentCode === user.departmentCode && (s.allowedActions ?? []).length > 0)
      : [];

  const withdraw = () =>
    submit.submit({
      identity: ['withdraw', app.id],
      confirm: {
        title: t('application.withdrawTitle'),
        lines: () => [
          `${t('application.withdrawTitle')} · ${app.project.name}`,
          t('application.withdrawEffect', {
            n: app.steps.filter((s) => !['approved', 'rejected', 'cancelled', 'failed'].includes(s.status)).length,
          }),
        ],
        inputs: [{ name: 'reason', label: t('application.withdrawReason'), kind: 'textarea', required: true }],
        danger: true,
        confirmLabel: t('application.confirmWithdraw'),
      },
      send: (key, v) =>
        request('post', '/api/applications/{id}/withdraw', {
          params: { id: app.id },
          body: { reason: v.reason ?? '' },
          idempotencyKey: key,
        }),
      success: () => t('results.withdrawn', { project: app.project.name }),
      then: reload,
    });

  const resubmit = (s: Step) =>
    submit.submit({
      identity: ['resubmit', app.id, s.matterCode],
      confirm: {
        title: t('actions.resubmit'),
        lines: () => [
          `${t('actions.resubmit')} · ${s.matterName}`,
          s.reason ? t('application.previousReason', { reason: s.reason }) : '',
          t('application.resubmitEffect'),
        ],
        inputs: [{ name: 'note', label: t('application.resubmitNote'), kind: 'textarea', required: true }],
        confirmLabel: t('application.confirmResubmit'),
      },
      send: (key, v) =>
        request('post', '/api/applications/{id}/resubmit', {
          params: { id: app.id },
          body: { matterCode: s.matterCode, note: v.note ?? '' },
          idempotencyKey: key,
        }),
      success: () => t('results.resubmitted', { matter: s.matterName }),
      then: reload,
    });

  return (
    <section className="application">
      {submit.dialog}
      <h1>
        {app.project.name} <StatusBadge status={app.status} />
      </h1>
      <ApplicationFacts app={app} />
      {app.projectClock && (
        <ProjectClockFacts
          clock={app.projectClock}
          closed={app.status === 'completed' || app.status === 'withdrawn' ? app.status : null}
        />
      )}
      <CaseCredentials app={app} />

      {attention.length > 0 && (
        <div className="attention card" role="region" aria-label={t('application.needsYou')}>
          <h2>{t('application.needsYou')}</h2>
          <ul>
            {attention.map((s) => (
              <li key={s.id}>
                <a href={`#step-${s.matterCode}`}>{s.matterName}</a>：
                {t(`application.todo_${officerAttention(s, open)!}`, {
                  amount: s.fee ? yuan(s.fee.amountFen) : '',
                })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {mine.length > 0 && (
        <p className="notice">
          {t('application.yourSteps')}
          {mine.map((s) => (
            <Link key={s.id} to={`/steps/${s.id}`} className="chip">
              {s.matterName}
            </Link>
          ))}
        </p>
      )}

      {app.projectClock && (app.criticalPath?.length || app.schedule?.length) ? (
        <ProjectTimeline clock={app.projectClock} schedule={app.schedule} criticalPath={app.criticalPath ?? []} />
      ) : null}

      {planOrder(app.steps, matters.list).map((group) => (
        <div key={group.stage} className="stage" data-stage={group.stage}>
          <h2>
            {t('more.stage', { n: group.stage })} · {t(`stages.${group.stage as 1 | 2 | 3 | 4}`, '')}
          </h2>
          <ol className="step-cards">
            {group.steps.map((s) => {
              const h = history.get(s.id);
              const need = officerAttention(s, open);
              const dependents = app.steps.filter((d) => (d.prerequisites ?? []).includes(s.matterCode));
              const full = 'allowedActions' in s;
              return (
                <li
                  key={s.id}
                  id={`step-${s.matterCode}`}
                  className={`step-card${need ? ' needs-attention' : ''}`}
                  data-step={s.matterCode}
                >
                  <div className="step-head">
                    <strong className="step-name">
                      <Named name={s.matterName ?? matters.name(s.matterCode)} code={s.matterCode} />
                    </strong>
                    <span className="muted"> · {departments.name(s.departmentCode)}</span>
                    {(s.attempt ?? 1) > 1 && <small> · {t('fields.attempt', { n: s.attempt })}</small>}
                    <span className="step-badges">
                      <StatusBadge status={s.status} /> <LightBadge light={s.light} />
                      {s.overdue && <span className="overdue"> {t('fields.overdue')}</span>}
                      {s.awaitingPayment && <span className="awaiting-payment"> {t('more.awaitingPayment')}</span>}
                    </span>
                  </div>
                  {(s.prerequisites ?? []).length > 0 && (
                    <p className="dependencies">
                      ↳ {t('more.dependsOn')}
                      {s.prerequisites.map((c) => {
                        const p = app.steps.find((x) => x.matterCode === c);
                        return (
                          <span key={c} className={`dep dep-${p?.status ?? 'unknown'}`}>
                            {nameOf.get(c) ?? matters.name(c)}
                            {p && `（${t(`status.${p.status}`)}）`}
                          </span>
                        );
                      })}
                    </p>
                  )}
                  {dependents.length > 0 && (
                    <p className="dependencies muted">
                      {t('more.unblocks')}
                      {dependents.map((d) => d.matterName).join('，')}
                    </p>
                  )}
                  {full && (
                    <dl className="step-facts">
                      {s.status === 'submitted' && (
                        <>
                          <dt>{t('application.acceptBy')}</dt>
                          <dd>{formatDeadline(s.acceptanceDeadline)}</dd>
                        </>
                      )}
                      {s.deadline && (
                        <>
                          <dt>{t('fields.deadline')}</dt>
                          <dd>
                            {formatDeadline(s.deadline)}
                            {typeof s.remainingWorkdays === 'number' &&
                              ` · ${t('application.daysLeft', { n: s.remainingWorkdays })}`}
                          </dd>
                        </>
                      )}
                      {s.decidedAt && (
                        <>
                          <dt>{t('application.decidedAt')}</dt>
                          <dd>{formatTime(s.decidedAt)}</dd>
                        </>
                      )}
                      {s.certificateNo && (
                        <>
                          <dt>{t('actions.certificateNo')}</dt>
                          <dd className="certificate">{s.certificateNo}</dd>
                        </>
                      )}
                      {(s.status === 'rejected' || (s.outcome === 'rejected' && s.reason)) && (
                        <>
                          <dt>{t('application.rejectionReason')}</dt>
                          <dd className="rejection-reason">{s.reason ?? '—'}</dd>
                        </>
                      )}
                      {s.pause?.kind === 'special' && (
                        <>
                          <dt>{t('more.procedure')}</dt>
                          <dd data-running-procedure={s.pause.procedure}>
                            {t(`procedures.${s.pause.procedure}`)} · {s.pause.reason}
                            <div className="muted">
                              {t('panels.procedureDetails', {
                                approvedBy: s.pause.approvedBy,
                                n: s.pause.limitDays,
                                endsAt: formatDeadline(s.pause.endsAt),
                              })}
                            </div>
                          </dd>
                        </>
                      )}
                      {(s.specialProcedures?.length ?? 0) > 0 && (
                        <>
                          <dt>{t('inbox.specialProcedures')}</dt>
                          <dd>
                            <SpecialProcedureRecords step={s} />
                          </dd>
                        </>
                      )}
                      {s.extension && (
                        <>
                          <dt>{t('stepActions.extend')}</dt>
                          <dd>
                            {t('inbox.extensionRecord', {
                              n: s.extension.workdays,
                              reason: s.extension.reason,
                              approvedBy: s.extension.approvedBy,
                            })}
                          </dd>
                        </>
                      )}
                      {s.deemedConsent && (
                        <>
                          <dt>{t('inbox.result')}</dt>
                          <dd data-deemed-consent>{t('inbox.deemedConsent')}</dd>
                        </>
                      )}
                      {s.fee && (
                        <>
                          <dt>{t('fields.fee')}</dt>
                          <dd>
                            {yuan(s.fee.amountFen)} ·{' '}
                            {s.fee.paidAt
                              ? t('application.paid', { no: s.fee.receiptNo ?? '' })
                              : t('more.awaitingPayment')}
                          </dd>
                        </>
                      )}
                      {s.assignee && (
                        <>
                          <dt>{t('more.assignee')}</dt>
                          <dd>{s.assignee.displayName}</dd>
                        </>
                      )}
                    </dl>
                  )}
                  {h?.items && h.items.length > 0 && (
                    <div className="requested">
                      <strong>
                        {s.status === 'awaiting_supplement'
                          ? t('application.missingNow')
                          : t('application.missingBefore')}
                      </strong>
                      <ul>
                        {h.items.map((i) => (
                          <li key={i}>{i}</li>
                        ))}
                      </ul>
                      {h.reason && <small className="muted">{t('timeline.reason', { text: h.reason })}</small>}
                      {h.supplied !== undefined && (
                        <small className="muted"> · {t('application.supplied', { note: h.supplied })}</small>
                      )}
                    </div>
                  )}
                  <div className="step-card-actions">
                    {user.role === 'staff' && s.departmentCode === user.departmentCode && (
                      <Link to={`/steps/${s.id}`} className="button-link">
                        {t('application.handle')}
                      </Link>
                    )}
                    {officer && need === 'resubmit' && (
                      <button type="button" disabled={submit.pending} onClick={() => resubmit(s)}>
                        {t('actions.resubmit')}
                      </button>
                    )}
                    {officer && need === 'supplement' && acting !== s.id && (
                      <button type="button" onClick={() => setActing(s.id)}>
                        {t('stepActions.supplement')}
                      </button>
                    )}
                    {(user.role === 'supervisor' || (officer && acting === s.id)) && full && (
                      <StepActions
                        step={s}
                        only={officer ? ['supplement'] : ['urge', 'extend']}
                        onDone={() => {
                          setActing(undefined);
                          reload();
                        }}
                      />
                    )}
                  </div>
                </li>
              );
            })}
          </ol>
        </div>
      ))}

      {officer && open && (
        <div className="toolbar">
          <button type="button" className="danger" disabled={submit.pending} onClick={withdraw}>
            {t('application.withdrawTitle')}
          </button>
        </div>
      )}

      <SessionsPanel applicationId={app.id} user={user} canSchedule={officer && open} />
      <DocumentsPanel
        applicationId={app.id}
        matterName={(stepId) => app.steps.find((s) => s.id === stepId)?.matterName ?? stepId}
      />
      <h2>{t('fields.timeline')}</h2>
      <Timeline events={timeline} matterOfStep={(sid) => stepById.get(sid)?.matterName} />
      {(user.role === 'supervisor' || user.role === 'admin') && <TechnicalDetails applicationId={app.id} />}
    </section>
  );
}

/** The application's people and project, as the window reads them. */
function ApplicationFacts({ app }: { app: Application }) {
  const { t } = useTranslation();
  return (
    <dl className="facts">
      <dt>{app.caseNo ? t('application.caseNo') : t('fields.id')}</dt>
      <dd>{app.caseNo ?? app.id}</dd>
      <dt>{t('fields.investorName')}</dt>
      <dd>
        {app.investor.name} <small className="code">{app.investor.creditCode}</small>
      </dd>
      <dt>{t('fields.contact')}</dt>
      <dd>
        {app.investor.contactName} · {app.investor.phone}
      </dd>
      <dt>{t('fields.project')}</dt>
      <dd>
        {app.project.industry} · {app.project.location} ·{' '}
        {t('application.investment', { n: app.project.investmentWanYuan })}
        {app.project.code && <small className="code"> {app.project.code}</small>}
      </dd>
      <dt>{t('fields.createdAt')}</dt>
      <dd>{formatTime(app.createdAt)}</dd>
    </dl>
  );
}

/** 技术详情: the application's and its steps' workflows, linked into the Temporal Web UI (TEMPORAL_UI_URL). */
function TechnicalDetails({ applicationId }: { applicationId: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const details = useLoad(
    () =>
      open
        ? request('get', '/api/applications/{id}/technical', { params: { id: applicationId } })
        : Promise.resolve(undefined),
    [open, applicationId],
  );
  return (
    <section className="technical">
      <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? '▾' : '▸'} {t('application.technical')}
      </button>
      {open && details.error !== undefined && <ErrorBox error={details.error} />}
      {open && details.data && (
        <div className="card">
          <p className="muted">
            {t('application.temporal', { namespace: details.data.namespace, queue: details.data.taskQueue })}
          </p>
          <ul>
            <li>
              <a href={details.data.application.url} target="_blank" rel="noreferrer" data-workflow="application">
                {details.data.application.workflowId}
              </a>
            </li>
            {details.data.steps.map((s) => (
              <li key={s.stepId}>
                {s.matterName}：
                <a href={s.url} target="_blank" rel="noreferrer">
                  {s.workflowId}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
