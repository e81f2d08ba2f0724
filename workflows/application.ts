// One joint review (联合审批): starts each department step as a child workflow once the
// matters it depends on are approved (并联审批 within a stage), follows them to the end, and
// carries what belongs to the whole application: withdrawal, resubmission of a rejected
// matter, and joint sessions (联合踏勘 / 联审会).
import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Actor, ApplicationStatus } from '../domain/model';
import type { Notice, SessionSnapshot } from '../domain/projection';
import { acts, fail, SYSTEM, type Who } from './common';
import {
  SearchAttr,
  applicationStateQuery,
  cancelStepSignal,
  closeSessionUpdate,
  recordOpinionUpdate,
  resubmitUpdate,
  scheduleSessionUpdate,
  stepWorkflowId,
  withdrawUpdate,
  type ApplicationWorkflowInput,
  type PlannedStepInput,
  type StepResult,
} from './shared';
import { stepWorkflow } from './step';

type StepProgress = 'blocked' | 'running' | 'approved' | 'rejected' | 'cancelled';

export async function applicationWorkflow(input: ApplicationWorkflowInput): Promise<ApplicationStatus> {
  const progress = new Map<string, StepProgress>(input.steps.map((s) => [s.matterCode, 'blocked']));
  const attempts = new Map<string, number>(input.steps.map((s) => [s.matterCode, 0]));
  const byMatter = new Map<string, PlannedStepInput>(input.steps.map((s) => [s.matterCode, s]));
  const sessions = new Map<string, SessionSnapshot>();
  const finished: StepResult[] = [];
  const state = { status: 'in_progress' as ApplicationStatus, withdrawing: false };
  let seq = 0;
  /** Bumped when a session closes, so the main loop looks at completion again. */
  let version = 0;

  const nextSeq = () => ++seq;
  const workflowId = workflowInfo().workflowId;
  const officerNotice = (message: string): Notice => ({ audience: { userId: input.officerId }, message });

  const project = async (type: string, actor: Who, detail: Record<string, unknown>, notices: Notice[] = []) => {
    upsertSearchAttributes([{ key: SearchAttr.applicationStatus, value: state.status }]);
    await acts.projectApplication({
      workflowId,
      seq: nextSeq(),
      applicationId: input.applicationId,
      status: state.status,
      event: { type, at: new Date().toISOString(), actor: { id: actor.id, displayName: actor.displayName }, detail },
      notices,
    });
  };

  const projectSession = async (
    session: SessionSnapshot,
    type: string,
    actor: Who,
    detail: Record<string, unknown>,
    notices: Notice[] = [],
  ) => {
    await acts.projectSession({
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
    ...[...progress].filter(([, p]) => p === 'rejected').map(([m]) => `rejected:${m}`),
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
    if (state.status === 'withdrawn' || state.status === 'completed' || state.withdrawing) return;
    const reasons = attentionReasons();
    const next: ApplicationStatus = reasons.length > 0 ? 'needs_attention' : 'in_progress';
    if (next === state.status) return;
    state.status = next;
    await project(
      next === 'needs_attention' ? 'application_needs_attention' : 'application_back_in_progress',
      SYSTEM,
      { trigger, reasons, ...detail },
      next === 'needs_attention' ? [officerNotice(`申请 ${input.applicationId} 需要处理：${reasons.join('，')}`)] : [],
    );
  };

  const startStep = async (step: PlannedStepInput) => {
    const attempt = attempts.get(step.matterCode)! + 1;
    attempts.set(step.matterCode, attempt);
    progress.set(step.matterCode, 'running');
    const child = await startChild(stepWorkflow, {
      workflowId: stepWorkflowId(input.applicationId, step.matterCode),
      args: [
        {
          applicationId: input.applicationId,
          officerId: input.officerId,
          stepId: step.stepId,
          matterCode: step.matterCode,
          matterName: step.matterName,
          departmentCode: step.departmentCode,
          promisedLimitDays: step.promisedLimitDays,
          feeAmountFen: step.feeAmountFen,
          attempt,
          policy: input.policy,
        },
      ],
      typedSearchAttributes: [
        { key: SearchAttr.applicationId, value: input.applicationId },
        { key: SearchAttr.departmentCodes, value: [step.departmentCode] },
      ],
    });
    void child.result().then((r) => finished.push(r));
  };

  const startReadySteps = async () => {
    if (state.withdrawing) return;
    for (const step of input.steps) {
      if (progress.get(step.matterCode) !== 'blocked') continue;
      if (!step.prerequisites.every((p) => progress.get(p) === 'approved')) continue;
      await startStep(step);
    }
  };

  const requireOfficer = (actor: Actor, what: string) => {
    if (actor.role !== 'officer') fail('Forbidden', `${what} is for the investment proxy officer`);
  };
  const requireActive = (what: string) => {
    if (state.status === 'withdrawn' || state.status === 'completed' || state.withdrawing) {
      fail('Conflict', `cannot ${what}: the application is ${state.withdrawing ? 'being withdrawn' : state.status}`);
    }
  };

  setHandler(applicationStateQuery, () => ({ status: state.status, sessions: [...sessions.values()] }));

  setHandler(
    withdrawUpdate,
    async ({ actor, reason }) => {
      state.withdrawing = true;
      const running = [...progress].filter(([, p]) => p === 'running').map(([m]) => m);
      for (const matter of running) {
        await getExternalWorkflowHandle(stepWorkflowId(input.applicationId, matter)).signal(cancelStepSignal, {
          reason,
          actor: { id: actor.id, displayName: actor.displayName },
        });
      }
      const blocked = [...progress].filter(([, p]) => p === 'blocked').map(([m]) => m);
      for (const matter of blocked) progress.set(matter, 'cancelled');
      if (blocked.length > 0) {
        await acts.cancelBlockedSteps({
          workflowId,
          seq: nextSeq(),
          applicationId: input.applicationId,
          stepIds: blocked.map((m) => byMatter.get(m)!.stepId),
          reason,
          actor: { id: actor.id, displayName: actor.displayName },
          at: new Date().toISOString(),
        });
      }
      await condition(() => [...progress.values()].every((p) => p !== 'running'));
      state.status = 'withdrawn';
      await project('application_withdrawn', actor, { reason, cancelledSteps: [...running, ...blocked] });
      return state.status;
    },
    {
      validator: ({ actor, reason }) => {
        requireOfficer(actor, 'withdrawing an application');
        requireActive('withdraw');
        if (!reason.trim()) fail('InvalidInput', 'a withdrawal needs its reason');
      },
    },
  );

  setHandler(
    resubmitUpdate,
    async ({ actor, matterCode, note }) => {
      const step = byMatter.get(matterCode)!;
      await project('step_resubmitted', actor, {
        stepId: step.stepId,
        matterCode,
        note,
        attempt: attempts.get(matterCode)! + 1,
      });
      await startStep(step);
      await settleStatus('resubmission', { matterCode });
      return state.status;
    },
    {
      validator: ({ actor, matterCode, note }) => {
        requireOfficer(actor, 'resubmitting a matter');
        requireActive('resubmit');
        if (progress.get(matterCode) !== 'rejected') {
          fail(
            'Conflict',
            `only a rejected matter can be resubmitted; ${matterCode} is ${progress.get(matterCode) ?? 'not in this application'}`,
          );
        }
        if (!note.trim()) fail('InvalidInput', 'say what was changed for the resubmission');
      },
    },
  );

  setHandler(
    scheduleSessionUpdate,
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
      const what = kind === 'site_inspection' ? '联合现场踏勘' : '联审会';
      await projectSession(
        session,
        'session_scheduled',
        actor,
        { sessionId, kind, scheduledAt, invitedDepartments: session.invitedDepartments },
        session.invitedDepartments.map((d) => ({
          audience: { departmentCode: d },
          message: `${what}：${topic}，${scheduledAt}，${location}`,
        })),
      );
      return session;
    },
    {
      validator: ({ actor, sessionId, invitedDepartments }) => {
        requireOfficer(actor, 'scheduling a joint session');
        requireActive('schedule a session');
        if (sessions.has(sessionId)) fail('Conflict', `session ${sessionId} exists already`);
        if (invitedDepartments.length === 0) fail('InvalidInput', 'invite at least one department');
      },
    },
  );

  setHandler(
    recordOpinionUpdate,
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
      await projectSession(session, 'session_opinion_recorded', actor, {
        sessionId,
        departmentCode: entry.departmentCode,
        opinion,
        reason: entry.reason,
      });
      return session;
    },
    {
      validator: ({ actor, sessionId, opinion, reason }) => {
        const session = sessions.get(sessionId);
        if (!session) fail('Conflict', `no session ${sessionId} in this application`);
        if (
          actor.role !== 'staff' ||
          !actor.departmentCode ||
          !session.invitedDepartments.includes(actor.departmentCode)
        ) {
          fail('Forbidden', 'only staff of an invited department may give its opinion');
        }
        if (session.status !== 'scheduled') fail('Conflict', 'the session is closed');
        if (opinion === 'disagree' && !reason?.trim()) fail('InvalidInput', 'a disagreement needs its reasons');
      },
    },
  );

  setHandler(
    closeSessionUpdate,
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
      await projectSession(session, 'session_closed', actor, {
        sessionId,
        minutes,
        deemedAgreeing: absent,
        disagreeing,
      });
      await settleStatus('session', { sessionId, disagreeing });
      version++;
      return session;
    },
    {
      validator: ({ actor, sessionId }) => {
        requireOfficer(actor, 'closing a joint session');
        const session = sessions.get(sessionId);
        if (!session) fail('Conflict', `no session ${sessionId} in this application`);
        if (session.status !== 'scheduled') fail('Conflict', 'the session is closed already');
      },
    },
  );

  await startReadySteps();

  for (;;) {
    const seen = version;
    await condition(() => finished.length > 0 || state.status === 'withdrawn' || version !== seen);
    if (state.status === 'withdrawn') break;
    while (finished.length > 0) {
      const result = finished.shift()!;
      progress.set(result.matterCode, result.outcome);
      if (result.outcome === 'approved') {
        await startReadySteps();
      } else if (result.outcome === 'rejected') {
        await settleStatus('rejection', {
          stepId: result.stepId,
          matterCode: result.matterCode,
          reason: result.reason,
        });
      }
    }
    if (
      !state.withdrawing &&
      [...progress.values()].every((p) => p === 'approved') &&
      attentionReasons().length === 0
    ) {
      state.status = 'completed';
      await project('application_completed', SYSTEM, {}, [
        officerNotice(`申请 ${input.applicationId} 全部审批事项已办结`),
      ]);
      break;
    }
  }

  await condition(allHandlersFinished);
  return state.status;
}
