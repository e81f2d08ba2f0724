// One department's step (审批环节) of an application, from submission at the window to its
// decision: acceptance window, promised time limit in working days, clock pauses for
// corrections (补正) and special procedures (each with its limit, ending by itself there), an
// extension within the legal cap, lights, supervision cases and their escalation, and deemed
// consent (超时默许) at the deadline for a matter whose catalog version says so.
//
// This file is wiring. The rules (who may do what when, the fee rule, extension eligibility,
// lights, the next timer) live in domain/; the clock and the supervision ladder in their modules.
// Every human action is an Update: its validator refuses with the domain's rules before anything
// is recorded, and its handler runs under the step's lock after checking the same rules again
// (the state may have moved while it waited), so two conflicting actions give one winner.
import type { UpdateDefinition } from '@temporalio/common';
import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { stepLight } from '../domain/lights';
import type { Actor } from '../domain/model';
import type { NoticeCode, NoticeParams } from '../domain/notices';
import type { Notice, SpecialProcedureRecord, StepPause, StepSnapshot } from '../domain/projection';
import { pausedBySpecialProcedure, specialProcedureLimit } from '../domain/special-procedures';
import {
  actionRefusal,
  inputRefusal,
  isOpenStep,
  staffRefusal,
  type StepAction,
  type StepActionInput,
  type StepFacts,
} from '../domain/step-rules';
import { nextStepTimer, type StepTimerKind } from '../domain/step-timers';
import { acts, fail, lockedChanges, refuse, SYSTEM, type Who } from './common';
import {
  SearchAttr,
  acceptUpdate,
  answerCaseUpdate,
  applicationWorkflowId,
  calendarChangedSignal,
  cancelStepSignal,
  decideUpdate,
  endSpecialProcedureUpdate,
  extendUpdate,
  reassignUpdate,
  recordPaymentUpdate,
  requestSupplementUpdate,
  startSpecialProcedureUpdate,
  stepFinishedSignal,
  stepStateQuery,
  supplementUpdate,
  urgeUpdate,
  type StepAnswer,
  type StepResult,
  type StepWorkflowInput,
} from './shared';
import { recomputeClock, workdaysSince } from './step-clock';
import { SupervisionLadder } from './supervision-ladder';

const nowIso = (): string => new Date().toISOString();

export async function stepWorkflow(input: StepWorkflowInput): Promise<StepResult> {
  const { policy } = input;
  const state: StepSnapshot = {
    status: 'submitted',
    light: 'green',
    attempt: input.attempt,
    submittedAt: new Date(workflowInfo().startTime).toISOString(),
    acceptanceDeadline: null,
    acceptedAt: null,
    deemedAccepted: false,
    deadline: null,
    yellowAt: null,
    pausedWorkdays: 0,
    extensionDays: 0,
    extension: null,
    pause: null,
    specialProcedures: [],
    decidedAt: null,
    outcome: null,
    deemedConsent: false,
    overdue: false,
    certificateNo: null,
    reason: null,
    assignee: null,
    feeAmountFen: input.feeAmountFen,
    feePaidAt: null,
    feeReceiptNo: null,
    workdaysUsed: null,
    escalationLevel: 0,
    lastUrgedAt: null,
  };
  /** The acceptance window counts from here; a correction received at the window restarts it. */
  let windowAnchor = state.submittedAt!;
  /** The status a correction returns to. */
  let pausedFrom: 'submitted' | 'in_review' = 'submitted';
  const ladder = new SupervisionLadder(input, policy);
  let cancelRequest: { reason: string; actor: Who } | null = null;
  let calendarChanged = false;
  let seq = 0;
  /** Bumped on every change so the timer loop plans again. */
  let version = 0;
  const { exclusive, onAnsweringUpdate, write, noCheck } = lockedChanges();

  const isOpen = () => isOpenStep(state.status);
  const about = (extra: NoticeParams = {}): NoticeParams => ({
    matterName: input.matterName,
    stepId: input.stepId,
    ...extra,
  });
  const toDepartment = (code: NoticeCode, extra?: NoticeParams): Notice => ({
    audience: { departmentCode: input.departmentCode },
    code,
    params: about(extra),
  });
  const toOfficer = (code: NoticeCode, extra?: NoticeParams): Notice => ({
    audience: { userId: input.officerId },
    code,
    params: about(extra),
  });
  const toSupervisors = (code: NoticeCode, extra?: NoticeParams): Notice => ({
    audience: { role: 'supervisor' },
    code,
    params: about(extra),
  });

  const facts = (): StepFacts => ({
    status: state.status,
    departmentCode: input.departmentCode,
    acceptedAt: state.acceptedAt,
    pauseKind: state.pause?.kind ?? null,
    extensionDays: state.extensionDays,
    overdue: state.overdue,
    deadline: state.deadline,
    lastUrgedAt: state.lastUrgedAt,
    feeAmountFen: state.feeAmountFen,
    feePaidAt: state.feePaidAt,
    promisedLimitDays: input.promisedLimitDays,
    statutoryLimitDays: input.statutoryLimitDays ?? null,
  });
  /** Refuses what the domain's step rules refuse (the API has scoped the officer to their applications). */
  const checkAction = (action: StepAction, actor: Actor) => {
    const viewer = { role: actor.role, departmentCode: actor.departmentCode, ownsApplication: true };
    const refusal = actionRefusal(action, viewer, facts(), Date.now(), policy.urgeIntervalMs);
    if (refusal) refuse(refusal);
  };
  const checkInput = (input: StepActionInput) => {
    const refusal = inputRefusal(input);
    if (refusal) refuse(refusal);
  };

  /** Reports the current state and one timeline event (and notices) to the read model. */
  const report = async (type: string, actor: Who, detail: Record<string, unknown> = {}, notices: Notice[] = []) => {
    const before = state.light;
    state.light = stepLight({ ...state, paused: state.pause !== null }, Date.now());
    // A report that happens to turn the light yellow (a calendar edit, an action right at the
    // yellow point) still warns the department, as the yellow timer would have.
    if (before === 'green' && state.light === 'yellow' && type !== 'step_light_yellow') {
      notices = [
        ...notices,
        toDepartment('step_turning_yellow', { deadline: state.deadline ?? state.acceptanceDeadline ?? '' }),
      ];
    }
    version++;
    upsertSearchAttributes([
      { key: SearchAttr.stepStatus, value: state.status },
      { key: SearchAttr.light, value: state.light },
      ...(state.deadline ? [{ key: SearchAttr.deadline, value: new Date(state.deadline) }] : []),
    ]);
    await write('projectStep', {
      workflowId: workflowInfo().workflowId,
      seq: ++seq,
      applicationId: input.applicationId,
      stepId: input.stepId,
      departmentCode: input.departmentCode,
      snapshot: {
        ...state,
        pause: state.pause && { ...state.pause },
        specialProcedures: state.specialProcedures.map((p) => ({ ...p })),
      },
      event: { type, at: nowIso(), actor: { id: actor.id, displayName: actor.displayName }, detail },
      notices,
      caseChanges: ladder.takeChanges(),
    });
  };

  const clock = () => recomputeClock(state, { windowAnchor, promisedLimitDays: input.promisedLimitDays, policy });

  type SpecialPause = Extract<StepPause, { kind: 'special' }>;
  /** Ends the running special procedure: the clock stood still for the days it ran, at most its limit. */
  const endSpecialProcedure = async (
    endedBy: SpecialProcedureRecord['endedBy'],
    note: string | null,
  ): Promise<SpecialProcedureRecord> => {
    const p = state.pause as SpecialPause;
    const endedAt = nowIso();
    // At its limit it ran exactly its limit; ended earlier, the days it ran (capped: only the time
    // told to the applicant is left out of the limit).
    const paused =
      endedBy === 'limit' ? p.limitDays : pausedBySpecialProcedure(await workdaysSince(p.since), p.limitDays);
    state.pausedWorkdays += paused;
    state.pause = null;
    const record: SpecialProcedureRecord = {
      procedure: p.procedure,
      reason: p.reason,
      approvedBy: p.approvedBy,
      startedAt: p.since,
      startedBy: p.startedBy,
      limitDays: p.limitDays,
      endsAt: p.endsAt,
      endedAt,
      endedBy,
      note,
      pausedWorkdays: paused,
    };
    state.specialProcedures = [...state.specialProcedures, record];
    return record;
  };

  // --- timers ----------------------------------------------------------------------------
  const timerActions: Record<StepTimerKind, () => Promise<void>> = {
    turn_yellow: async () => {
      await report('step_light_yellow', SYSTEM, { deadline: state.deadline ?? state.acceptanceDeadline }, [
        toDepartment('step_turning_yellow', { deadline: state.deadline ?? state.acceptanceDeadline ?? '' }),
      ]);
    },
    deem_accepted: async () => {
      // Administrative Licensing Law: not acted on within the window = accepted from the day the material arrived.
      // From the day the complete material arrived: a correction at the window restarted the window.
      state.status = 'in_review';
      state.acceptedAt = windowAnchor;
      state.deemedAccepted = true;
      await clock();
      await report(
        'step_deemed_accepted',
        SYSTEM,
        { acceptanceDeadline: state.acceptanceDeadline, deadline: state.deadline },
        [toDepartment('step_deemed_accepted')],
      );
    },
    special_procedure_limit: async () => {
      const previousDeadline = state.deadline;
      const record = await endSpecialProcedure('limit', null);
      await clock();
      const about = { procedure: record.procedure, limitDays: record.limitDays };
      await report(
        'special_procedure_limit_reached',
        SYSTEM,
        { ...about, pausedWorkdays: record.pausedWorkdays, previousDeadline, deadline: state.deadline },
        [
          toDepartment('special_procedure_limit_reached', about),
          toSupervisors('special_procedure_limit_reached', about),
        ],
      );
    },
    deem_consent: async () => {
      // 超时默许: an opinion not given by its deadline counts as consent, on the record, never silently.
      state.status = 'approved';
      state.outcome = 'approved';
      state.deemedConsent = true;
      state.decidedAt = nowIso();
      state.reason = null;
      if (state.acceptedAt) {
        const elapsed = await acts.workdaysBetween({ from: state.acceptedAt, to: state.decidedAt });
        state.workdaysUsed = Math.max(0, elapsed - state.pausedWorkdays);
      }
      ladder.close('decided', state.decidedAt);
      const deadline = state.deadline ?? '';
      await report('step_deemed_consent', SYSTEM, { deadline, policy: 'deemed_consent' }, [
        toDepartment('step_deemed_consent', { deadline }),
        toSupervisors('step_deemed_consent', { deadline }),
        toOfficer('step_approved'),
      ]);
    },
    turn_red: async () => {
      state.overdue = true;
      const caseId = await ladder.open(1);
      state.escalationLevel = 1;
      await report('step_overdue', SYSTEM, { deadline: state.deadline, caseId, level: 1 }, [
        toDepartment('step_overdue', { caseId }),
        toSupervisors('case_opened', { caseId }),
      ]);
    },
    escalate: async () => {
      const from = ladder.openCase!.caseId;
      const caseId = await ladder.escalate();
      state.escalationLevel = ladder.openCase!.level;
      await report('supervision_escalated', SYSTEM, { caseId, from, level: state.escalationLevel }, [
        toDepartment('case_escalated', { caseId, level: state.escalationLevel }),
        toSupervisors('case_escalated', { caseId, level: state.escalationLevel }),
      ]);
    },
  };
  const nextTimer = () => nextStepTimer(state, ladder.openCase, policy.escalationLevels, input.deemedConsent ?? false);

  // --- handlers ------------------------------------------------------------------------------
  /** An Update checked by its validator and again under the lock, answering the step's new state. */
  // Every step Update answers with the step as it left it and the reports it made (the API
  // applies them before it answers; the workflow right after).
  const onUpdate = <A>(
    def: UpdateDefinition<StepAnswer, [A]>,
    check: (a: A) => void,
    change: (a: A) => Promise<void>,
  ) =>
    onAnsweringUpdate(def, check, change, (held) => ({
      ...state,
      reports: held.flatMap((w) => (w.write === 'projectStep' ? [w.args] : [])),
    }));

  // The submission is reported first: the lock is taken before any handler exists, so an Update
  // delivered with the workflow's start (handlers run as soon as they are registered) waits for it.
  const submitted = exclusive(noCheck, async () => {
    await clock();
    await report('step_submitted', SYSTEM, { attempt: input.attempt, acceptanceDeadline: state.acceptanceDeadline }, [
      toDepartment('new_step'),
    ]);
  });

  setHandler(stepStateQuery, () => ({ ...state }));

  setHandler(cancelStepSignal, (request) => {
    cancelRequest = request;
    version++;
  });

  setHandler(calendarChangedSignal, () => {
    calendarChanged = true;
    version++;
  });

  onUpdate(
    acceptUpdate,
    ({ actor }) => checkAction('accept', actor),
    async ({ actor }) => {
      state.status = 'in_review';
      state.acceptedAt = nowIso();
      await clock();
      await report('step_accepted', actor, { deadline: state.deadline, promisedLimitDays: input.promisedLimitDays });
    },
  );

  onUpdate(
    requestSupplementUpdate,
    ({ actor, items, reason }) => {
      checkAction('request_supplement', actor);
      checkInput({ action: 'request_supplement', items, reason });
    },
    async ({ actor, items, reason }) => {
      pausedFrom = state.status as 'submitted' | 'in_review';
      state.status = 'awaiting_supplement';
      state.pause = { kind: 'supplement', since: nowIso(), reason, items: [...items] };
      await report('supplement_requested', actor, { items, reason, deadline: state.deadline }, [
        toOfficer('supplement_requested', { items: items.join('；') }),
      ]);
    },
  );

  onUpdate(
    supplementUpdate,
    ({ actor }) => checkAction('supplement', actor),
    async ({ actor, note }) => {
      const since = state.pause!.since;
      const previousDeadline = state.deadline;
      state.status = pausedFrom;
      state.pause = null;
      const paused = await workdaysSince(since);
      if (pausedFrom === 'in_review') state.pausedWorkdays += paused;
      else windowAnchor = nowIso(); // complete material restarts the acceptance window
      await clock();
      await report(
        'supplement_received',
        actor,
        { note, pausedWorkdays: paused, previousDeadline, deadline: state.deadline },
        [toDepartment('supplement_received')],
      );
    },
  );

  onUpdate(
    startSpecialProcedureUpdate,
    ({ actor, reason, approvedBy }) => {
      checkAction('start_special_procedure', actor);
      checkInput({ action: 'start_special_procedure', reason, approvedBy });
    },
    async ({ actor, procedure, reason, approvedBy }) => {
      const since = nowIso();
      const limitDays = specialProcedureLimit(procedure, policy.specialProcedureLimits);
      const endsAt = await acts.computeDeadline({ from: since, workdays: limitDays });
      state.pause = {
        kind: 'special',
        since,
        reason,
        procedure,
        approvedBy: approvedBy.trim(),
        startedBy: { id: actor.id, displayName: actor.displayName },
        limitDays,
        endsAt,
      };
      // The event issues the written notice to the applicant (特别程序告知书, domain/documents.ts).
      await report(
        'special_procedure_started',
        actor,
        { procedure, reason, approvedBy: approvedBy.trim(), limitDays, endsAt },
        [toOfficer('special_procedure_started', { procedure, limitDays, endsAt })],
      );
    },
  );

  onUpdate(
    endSpecialProcedureUpdate,
    ({ actor }) => checkAction('end_special_procedure', actor),
    async ({ actor, note }) => {
      const previousDeadline = state.deadline;
      const record = await endSpecialProcedure('department', note);
      await clock();
      await report('special_procedure_ended', actor, {
        procedure: record.procedure,
        note,
        limitDays: record.limitDays,
        pausedWorkdays: record.pausedWorkdays,
        previousDeadline,
        deadline: state.deadline,
      });
    },
  );

  onUpdate(
    decideUpdate,
    ({ actor, outcome, reason }) => {
      if (outcome === 'approved') checkAction('approve', actor);
      else {
        checkAction('reject', actor);
        checkInput({ action: 'reject', reason });
      }
    },
    async ({ actor, outcome, reason, certificateNo }) => {
      const refusedAcceptance = state.status === 'submitted';
      // Decided during a special procedure: it ends with the decision, on the record.
      if (state.pause?.kind === 'special') await endSpecialProcedure('decision', null);
      state.status = outcome;
      state.outcome = outcome;
      state.decidedAt = nowIso();
      state.reason = reason?.trim() || null;
      state.certificateNo = certificateNo?.trim() || null;
      state.pause = null;
      state.overdue = state.overdue || (state.deadline !== null && state.decidedAt > state.deadline);
      if (state.acceptedAt) {
        const elapsed = await acts.workdaysBetween({ from: state.acceptedAt, to: state.decidedAt });
        state.workdaysUsed = Math.max(0, elapsed - state.pausedWorkdays);
      }
      // Under the lock no case is half-opened here: whatever the ladder opened is closed now.
      ladder.close('decided', state.decidedAt);
      const type =
        outcome === 'approved' ? 'step_approved' : refusedAcceptance ? 'step_refused_acceptance' : 'step_rejected';
      await report(type, actor, { reason: state.reason, certificateNo: state.certificateNo, overdue: state.overdue }, [
        outcome === 'approved'
          ? toOfficer('step_approved')
          : toOfficer('step_rejected', { reason: state.reason ?? '' }),
      ]);
    },
  );

  onUpdate(
    extendUpdate,
    ({ actor, workdays, reason, approvedBy }) => {
      checkAction('extend', actor);
      checkInput({ action: 'extend', workdays, reason, approvedBy, step: facts() });
    },
    async ({ actor, workdays, reason, approvedBy }) => {
      const previousDeadline = state.deadline;
      const grantedBy = { id: actor.id, displayName: actor.displayName };
      // Within the statutory limit the supervision office's own approval suffices (it is named);
      // beyond it the validator has required the head's name.
      const approver = approvedBy?.trim() || actor.displayName;
      state.extensionDays = workdays;
      state.extension = { workdays, reason, approvedBy: approver, grantedBy, at: nowIso() };
      await clock();
      await report(
        'step_extended',
        actor,
        { workdays, reason, approvedBy: approver, previousDeadline, deadline: state.deadline },
        [toDepartment('step_extended', { workdays, reason })],
      );
    },
  );

  onUpdate(
    urgeUpdate,
    ({ actor }) => checkAction('urge', actor),
    async ({ actor, message }) => {
      state.lastUrgedAt = nowIso();
      await report('step_urged', actor, { message }, [toDepartment('step_urged', { message })]);
    },
  );

  onUpdate(
    reassignUpdate,
    ({ actor }) => checkAction('reassign', actor),
    async ({ actor, assignee }) => {
      const previous = state.assignee;
      state.assignee = { ...assignee };
      await report('step_reassigned', actor, { from: previous, to: assignee });
    },
  );

  onUpdate(
    recordPaymentUpdate,
    ({ actor, amountFen, receiptNo }) => {
      checkAction('record_payment', actor);
      checkInput({ action: 'record_payment', amountFen, receiptNo, feeAmountFen: state.feeAmountFen });
    },
    async ({ actor, amountFen, receiptNo }) => {
      state.feePaidAt = nowIso();
      state.feeReceiptNo = receiptNo;
      await report('fee_paid', actor, { amountFen, receiptNo });
    },
  );

  onUpdate(
    answerCaseUpdate,
    ({ actor, caseId, answer }) => {
      const notStaff = staffRefusal({ ...actor, ownsApplication: false }, input);
      if (notStaff) refuse(notStaff);
      if (!isOpen() || !ladder.isOpen(caseId)) {
        fail('Conflict', 'case_not_open', `supervision case ${caseId} is not open on this step`, { caseId });
      }
      if (!answer.trim()) fail('InvalidInput', 'answer_required', 'an answer is needed');
    },
    async ({ actor, caseId, answer }) => {
      ladder.answer(caseId, answer, actor.displayName);
      await report('supervision_case_answered', actor, { caseId, answer }, [
        toSupervisors('case_answered', { caseId }),
      ]);
    },
  );

  // --- the loop: cancellation, calendar edits and timers, each under the lock ----------------
  const cancel = async () => {
    const { reason, actor } = cancelRequest!;
    state.status = 'cancelled';
    state.pause = null;
    ladder.close('cancelled', nowIso());
    await report('step_cancelled', actor, { reason }, [toDepartment('step_cancelled', { reason })]);
  };

  const applyCalendarChange = async () => {
    calendarChanged = false;
    const before = { deadline: state.deadline, acceptanceDeadline: state.acceptanceDeadline };
    if (!state.pause || state.pause.kind === 'special') await clock();
    let procedureEnd: { previous: string; endsAt: string } | null = null;
    if (state.pause?.kind === 'special') {
      const p = state.pause;
      const endsAt = await acts.computeDeadline({ from: p.since, workdays: p.limitDays });
      if (endsAt !== p.endsAt) procedureEnd = { previous: p.endsAt, endsAt };
      state.pause = { ...p, endsAt };
    }
    if (
      before.deadline !== state.deadline ||
      before.acceptanceDeadline !== state.acceptanceDeadline ||
      procedureEnd !== null
    ) {
      await report('step_deadline_recomputed', SYSTEM, {
        reason: 'calendar edited',
        previous: before,
        deadline: state.deadline,
        acceptanceDeadline: state.acceptanceDeadline,
        ...(procedureEnd ? { specialProcedureEndsAt: procedureEnd.endsAt } : {}),
      });
    }
  };

  await submitted;

  for (;;) {
    if (cancelRequest && isOpen()) {
      await exclusive(noCheck, () => (cancelRequest && isOpen() ? cancel() : Promise.resolve()));
      continue;
    }
    if (!isOpen()) break;
    if (calendarChanged) {
      await exclusive(noCheck, () => (calendarChanged && isOpen() ? applyCalendarChange() : Promise.resolve()));
      continue;
    }
    const timer = nextTimer();
    const seen = version;
    if (!timer) {
      await condition(() => version !== seen);
      continue;
    }
    const wait = timer.at - Date.now();
    if (wait > 0 && (await condition(() => version !== seen, wait))) continue;
    // The state may have moved while the lock was held elsewhere: fire only what is still due.
    await exclusive(noCheck, async () => {
      const due = nextTimer();
      if (due && due.at <= Date.now() && !(cancelRequest && isOpen())) await timerActions[due.kind]();
    });
  }

  await condition(allHandlersFinished);
  // An Update answers before its writes are applied (onAnsweringUpdate): the step ends after them.
  await exclusive(noCheck, async () => undefined);
  const result: StepResult = {
    stepId: input.stepId,
    matterCode: input.matterCode,
    attempt: input.attempt,
    outcome: state.status === 'cancelled' ? 'cancelled' : state.outcome!,
    reason: state.reason,
  };
  // The parent learns the result from this signal (it may have continued as new since it started
  // this step); a parent that has closed meanwhile needs nothing more.
  try {
    await getExternalWorkflowHandle(applicationWorkflowId(input.applicationId)).signal(stepFinishedSignal, result);
  } catch {
    // closed, or never there (a step run on its own in tests)
  }
  return result;
}
