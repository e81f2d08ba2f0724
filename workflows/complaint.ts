// One efficiency complaint (行政效能投诉) or rectification task (整改), from filing to the
// supervision office's conclusion: the registration window, the department's reply deadline in
// working days, the supervision ladder when the reply is late, the calendar edits.
//
// Wiring only, like the step workflow: the rules (who may do what when, the reply deadline's
// bounds, the next timer) live in domain/complaints.ts, the deadlines come from the same activities
// and working-time source as the steps', and the ladder is the steps' own (supervision-ladder.ts).
// Every human action is an Update: its validator refuses before anything is recorded, and its
// handler runs under the complaint's lock after checking again, so two conflicting actions give
// one winner. Personal data never enters here: the workflow holds ids, dates and the office's words.
import type { UpdateDefinition } from '@temporalio/common';
import { allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  complaintInputRefusal,
  complaintRefusal,
  nextComplaintTimer,
  type ComplaintAction,
  type ComplaintActionInput,
  type ComplaintSnapshot,
  type ComplaintTimerKind,
} from '../domain/complaints';
import type { Actor } from '../domain/model';
import type { NoticeCode, NoticeParams } from '../domain/notices';
import type { Notice } from '../domain/projection';
import { acts, fail, lockedChanges, project, refuse, SYSTEM, type Who } from './common';
import {
  answerComplaintCaseUpdate,
  assignComplaintUpdate,
  closeComplaintUpdate,
  complaintStateQuery,
  replyComplaintUpdate,
  type ComplaintResult,
  type ComplaintWorkflowInput,
} from './complaints-shared';
import { calendarChangedSignal } from './shared';
import { SupervisionLadder } from './supervision-ladder';

const nowIso = (): string => new Date().toISOString();

export async function complaintWorkflow(input: ComplaintWorkflowInput): Promise<ComplaintResult> {
  const { policy } = input;
  const state: ComplaintSnapshot = {
    status: 'filed',
    version: 0,
    filedAt: input.filedAt,
    registerDueAt: null,
    registrationOverdue: false,
    departmentCode: null,
    replyWorkdays: null,
    assignedAt: null,
    replyDueAt: null,
    yellowAt: null,
    overdue: false,
    escalationLevel: 0,
    reply: null,
    repliedAt: null,
    repliedBy: null,
    replyLate: false,
    upheld: null,
    conclusion: null,
    closedAt: null,
    closedBy: null,
  };
  let ladder: SupervisionLadder | null = null;
  let calendarChanged = false;
  let seq = 0;
  /** Bumped on every change so the timer loop plans again. */
  let ticks = 0;
  const { exclusive, onUpdate: onLockedUpdate, noCheck } = lockedChanges();

  // --- notices (codes with parameters; the reader's UI words them) -----------------------------
  const about = (extra: NoticeParams = {}): NoticeParams => ({
    complaintId: input.complaintId,
    kind: input.kind,
    subject: input.about.matterName ?? input.about.caseNo ?? input.complaintId,
    ...(input.about.stepId ? { stepId: input.about.stepId } : {}),
    ...extra,
  });
  const toDepartment = (code: NoticeCode, extra?: NoticeParams): Notice[] =>
    state.departmentCode ? [{ audience: { departmentCode: state.departmentCode }, code, params: about(extra) }] : [];
  const toSupervisors = (code: NoticeCode, extra?: NoticeParams): Notice[] => [
    { audience: { role: 'supervisor' }, code, params: about(extra) },
  ];

  /** A change is under way: validators from now on see the version it will have. */
  const changing = () => {
    state.version = seq + 1;
  };

  /** Reports the current state, one event and its notices to the read model, once. */
  const report = async (type: string, actor: Who, detail: Record<string, unknown>, notices: Notice[] = []) => {
    state.version = ++seq;
    ticks++;
    await project('projectComplaint', {
      workflowId: workflowInfo().workflowId,
      seq,
      complaintId: input.complaintId,
      snapshot: { ...state, repliedBy: state.repliedBy && { ...state.repliedBy } },
      event: { type, at: nowIso(), actor: { id: actor.id, displayName: actor.displayName }, detail },
      notices,
      caseChanges: ladder?.takeChanges() ?? [],
    });
  };

  const facts = () => ({ status: state.status, departmentCode: state.departmentCode, version: state.version });
  const checkAction = (action: ComplaintAction, actor: Actor, version?: number) => {
    const refusal = complaintRefusal(action, actor, facts(), version);
    if (refusal) refuse(refusal);
  };
  const checkInput = (i: ComplaintActionInput) => {
    const refusal = complaintInputRefusal(i);
    if (refusal) refuse(refusal);
  };

  // --- clocks: computed by activities from the working-day calendar (or the training clock) ----
  const registrationClock = async () => {
    state.registerDueAt = await acts.computeDeadline({ from: state.filedAt, workdays: policy.registerWorkdays });
  };
  const replyClock = async () => {
    const c = await acts.computeClock({
      anchor: state.assignedAt!,
      limitDays: state.replyWorkdays!,
      pausedDays: 0,
      yellowRatio: policy.yellowRatio,
      yellowDaysLeft: policy.yellowDaysLeft,
    });
    state.replyDueAt = c.deadline;
    state.yellowAt = c.yellowAt;
  };

  const assign = async (actor: Who, departmentCode: string, replyWorkdays: number) => {
    changing();
    state.status = 'assigned';
    state.departmentCode = departmentCode;
    state.replyWorkdays = replyWorkdays;
    state.assignedAt = nowIso();
    await replyClock();
    ladder = new SupervisionLadder({ complaintId: input.complaintId, departmentCode, attempt: 1 }, policy);
    const opened = input.kind === 'rectification' && actor.id === SYSTEM.id;
    await report(
      'complaint_assigned',
      actor,
      { departmentCode, replyWorkdays, replyDueAt: state.replyDueAt },
      opened
        ? [
            ...toDepartment('rectification_opened', { deadline: state.replyDueAt! }),
            ...toSupervisors('rectification_opened', { deadline: state.replyDueAt! }),
          ]
        : toDepartment('complaint_assigned', { deadline: state.replyDueAt! }),
    );
  };

  // --- timers ----------------------------------------------------------------------------------
  const timerActions: Record<ComplaintTimerKind, () => Promise<void>> = {
    registration_overdue: async () => {
      changing();
      state.registrationOverdue = true;
      await report(
        'complaint_registration_overdue',
        SYSTEM,
        { registerDueAt: state.registerDueAt },
        toSupervisors('complaint_registration_overdue', { deadline: state.registerDueAt! }),
      );
    },
    reply_overdue: async () => {
      // Like a step turning red: the reply is late, a supervision case opens for the department.
      changing();
      state.overdue = true;
      const caseId = await ladder!.open(1);
      state.escalationLevel = 1;
      await report('complaint_overdue', SYSTEM, { replyDueAt: state.replyDueAt, caseId, level: 1 }, [
        ...toDepartment('complaint_overdue', { caseId }),
        ...toSupervisors('complaint_overdue', { caseId }),
      ]);
    },
    escalate: async () => {
      changing();
      const from = ladder!.openCase!.caseId;
      const caseId = await ladder!.escalate();
      state.escalationLevel = ladder!.openCase!.level;
      await report('supervision_escalated', SYSTEM, { caseId, from, level: state.escalationLevel }, [
        ...toDepartment('complaint_case_escalated', { caseId, level: state.escalationLevel }),
        ...toSupervisors('complaint_case_escalated', { caseId, level: state.escalationLevel }),
      ]);
    },
  };
  const nextTimer = () => nextComplaintTimer(state, ladder?.openCase ?? null, policy.escalationLevels);

  // --- handlers --------------------------------------------------------------------------------
  const onUpdate = <A>(
    def: UpdateDefinition<ComplaintSnapshot, [A]>,
    check: (a: A) => void,
    change: (a: A) => Promise<void>,
  ) =>
    onLockedUpdate(def, check, async (args: A) => {
      await change(args);
      return { ...state };
    });

  // The first report is made under the lock before any handler exists: an Update delivered with
  // the workflow's start waits for it.
  const started = exclusive(noCheck, async () => {
    if (input.assignment) {
      await assign(SYSTEM, input.assignment.departmentCode, input.assignment.replyWorkdays);
      return;
    }
    await registrationClock();
    await report(
      'complaint_received',
      SYSTEM,
      { registerDueAt: state.registerDueAt },
      toSupervisors(input.kind === 'complaint' ? 'complaint_filed' : 'rectification_opened', {
        deadline: state.registerDueAt!,
      }),
    );
  });

  setHandler(complaintStateQuery, () => ({ ...state }));

  setHandler(calendarChangedSignal, () => {
    calendarChanged = true;
    ticks++;
  });

  onUpdate(
    assignComplaintUpdate,
    ({ actor, replyWorkdays, version }) => {
      checkAction('assign', actor, version);
      checkInput({ action: 'assign', replyWorkdays });
    },
    ({ actor, departmentCode, replyWorkdays }) => assign(actor, departmentCode, replyWorkdays),
  );

  onUpdate(
    replyComplaintUpdate,
    ({ actor, reply, version }) => {
      checkAction('reply', actor, version);
      checkInput({ action: 'reply', reply });
    },
    async ({ actor, reply }) => {
      changing();
      state.status = 'replied';
      state.reply = reply.trim();
      state.repliedAt = nowIso();
      state.repliedBy = { id: actor.id, displayName: actor.displayName };
      state.replyLate = state.overdue || (state.replyDueAt !== null && state.repliedAt > state.replyDueAt);
      // The reply ends the ladder: whatever case is open closes (the department has answered).
      ladder?.close('decided', state.repliedAt);
      await report(
        'complaint_replied',
        actor,
        { reply: state.reply, late: state.replyLate, replyDueAt: state.replyDueAt },
        toSupervisors('complaint_replied', { late: state.replyLate ? 1 : 0 }),
      );
    },
  );

  onUpdate(
    closeComplaintUpdate,
    ({ actor, conclusion, version }) => {
      checkAction('close', actor, version);
      checkInput({ action: 'close', conclusion });
    },
    async ({ actor, upheld, conclusion }) => {
      changing();
      const replied = state.status === 'replied';
      state.status = 'closed';
      state.upheld = upheld;
      state.conclusion = conclusion.trim();
      state.closedAt = nowIso();
      state.closedBy = { id: actor.id, displayName: actor.displayName };
      // Closed without waiting for the reply: the ladder has nothing left to chase.
      if (!replied) ladder?.close('cancelled', state.closedAt);
      await report(
        'complaint_closed',
        actor,
        { upheld, conclusion: state.conclusion, withoutReply: !replied },
        toDepartment('complaint_closed'),
      );
    },
  );

  onUpdate(
    answerComplaintCaseUpdate,
    ({ actor, caseId, answer }) => {
      checkAction('answer_case', actor);
      checkInput({ action: 'answer_case', answer });
      if (!ladder?.isOpen(caseId)) {
        fail('Conflict', 'case_not_open', `supervision case ${caseId} is not open on this complaint`, { caseId });
      }
    },
    async ({ actor, caseId, answer }) => {
      changing();
      ladder!.answer(caseId, answer.trim(), actor.displayName);
      await report(
        'supervision_case_answered',
        actor,
        { caseId, answer: answer.trim() },
        toSupervisors('complaint_case_answered', { caseId }),
      );
    },
  );

  // --- the loop: calendar edits and timers, each under the lock --------------------------------
  const applyCalendarChange = async () => {
    calendarChanged = false;
    const before = { registerDueAt: state.registerDueAt, replyDueAt: state.replyDueAt };
    if (state.status === 'filed' && !state.registrationOverdue) await registrationClock();
    if (state.status === 'assigned' && !state.overdue) await replyClock();
    if (before.registerDueAt !== state.registerDueAt || before.replyDueAt !== state.replyDueAt) {
      changing();
      await report('complaint_deadline_recomputed', SYSTEM, {
        reason: 'calendar edited',
        previous: before,
        registerDueAt: state.registerDueAt,
        replyDueAt: state.replyDueAt,
      });
    }
  };

  await started;

  for (;;) {
    if (state.status === 'closed') break;
    if (calendarChanged) {
      await exclusive(noCheck, () =>
        calendarChanged && state.status !== 'closed' ? applyCalendarChange() : Promise.resolve(),
      );
      continue;
    }
    const timer = nextTimer();
    const seen = ticks;
    if (!timer) {
      await condition(() => ticks !== seen);
      continue;
    }
    const wait = timer.at - Date.now();
    if (wait > 0 && (await condition(() => ticks !== seen, wait))) continue;
    // The state may have moved while the lock was held elsewhere: fire only what is still due.
    await exclusive(noCheck, async () => {
      const due = nextTimer();
      if (due && due.at <= Date.now()) await timerActions[due.kind]();
    });
  }

  await condition(allHandlersFinished);
  return { complaintId: input.complaintId, upheld: state.upheld, replyLate: state.replyLate };
}
