// One warning issued by hand (人工督办, 督办通知), from its issue to the office's acceptance of the
// reply: the reply deadline of each round in working days, the supervision ladder when a round goes
// unanswered, the returns that start a new round, the calendar edits.
//
// Wiring only, like the complaint workflow: the rules (who may do what when, the bounds, the next
// timer) live in domain/warnings.ts, the deadlines come from the same activities and working-time
// source as the steps', and the ladder is the steps' own (supervision-ladder.ts), one ladder per
// round. Every human action is an Update: its validator refuses before anything is recorded, and
// its handler runs under the warning's lock after checking again, so two conflicting actions (an
// acceptance and a return, two replies) give one winner.
import type { UpdateDefinition } from '@temporalio/common';
import { allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Actor } from '../domain/model';
import type { NoticeCode, NoticeParams } from '../domain/notices';
import type { Notice } from '../domain/projection';
import {
  nextWarningTimer,
  warningInputRefusal,
  warningRefusal,
  type WarningAction,
  type WarningActionInput,
  type WarningRound,
  type WarningSnapshot,
  type WarningTimerKind,
} from '../domain/warnings';
import { acts, fail, lockedChanges, project, refuse, SYSTEM, type Who } from './common';
import { calendarChangedSignal } from './shared';
import { SupervisionLadder } from './supervision-ladder';
import {
  acceptWarningUpdate,
  answerWarningCaseUpdate,
  replyWarningUpdate,
  returnWarningUpdate,
  warningStateQuery,
  type WarningResult,
  type WarningWorkflowInput,
} from './warnings-shared';

const nowIso = (): string => new Date().toISOString();
const who = (actor: Who): Who => ({ id: actor.id, displayName: actor.displayName });
const newRound = (round: number, startedAt: string): WarningRound => ({
  round,
  startedAt,
  replyDueAt: null,
  reply: null,
  repliedAt: null,
  repliedBy: null,
  late: false,
  returnReason: null,
  returnedAt: null,
  returnedBy: null,
});

export async function warningWorkflow(input: WarningWorkflowInput): Promise<WarningResult> {
  const { policy } = input;
  const state: WarningSnapshot = {
    status: 'awaiting_reply',
    version: 0,
    departmentCode: input.departmentCode,
    replyWorkdays: input.replyWorkdays,
    round: 1,
    roundStartedAt: input.issuedAt,
    replyDueAt: null,
    yellowAt: null,
    overdue: false,
    escalationLevel: 0,
    rounds: [newRound(1, input.issuedAt)],
    everLate: false,
    closedAt: null,
    closedBy: null,
  };
  const ladderOf = (round: number) =>
    new SupervisionLadder({ warningId: input.warningId, departmentCode: input.departmentCode, attempt: round }, policy);
  let ladder = ladderOf(1);
  let calendarChanged = false;
  let seq = 0;
  /** Bumped on every change so the timer loop plans again. */
  let ticks = 0;
  const { exclusive, onUpdate: onLockedUpdate, noCheck } = lockedChanges();
  const current = (): WarningRound => state.rounds[state.rounds.length - 1]!;

  // --- notices (codes with parameters; the reader's UI words them) -----------------------------
  const about = (extra: NoticeParams = {}): NoticeParams => ({
    warningId: input.warningId,
    departmentCode: input.departmentCode,
    ...(input.about ? { stepId: input.about.stepId, matterName: input.about.matterName } : {}),
    ...extra,
  });
  const toDepartment = (code: NoticeCode, extra?: NoticeParams): Notice[] => [
    { audience: { departmentCode: input.departmentCode }, code, params: about(extra) },
  ];
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
    await project('projectWarning', {
      workflowId: workflowInfo().workflowId,
      seq,
      warningId: input.warningId,
      applicationId: input.about?.applicationId ?? null,
      stepId: input.about?.stepId ?? null,
      // A copy: the report is written after this task commits, from the state as it is now.
      snapshot: JSON.parse(JSON.stringify(state)) as WarningSnapshot,
      event: { type, at: nowIso(), actor: who(actor), detail: { warningId: input.warningId, ...detail } },
      notices,
      caseChanges: ladder.takeChanges(),
    });
  };

  const facts = () => ({ status: state.status, departmentCode: state.departmentCode, version: state.version });
  const checkAction = (action: WarningAction, actor: Actor, version?: number) => {
    const refusal = warningRefusal(action, actor, facts(), version);
    if (refusal) refuse(refusal);
  };
  const checkInput = (i: WarningActionInput) => {
    const refusal = warningInputRefusal(i);
    if (refusal) refuse(refusal);
  };

  // --- the clock of a round: computed by activities from the working-day calendar (or the training clock)
  const replyClock = async () => {
    const c = await acts.computeClock({
      anchor: state.roundStartedAt,
      limitDays: state.replyWorkdays,
      pausedDays: 0,
      yellowRatio: policy.yellowRatio,
      yellowDaysLeft: policy.yellowDaysLeft,
    });
    state.replyDueAt = c.deadline;
    state.yellowAt = c.yellowAt;
    current().replyDueAt = c.deadline;
  };

  // --- timers ----------------------------------------------------------------------------------
  const timerActions: Record<WarningTimerKind, () => Promise<void>> = {
    reply_overdue: async () => {
      // Like a step turning red: the round's reply is late, a supervision case opens for the department.
      changing();
      state.overdue = true;
      const caseId = await ladder.open(1);
      state.escalationLevel = 1;
      await report('warning_overdue', SYSTEM, { replyDueAt: state.replyDueAt, round: state.round, caseId, level: 1 }, [
        ...toDepartment('warning_overdue', { caseId }),
        ...toSupervisors('warning_overdue', { caseId }),
      ]);
    },
    escalate: async () => {
      changing();
      const from = ladder.openCase!.caseId;
      const caseId = await ladder.escalate();
      state.escalationLevel = ladder.openCase!.level;
      await report('warning_escalated', SYSTEM, { caseId, from, level: state.escalationLevel }, [
        ...toDepartment('warning_case_escalated', { caseId, level: state.escalationLevel }),
        ...toSupervisors('warning_case_escalated', { caseId, level: state.escalationLevel }),
      ]);
    },
  };
  const nextTimer = () => nextWarningTimer(state, ladder.openCase, policy.escalationLevels);

  // --- handlers --------------------------------------------------------------------------------
  const onUpdate = <A>(
    def: UpdateDefinition<WarningSnapshot, [A]>,
    check: (a: A) => void,
    change: (a: A) => Promise<void>,
  ) =>
    onLockedUpdate(def, check, async (args: A) => {
      await change(args);
      return JSON.parse(JSON.stringify(state)) as WarningSnapshot;
    });

  // The first report is made under the lock before any handler exists: an Update delivered with
  // the workflow's start waits for it.
  const started = exclusive(noCheck, async () => {
    await replyClock();
    await report(
      'warning_issued',
      input.issuedBy,
      {
        reason: input.reason,
        departmentCode: input.departmentCode,
        replyWorkdays: input.replyWorkdays,
        deadline: state.replyDueAt,
      },
      [
        ...toDepartment('warning_issued', { deadline: state.replyDueAt! }),
        ...toSupervisors('warning_issued', { deadline: state.replyDueAt! }),
      ],
    );
  });

  setHandler(warningStateQuery, () => JSON.parse(JSON.stringify(state)) as WarningSnapshot);

  setHandler(calendarChangedSignal, () => {
    calendarChanged = true;
    ticks++;
  });

  onUpdate(
    replyWarningUpdate,
    ({ actor, reply, version }) => {
      checkAction('reply', actor, version);
      checkInput({ action: 'reply', reply });
    },
    async ({ actor, reply }) => {
      changing();
      const r = current();
      state.status = 'replied';
      r.reply = reply.trim();
      r.repliedAt = nowIso();
      r.repliedBy = who(actor);
      r.late = state.overdue || (r.replyDueAt !== null && r.repliedAt > r.replyDueAt);
      state.everLate ||= r.late;
      // The reply ends this round's ladder: whatever case is open closes (the department has answered).
      ladder.close('decided', r.repliedAt);
      await report(
        'warning_replied',
        actor,
        { reply: r.reply, late: r.late, round: r.round, replyDueAt: r.replyDueAt },
        toSupervisors('warning_replied', { late: r.late ? 1 : 0, round: r.round }),
      );
    },
  );

  onUpdate(
    acceptWarningUpdate,
    ({ actor, version }) => checkAction('accept', actor, version),
    async ({ actor }) => {
      changing();
      state.status = 'closed';
      state.closedAt = nowIso();
      state.closedBy = who(actor);
      await report('warning_accepted', actor, { round: state.round }, toDepartment('warning_accepted'));
    },
  );

  onUpdate(
    returnWarningUpdate,
    ({ actor, reason, version }) => {
      checkAction('return', actor, version);
      checkInput({ action: 'return', reason });
    },
    async ({ actor, reason }) => {
      changing();
      const at = nowIso();
      const returned = current();
      returned.returnReason = reason.trim();
      returned.returnedAt = at;
      returned.returnedBy = who(actor);
      // A new round: the same number of working days again, counted from the return.
      state.round += 1;
      state.roundStartedAt = at;
      state.rounds.push(newRound(state.round, at));
      state.status = 'awaiting_reply';
      state.overdue = false;
      state.escalationLevel = 0;
      ladder = ladderOf(state.round);
      await replyClock();
      await report(
        'warning_returned',
        actor,
        { reason: returned.returnReason, round: state.round, deadline: state.replyDueAt },
        toDepartment('warning_returned', { deadline: state.replyDueAt!, round: state.round }),
      );
    },
  );

  onUpdate(
    answerWarningCaseUpdate,
    ({ actor, caseId, answer }) => {
      checkAction('answer_case', actor);
      checkInput({ action: 'answer_case', answer });
      if (!ladder.isOpen(caseId)) {
        fail('Conflict', 'case_not_open', `supervision case ${caseId} is not open on this warning`, { caseId });
      }
    },
    async ({ actor, caseId, answer }) => {
      changing();
      ladder.answer(caseId, answer.trim(), actor.displayName);
      await report(
        'supervision_case_answered',
        actor,
        { caseId, answer: answer.trim() },
        toSupervisors('warning_case_answered', { caseId }),
      );
    },
  );

  // --- the loop: calendar edits and timers, each under the lock --------------------------------
  const applyCalendarChange = async () => {
    calendarChanged = false;
    if (state.status !== 'awaiting_reply' || state.overdue) return;
    const previous = state.replyDueAt;
    await replyClock();
    if (previous !== state.replyDueAt) {
      changing();
      await report('warning_deadline_recomputed', SYSTEM, { previous, deadline: state.replyDueAt });
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
  return { warningId: input.warningId, rounds: state.round, everLate: state.everLate };
}
