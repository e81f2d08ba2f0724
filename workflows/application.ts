// One joint review (联合审批): starts each department step as a child workflow once the
// matters it depends on are approved (并联审批 within a stage), follows them to the end, and
// carries what belongs to the whole application: withdrawal, resubmission of a rejected
// matter, and joint sessions (联合踏勘 / 联审会).
//
// Handlers and the main loop change state one at a time under one lock, and each handler checks
// its preconditions again once it holds the lock: two conflicting actions give one winner and a
// refusal. Steps report their end by signal, so the application can continue as new (its history
// stays bounded over months of sessions and resubmissions) while steps keep running.
import {
  allHandlersFinished,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Actor, ApplicationStatus } from '../domain/model';
import type { NoticeCode, NoticeParams } from '../domain/notices';
import type { Notice, SessionSnapshot } from '../domain/projection';
import { fail, lockedChanges, project, SYSTEM, type Who } from './common';
import {
  SearchAttr,
  applicationStateQuery,
  cancelStepSignal,
  closeSessionUpdate,
  recordOpinionUpdate,
  resubmitUpdate,
  scheduleSessionUpdate,
  stepFinishedSignal,
  stepWorkflowId,
  withdrawUpdate,
  type ApplicationWorkflowInput,
  type PlannedStepInput,
  type StepProgress,
  type StepResult,
} from './shared';
import { stepWorkflow } from './step';

/** Continue as new past this many history events unless the input says otherwise. */
const DEFAULT_HISTORY_LIMIT = 2_000;
/** A resubmitted step waits this long at most for its previous run to close (it signals just before). */
const PREVIOUS_RUN_CLOSE_ATTEMPTS = 30;

export async function applicationWorkflow(input: ApplicationWorkflowInput): Promise<ApplicationStatus> {
  const carried = input.carried;
  const progress = new Map<string, StepProgress>(
    carried?.progress ?? input.steps.map((s) => [s.matterCode, 'blocked' as StepProgress]),
  );
  const attempts = new Map<string, number>(carried?.attempts ?? input.steps.map((s) => [s.matterCode, 0]));
  const byMatter = new Map<string, PlannedStepInput>(input.steps.map((s) => [s.matterCode, s]));
  const sessions = new Map<string, SessionSnapshot>((carried?.sessions ?? []).map((s) => [s.id, s]));
  /** Step results received and not yet handled by the main loop. */
  const pending: StepResult[] = [...(carried?.pending ?? [])];
  const state = { status: carried?.status ?? ('in_progress' as ApplicationStatus), withdrawing: false };
  let seq = carried?.seq ?? 0;
  /** Bumped when a session closes, so the main loop looks at completion again. */
  let version = 0;
  const { lock, exclusive, onUpdate, noCheck } = lockedChanges();
  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;

  const nextSeq = () => ++seq;
  const workflowId = workflowInfo().workflowId;
  const toOfficer = (code: NoticeCode, params: NoticeParams): Notice => ({
    audience: { userId: input.officerId },
    code,
    params,
  });
  const isFinal = () => state.status === 'withdrawn' || state.status === 'completed';

  /** Reports the application's status and one timeline event (and notices) to the read model. */
  const report = async (type: string, actor: Who, detail: Record<string, unknown>, notices: Notice[] = []) => {
    upsertSearchAttributes([{ key: SearchAttr.applicationStatus, value: state.status }]);
    await project('projectApplication', {
      workflowId,
      seq: nextSeq(),
      applicationId: input.applicationId,
      status: state.status,
      event: { type, at: new Date().toISOString(), actor: { id: actor.id, displayName: actor.displayName }, detail },
      notices,
    });
  };

  const reportSession = async (
    session: SessionSnapshot,
    type: string,
    actor: Who,
    detail: Record<string, unknown>,
    notices: Notice[] = [],
  ) => {
    await project('projectSession', {
      workflowId,
      seq: nextSeq(),
      applicationId: input.applicationId,
      session: { ...session, opinions: session.opinions.map((o) => ({ ...o })) },
      event: { type, at: new Date().toISOString(), actor: { id: actor.id, displayName: actor.displayName }, detail },
      notices,
    });
  };

  /** What still stands between the application and completion. */
  const attentionReasons = (): string[] => [
    ...[...progress].filter(([, p]) => p === 'rejected' || p === 'failed').map(([m, p]) => `${p}:${m}`),
    ...[...sessions.values()]
      .filter((s) => s.status === 'closed' && s.opinions.some((o) => o.opinion === 'disagree'))
      .filter((s) => !laterSessionAgrees(s))
      .map((s) => `disagreement:${s.id}`),
  ];

  /** A disagreement is settled by a later closed session of the same departments where all agree. */
  const laterSessionAgrees = (disputed: SessionSnapshot): boolean =>
    [...sessions.values()].some(
      (s) =>
        s.status === 'closed' &&
        s.closedAt! > disputed.closedAt! &&
        s.opinions.every((o) => o.opinion !== 'disagree') &&
        disputed.opinions
          .filter((o) => o.opinion === 'disagree')
          .every((o) => s.invitedDepartments.includes(o.departmentCode)),
    );

  const settleStatus = async (trigger: string, detail: Record<string, unknown>) => {
    if (isFinal() || state.withdrawing) return;
    const reasons = attentionReasons();
    const next: ApplicationStatus = reasons.length > 0 ? 'needs_attention' : 'in_progress';
    if (next === state.status) return;
    state.status = next;
    await report(
      next === 'needs_attention' ? 'application_needs_attention' : 'application_back_in_progress',
      SYSTEM,
      { trigger, reasons, ...detail },
      next === 'needs_attention'
        ? [toOfficer('application_needs_attention', { applicationId: input.applicationId, reasons: reasons.join(',') })]
        : [],
    );
  };

  /**
   * Starts a step's next attempt; the claim (progress, attempt) is made before the first await.
   * If the step cannot be started, a resubmission is refused (and nothing changes), while a step
   * the plan starts is recorded as failed, for the officer to start again.
   */
  const startStep = async (step: PlannedStepInput, onFailure: 'refuse' | 'mark_failed') => {
    const previous = { progress: progress.get(step.matterCode)!, attempt: attempts.get(step.matterCode)! };
    const attempt = previous.attempt + 1;
    attempts.set(step.matterCode, attempt);
    progress.set(step.matterCode, 'running');
    for (let tries = 1; ; tries++) {
      try {
        const child = await startChild(stepWorkflow, {
          workflowId: stepWorkflowId(input.applicationId, step.matterCode),
          // The step outlives a run of this workflow that continues as new.
          parentClosePolicy: ParentClosePolicy.ABANDON,
          args: [
            {
              applicationId: input.applicationId,
              officerId: input.officerId,
              stepId: step.stepId,
              matterCode: step.matterCode,
              matterName: step.matterName,
              departmentCode: step.departmentCode,
              // The terms of the catalog version the step was planned on (a later version changes nothing).
              promisedLimitDays: step.promisedLimitDays,
              feeAmountFen: step.feeAmountFen,
              statutoryLimitDays: step.statutoryLimitDays ?? null,
              matterVersion: step.matterVersion ?? null,
              deemedConsent: step.deemedConsent ?? false,
              attempt,
              policy: input.policy,
            },
          ],
          typedSearchAttributes: [
            { key: SearchAttr.applicationId, value: input.applicationId },
            { key: SearchAttr.departmentCodes, value: [step.departmentCode] },
          ],
        });
        // A step reports its end by signal; one that fails or is terminated cannot, and shows here.
        child.result().catch((err: unknown) => {
          pending.push({
            stepId: step.stepId,
            matterCode: step.matterCode,
            attempt,
            outcome: 'failed',
            reason: err instanceof ChildWorkflowFailure ? (err.cause?.message ?? err.message) : String(err),
          });
        });
        return;
      } catch (err) {
        // The previous attempt signalled its end and is closing this very moment.
        if (err instanceof WorkflowExecutionAlreadyStartedError && tries < PREVIOUS_RUN_CLOSE_ATTEMPTS) {
          await sleep('1 second');
          continue;
        }
        if (onFailure === 'mark_failed') {
          pending.push({
            stepId: step.stepId,
            matterCode: step.matterCode,
            attempt,
            outcome: 'failed',
            reason: `the step workflow could not be started: ${err instanceof Error ? err.message : String(err)}`,
          });
          return;
        }
        attempts.set(step.matterCode, previous.attempt);
        progress.set(step.matterCode, previous.progress);
        fail('Conflict', 'step_start_failed', `the step ${step.matterCode} could not be started; try again shortly`, {
          matterCode: step.matterCode,
        });
      }
    }
  };

  const startReadySteps = async () => {
    for (const step of input.steps) {
      if (state.withdrawing || isFinal()) return;
      if (progress.get(step.matterCode) !== 'blocked') continue;
      if (!step.prerequisites.every((p) => progress.get(p) === 'approved')) continue;
      await startStep(step, 'mark_failed');
    }
  };

  /** Handles the step results received so far: progress, failures, follow-on steps, status. */
  const handleResults = async () => {
    while (pending.length > 0) {
      const result = pending.shift()!;
      // A result counts once, for the attempt that is running (a signal and a failure may both come).
      if (progress.get(result.matterCode) !== 'running' || attempts.get(result.matterCode) !== result.attempt) continue;
      progress.set(result.matterCode, result.outcome);
      if (result.outcome === 'failed') {
        await project('markStepFailed', {
          workflowId,
          seq: nextSeq(),
          applicationId: input.applicationId,
          stepId: result.stepId,
          attempt: result.attempt,
          reason: result.reason,
          at: new Date().toISOString(),
        });
      }
      if (result.outcome === 'approved') {
        await startReadySteps();
      } else if (result.outcome === 'rejected' || result.outcome === 'failed') {
        await settleStatus(result.outcome === 'rejected' ? 'rejection' : 'step_failure', {
          stepId: result.stepId,
          matterCode: result.matterCode,
          reason: result.reason,
        });
      }
    }
    if (
      !state.withdrawing &&
      !isFinal() &&
      [...progress.values()].every((p) => p === 'approved') &&
      attentionReasons().length === 0
    ) {
      state.status = 'completed';
      await report('application_completed', SYSTEM, {}, [
        toOfficer('application_completed', { applicationId: input.applicationId }),
      ]);
    }
  };

  const requireOfficer = (actor: Actor, what: string) => {
    if (actor.role !== 'officer')
      fail('Forbidden', 'role_required', `${what} is for the investment proxy officer`, { role: 'officer' });
  };
  const requireActive = (what: string) => {
    if (isFinal() || state.withdrawing) {
      const status = state.withdrawing ? 'being_withdrawn' : state.status;
      fail('Conflict', 'application_not_active', `cannot ${what}: the application is ${status}`, { status });
    }
  };

  // The first steps start (or a carried run handles what the previous run handed over) before any
  // Update: the lock is taken before the handlers exist, and an Update delivered with the start
  // runs as soon as its handler is registered.
  const started = exclusive(noCheck, carried ? handleResults : startReadySteps);

  setHandler(applicationStateQuery, () => ({ status: state.status, sessions: [...sessions.values()] }));

  setHandler(stepFinishedSignal, (result) => {
    pending.push(result);
  });

  const checkWithdraw = ({ actor, reason }: { actor: Actor; reason: string }) => {
    requireOfficer(actor, 'withdrawing an application');
    requireActive('withdraw');
    if (!reason.trim()) fail('InvalidInput', 'reason_required', 'a withdrawal needs its reason');
  };
  setHandler(
    withdrawUpdate,
    async ({ actor, reason }) => {
      const who = { id: actor.id, displayName: actor.displayName };
      const cancelled = await exclusive(
        () => checkWithdraw({ actor, reason }),
        async () => {
          state.withdrawing = true;
          const running = [...progress].filter(([, p]) => p === 'running').map(([m]) => m);
          for (const matter of running) {
            try {
              await getExternalWorkflowHandle(stepWorkflowId(input.applicationId, matter)).signal(cancelStepSignal, {
                reason,
                actor: who,
              });
            } catch {
              // The step closed a moment ago. Its result has come (it signals before closing) or,
              // if it was terminated without a word, it never will: it counts as failed.
              if (progress.get(matter) === 'running' && !pending.some((r) => r.matterCode === matter)) {
                const step = byMatter.get(matter)!;
                pending.push({
                  stepId: step.stepId,
                  matterCode: matter,
                  attempt: attempts.get(matter)!,
                  outcome: 'failed',
                  reason: 'the step workflow closed without a result',
                });
              }
            }
          }
          const blocked = [...progress].filter(([, p]) => p === 'blocked').map(([m]) => m);
          for (const matter of blocked) progress.set(matter, 'cancelled');
          if (blocked.length > 0) {
            await project('cancelBlockedSteps', {
              workflowId,
              seq: nextSeq(),
              applicationId: input.applicationId,
              stepIds: blocked.map((m) => byMatter.get(m)!.stepId),
              reason,
              actor: who,
              at: new Date().toISOString(),
            });
          }
          return [...running, ...blocked];
        },
      );
      // The main loop records each step's end; the lock is free meanwhile.
      await condition(() => [...progress.values()].every((p) => p !== 'running'));
      return exclusive(noCheck, async () => {
        state.status = 'withdrawn';
        await report('application_withdrawn', actor, { reason, cancelledSteps: cancelled });
        return state.status;
      });
    },
    { validator: checkWithdraw },
  );

  onUpdate(
    resubmitUpdate,
    ({ actor, matterCode, note }) => {
      requireOfficer(actor, 'resubmitting a matter');
      requireActive('resubmit');
      const current = progress.get(matterCode);
      if (current !== 'rejected' && current !== 'failed') {
        const progress = current ?? 'not_in_application';
        fail(
          'Conflict',
          'not_resubmittable',
          `only a rejected matter (or one whose step failed) can be resubmitted; ${matterCode} is ${progress}`,
          { matterCode, progress },
        );
      }
      if (!note.trim()) fail('InvalidInput', 'note_required', 'say what was changed for the resubmission');
    },
    async ({ actor, matterCode, note }) => {
      const step = byMatter.get(matterCode)!;
      await startStep(step, 'refuse');
      await report('step_resubmitted', actor, {
        stepId: step.stepId,
        matterCode,
        note,
        attempt: attempts.get(matterCode)!,
      });
      await settleStatus('resubmission', { matterCode });
      return state.status;
    },
  );

  onUpdate(
    scheduleSessionUpdate,
    ({ actor, sessionId, invitedDepartments }) => {
      requireOfficer(actor, 'scheduling a joint session');
      requireActive('schedule a session');
      if (sessions.has(sessionId)) fail('Conflict', 'session_exists', `session ${sessionId} exists already`);
      if (invitedDepartments.length === 0) fail('InvalidInput', 'invite_required', 'invite at least one department');
    },
    async ({ actor, sessionId, kind, topic, scheduledAt, location, invitedDepartments }) => {
      const session: SessionSnapshot = {
        id: sessionId,
        kind,
        topic,
        scheduledAt,
        location,
        invitedDepartments: [...invitedDepartments].sort(),
        status: 'scheduled',
        opinions: [],
        minutes: null,
        closedAt: null,
      };
      sessions.set(sessionId, session);
      await reportSession(
        session,
        'session_scheduled',
        actor,
        { sessionId, kind, scheduledAt, invitedDepartments: session.invitedDepartments },
        session.invitedDepartments.map((d) => ({
          audience: { departmentCode: d },
          code: 'session_scheduled' as const,
          params: { kind, topic, scheduledAt, location },
        })),
      );
      return session;
    },
  );

  onUpdate(
    recordOpinionUpdate,
    ({ actor, sessionId, opinion, reason }) => {
      const session = sessions.get(sessionId);
      if (!session) fail('Conflict', 'session_not_found', `no session ${sessionId} in this application`);
      if (
        actor.role !== 'staff' ||
        !actor.departmentCode ||
        !session.invitedDepartments.includes(actor.departmentCode)
      ) {
        fail('Forbidden', 'not_invited', 'only staff of an invited department may give its opinion');
      }
      if (session.status !== 'scheduled') fail('Conflict', 'session_closed', 'the session is closed');
      if (opinion === 'disagree' && !reason?.trim())
        fail('InvalidInput', 'reason_required', 'a disagreement needs its reasons');
    },
    async ({ actor, sessionId, opinion, reason }) => {
      const session = sessions.get(sessionId)!;
      const entry = {
        departmentCode: actor.departmentCode!,
        opinion,
        reason: reason?.trim() || null,
        deemed: false,
        by: { id: actor.id, displayName: actor.displayName },
        at: new Date().toISOString(),
      };
      session.opinions = [...session.opinions.filter((o) => o.departmentCode !== entry.departmentCode), entry];
      await reportSession(session, 'session_opinion_recorded', actor, {
        sessionId,
        departmentCode: entry.departmentCode,
        opinion,
        reason: entry.reason,
      });
      return session;
    },
  );

  onUpdate(
    closeSessionUpdate,
    ({ actor, sessionId }) => {
      requireOfficer(actor, 'closing a joint session');
      const session = sessions.get(sessionId);
      if (!session) fail('Conflict', 'session_not_found', `no session ${sessionId} in this application`);
      if (session.status !== 'scheduled') fail('Conflict', 'session_closed', 'the session is closed already');
    },
    async ({ actor, sessionId, minutes }) => {
      const session = sessions.get(sessionId)!;
      const at = new Date().toISOString();
      const answered = new Set(session.opinions.map((o) => o.departmentCode));
      const absent = session.invitedDepartments.filter((d) => !answered.has(d));
      // 缺席默认: an absent department is deemed to agree, and the record says so.
      session.opinions = [
        ...session.opinions,
        ...absent.map((d) => ({
          departmentCode: d,
          opinion: 'agree' as const,
          reason: null,
          deemed: true,
          by: null,
          at,
        })),
      ];
      session.status = 'closed';
      session.minutes = minutes;
      session.closedAt = at;
      const disagreeing = session.opinions.filter((o) => o.opinion === 'disagree').map((o) => o.departmentCode);
      await reportSession(session, 'session_closed', actor, {
        sessionId,
        minutes,
        deemedAgreeing: absent,
        disagreeing,
      });
      await settleStatus('session', { sessionId, disagreeing });
      version++;
      return session;
    },
  );

  const continueAsNewDue = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= historyLimit;

  /** No handler runs and the lock is free: the state is whole and can be handed over. */
  const quiet = () => allHandlersFinished() && !lock.isLocked();

  await started;

  /** The `version` the main loop has looked at (a closed session bumps it). */
  let handled = version;
  for (;;) {
    // Never continue as new during a withdrawal: its handler is waiting for the steps to end.
    await condition(
      () => pending.length > 0 || isFinal() || version !== handled || (continueAsNewDue() && !state.withdrawing),
    );
    if (isFinal()) break;
    if (pending.length > 0 || version !== handled) {
      handled = version;
      await exclusive(noCheck, handleResults);
      continue;
    }
    // Continue as new at a quiet moment; anything that happens meanwhile is handled first.
    const interrupted = () => pending.length > 0 || isFinal() || version !== handled || state.withdrawing;
    await condition(() => quiet() || interrupted());
    if (interrupted() || !quiet()) continue;
    await continueAsNew<typeof applicationWorkflow>({
      ...input,
      carried: {
        status: state.status,
        progress: [...progress],
        attempts: [...attempts],
        sessions: [...sessions.values()],
        pending: [...pending],
        seq,
      },
    });
  }

  await condition(allHandlersFinished);
  return state.status;
}
