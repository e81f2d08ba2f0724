// One department's step (审批环节) of an application, from submission at the window to its
// decision: acceptance window, promised time limit in working days, clock pauses for
// corrections (补正) and special procedures, lights, supervision cases and their escalation.
//
// Every deadline is an absolute time computed by an activity from the working-day calendar;
// this workflow only waits for it. Every human action is an Update whose validator refuses a
// wrong role, department or state before anything is recorded. Handlers, timers and the
// cancellation run one at a time under one lock, and each checks the state again once it holds
// the lock: two conflicting actions give one winner and a refusal, never an interleaving.
import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import type { Actor, Light } from '../domain/model';
import type { Notice, StepSnapshot } from '../domain/projection';
import { acts, fail, SYSTEM, type Who } from './common';
import {
  SearchAttr,
  acceptUpdate,
  applicationWorkflowId,
  stepFinishedSignal,
  answerCaseUpdate,
  calendarChangedSignal,
  cancelStepSignal,
  decideUpdate,
  endSpecialProcedureUpdate,
  extendUpdate,
  reassignUpdate,
  recordPaymentUpdate,
  requestSupplementUpdate,
  startSpecialProcedureUpdate,
  stepStateQuery,
  supplementUpdate,
  urgeUpdate,
  type StepResult,
  type StepWorkflowInput,
} from './shared';
import type { UpdateDefinition } from '@temporalio/common';

const nowIso = (): string => new Date().toISOString();

interface OpenCase {
  caseId: string;
  level: number;
  dueAt: string;
  answered: boolean;
}

export async function stepWorkflow(input: StepWorkflowInput): Promise<StepResult> {
  const { policy } = input;
  const s: StepSnapshot = {
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
    pause: null,
    decidedAt: null,
    outcome: null,
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
  let windowAnchor = s.submittedAt!;
  /** The status a correction returns to. */
  let pausedFrom: 'submitted' | 'in_review' = 'submitted';
  let openCase: OpenCase | null = null;
  let cancelRequest: { reason: string; actor: Who } | null = null;
  let calendarChanged = false;
  let seq = 0;
  /** Bumped on every change so the timer loop plans again. */
  let version = 0;
  const lock = new Mutex();
  /** Runs a state change alone; `check` is the validator's check, repeated under the lock. */
  const exclusive = <T>(check: () => void, change: () => Promise<T>): Promise<T> =>
    lock.runExclusive(async () => {
      check();
      return change();
    });

  const isOpen = () => s.status === 'submitted' || s.status === 'in_review' || s.status === 'awaiting_supplement';
  const departmentNotice = (message: string): Notice => ({
    audience: { departmentCode: input.departmentCode },
    message,
  });
  const officerNotice = (message: string): Notice => ({ audience: { userId: input.officerId }, message });
  const supervisorNotice = (message: string): Notice => ({ audience: { role: 'supervisor' }, message });
  const label = `${input.matterName}（${input.stepId}）`;

  const currentLight = (): Light => {
    if (s.status !== 'submitted' && s.status !== 'in_review') return 'none';
    if (s.overdue) return 'red';
    if (s.pause) return s.light === 'none' ? 'green' : s.light; // the clock stands still
    if (s.yellowAt && Date.now() >= Date.parse(s.yellowAt)) return 'yellow';
    return 'green';
  };

  /** Reports the current state and one timeline event (and notices) to the read model. */
  const report = async (type: string, actor: Who, detail: Record<string, unknown> = {}, notices: Notice[] = []) => {
    s.light = currentLight();
    version++;
    upsertSearchAttributes([
      { key: SearchAttr.stepStatus, value: s.status },
      { key: SearchAttr.light, value: s.light },
      ...(s.deadline ? [{ key: SearchAttr.deadline, value: new Date(s.deadline) }] : []),
    ]);
    await acts.projectStep({
      workflowId: workflowInfo().workflowId,
      seq: ++seq,
      applicationId: input.applicationId,
      stepId: input.stepId,
      departmentCode: input.departmentCode,
      snapshot: { ...s, pause: s.pause && { ...s.pause } },
      event: { type, at: nowIso(), actor: { id: actor.id, displayName: actor.displayName }, detail },
      notices,
    });
  };

  /** Deadline and yellow point from the calendar: the acceptance window, or the promised limit. */
  const recomputeClock = async () => {
    const lights = { yellowRatio: policy.yellowRatio, yellowDaysLeft: policy.yellowDaysLeft };
    if (s.acceptedAt === null) {
      const c = await acts.computeClock({
        anchor: windowAnchor,
        limitDays: policy.acceptanceWindowDays,
        pausedDays: 0,
        ...lights,
      });
      s.acceptanceDeadline = c.deadline;
      s.yellowAt = c.yellowAt;
    } else {
      const c = await acts.computeClock({
        anchor: s.acceptedAt,
        limitDays: input.promisedLimitDays + s.extensionDays,
        pausedDays: s.pausedWorkdays,
        ...lights,
      });
      s.deadline = c.deadline;
      s.yellowAt = c.yellowAt;
    }
  };

  const pausedWorkdaysSince = (since: string) => acts.workdaysBetween({ from: since, to: nowIso() });

  // --- validators' building blocks -------------------------------------------------------
  const requireDepartmentStaff = (actor: Actor) => {
    if (actor.role !== 'staff' || actor.departmentCode !== input.departmentCode) {
      fail('Forbidden', `only staff of department ${input.departmentCode} may act on this step`);
    }
  };
  const requireRole = (actor: Actor, role: Actor['role'], what: string) => {
    if (actor.role !== role) fail('Forbidden', `${what} is for the ${role}`);
  };
  const requireOpen = (action: string) => {
    if (!isOpen()) fail('Conflict', `cannot ${action}: the step is ${s.status}`);
  };

  // --- timers ----------------------------------------------------------------------------
  const turnYellow = async () => {
    if (!isOpen() || s.light !== 'green') return;
    await report('step_light_yellow', SYSTEM, { deadline: s.deadline ?? s.acceptanceDeadline }, [
      departmentNotice(`${label} 即将到期（黄灯预警）`),
    ]);
  };

  const deemAccepted = async () => {
    if (s.status !== 'submitted') return;
    // Administrative Licensing Law: not acted on within the window = accepted from the day the material arrived.
    s.status = 'in_review';
    s.acceptedAt = s.submittedAt;
    s.deemedAccepted = true;
    await recomputeClock();
    await report('step_deemed_accepted', SYSTEM, { acceptanceDeadline: s.acceptanceDeadline, deadline: s.deadline }, [
      departmentNotice(`${label} 受理期限已过，视为自收到材料之日起受理`),
    ]);
  };

  const openSupervisionCase = async (level: number) => {
    const previous = openCase;
    const openedAt = nowIso();
    const dueAt = await acts.computeDeadline({ from: openedAt, workdays: policy.caseResponseDays });
    const caseId = `${input.stepId}-A${input.attempt}-L${level}`;
    openCase = { caseId, level, dueAt, answered: false };
    s.escalationLevel = level;
    await acts.openCase({
      caseId,
      stepId: input.stepId,
      applicationId: input.applicationId,
      departmentCode: input.departmentCode,
      attempt: input.attempt,
      level,
      openedAt,
      dueAt,
      escalatedFrom: previous?.caseId ?? null,
    });
    return caseId;
  };

  const closeCases = async (outcome: 'decided' | 'cancelled', at: string) => {
    await acts.closeCases({ stepId: input.stepId, attempt: input.attempt, outcome, at });
  };

  const turnRed = async () => {
    if (s.status !== 'in_review' || s.overdue) return;
    s.overdue = true;
    const caseId = await openSupervisionCase(1);
    await report('step_overdue', SYSTEM, { deadline: s.deadline, caseId, level: 1 }, [
      departmentNotice(`${label} 已超期（红灯），督查协调室已立案督办`),
      supervisorNotice(`${label} 超期，督办件 ${caseId} 已生成`),
    ]);
  };

  const escalate = async () => {
    if (!isOpen() || !openCase || openCase.answered || openCase.level >= policy.escalationLevels) return;
    const from = openCase.caseId;
    const caseId = await openSupervisionCase(openCase.level + 1);
    await report('supervision_escalated', SYSTEM, { caseId, from, level: s.escalationLevel }, [
      departmentNotice(`${label} 督办件逾期未回复，升级为第 ${s.escalationLevel} 级督办`),
      supervisorNotice(`${label} 督办升级至第 ${s.escalationLevel} 级（${caseId}）`),
    ]);
  };

  const nextTimer = (): { at: number; fire: () => Promise<void> } | null => {
    const timers: Array<{ at: number; fire: () => Promise<void> }> = [];
    if (!s.pause && (s.status === 'submitted' || s.status === 'in_review')) {
      if (s.light === 'green' && s.yellowAt) timers.push({ at: Date.parse(s.yellowAt), fire: turnYellow });
      if (s.status === 'submitted' && s.acceptanceDeadline) {
        timers.push({ at: Date.parse(s.acceptanceDeadline) + 1, fire: deemAccepted });
      }
      if (s.status === 'in_review' && !s.overdue && s.deadline)
        timers.push({ at: Date.parse(s.deadline) + 1, fire: turnRed });
    }
    if (openCase && !openCase.answered && openCase.level < policy.escalationLevels) {
      timers.push({ at: Date.parse(openCase.dueAt) + 1, fire: escalate });
    }
    timers.sort((a, b) => a.at - b.at);
    return timers[0] ?? null;
  };

  // --- handlers ------------------------------------------------------------------------------
  /**
   * An Update whose validator is `check`, and whose handler runs `change` under the lock after
   * checking again (the state may have moved while it waited): one winner per conflict.
   */
  const onUpdate = <A>(
    def: UpdateDefinition<StepSnapshot, [A]>,
    check: (a: A) => void,
    change: (a: A) => Promise<void>,
  ) =>
    setHandler(
      def,
      (args: A) =>
        exclusive(
          () => check(args),
          async () => {
            await change(args);
            return { ...s };
          },
        ),
      { validator: check },
    );

  setHandler(stepStateQuery, () => ({ ...s }));

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
    ({ actor }) => {
      requireDepartmentStaff(actor);
      if (s.status !== 'submitted') fail('Conflict', `cannot accept: the step is ${s.status}`);
    },
    async ({ actor }) => {
      s.status = 'in_review';
      s.acceptedAt = nowIso();
      await recomputeClock();
      await report('step_accepted', actor, { deadline: s.deadline, promisedLimitDays: input.promisedLimitDays });
    },
  );

  onUpdate(
    requestSupplementUpdate,
    ({ actor, items, reason }) => {
      requireDepartmentStaff(actor);
      if (s.status !== 'submitted' && s.status !== 'in_review') {
        fail('Conflict', `cannot ask for a correction: the step is ${s.status}`);
      }
      if (s.pause) fail('Conflict', 'cannot ask for a correction during a special procedure; end it first');
      if (items.length === 0 || items.some((i: string) => !i.trim()))
        fail('InvalidInput', 'list every missing item (一次性告知)');
      if (!reason.trim()) fail('InvalidInput', 'a correction request needs its reason');
    },
    async ({ actor, items, reason }) => {
      pausedFrom = s.status as 'submitted' | 'in_review';
      s.status = 'awaiting_supplement';
      s.pause = { kind: 'supplement', since: nowIso(), reason, items: [...items] };
      await report('supplement_requested', actor, { items, reason, deadline: s.deadline }, [
        officerNotice(`${label} 需要补正：${items.join('；')}`),
      ]);
    },
  );

  onUpdate(
    supplementUpdate,
    ({ actor }) => {
      requireRole(actor, 'officer', 'supplying corrections');
      if (s.status !== 'awaiting_supplement') fail('Conflict', `no correction is awaited: the step is ${s.status}`);
    },
    async ({ actor, note }) => {
      const since = s.pause!.since;
      const previousDeadline = s.deadline;
      s.status = pausedFrom;
      s.pause = null;
      const paused = await pausedWorkdaysSince(since);
      if (pausedFrom === 'in_review') s.pausedWorkdays += paused;
      else windowAnchor = nowIso(); // complete material restarts the acceptance window
      await recomputeClock();
      await report(
        'supplement_received',
        actor,
        { note, pausedWorkdays: paused, previousDeadline, deadline: s.deadline },
        [departmentNotice(`${label} 补正材料已提交`)],
      );
    },
  );

  onUpdate(
    startSpecialProcedureUpdate,
    ({ actor, reason }) => {
      requireDepartmentStaff(actor);
      if (s.status !== 'in_review') fail('Conflict', `a special procedure needs a step in review; it is ${s.status}`);
      if (s.pause) fail('Conflict', 'a special procedure is already running');
      if (!reason.trim()) fail('InvalidInput', 'a special procedure needs its reason');
    },
    async ({ actor, procedure, reason }) => {
      s.pause = { kind: 'special', since: nowIso(), reason, procedure };
      await report('special_procedure_started', actor, { procedure, reason }, [
        officerNotice(`${label} 进入特别程序（${procedure}），期间不计入承诺时限`),
      ]);
    },
  );

  onUpdate(
    endSpecialProcedureUpdate,
    ({ actor }) => {
      requireDepartmentStaff(actor);
      if (s.pause?.kind !== 'special') fail('Conflict', 'no special procedure is running');
    },
    async ({ actor, note }) => {
      const { since, procedure } = s.pause as Extract<StepSnapshot['pause'], { kind: 'special' }>;
      const previousDeadline = s.deadline;
      s.pause = null;
      const paused = await pausedWorkdaysSince(since);
      s.pausedWorkdays += paused;
      await recomputeClock();
      await report('special_procedure_ended', actor, {
        procedure,
        note,
        pausedWorkdays: paused,
        previousDeadline,
        deadline: s.deadline,
      });
    },
  );

  onUpdate(
    decideUpdate,
    ({ actor, outcome, reason, certificateNo }) => {
      requireDepartmentStaff(actor);
      if (outcome === 'approved' && s.status !== 'in_review')
        fail('Conflict', `cannot approve: the step is ${s.status}`);
      if (outcome === 'rejected' && s.status !== 'in_review' && s.status !== 'submitted') {
        fail('Conflict', `cannot reject: the step is ${s.status}`);
      }
      if (outcome === 'rejected' && !reason?.trim()) fail('InvalidInput', 'a rejection needs its reasons');
      if (outcome === 'approved' && certificateNo?.trim() && (s.feeAmountFen ?? 0) > 0 && !s.feePaidAt) {
        fail(
          'Conflict',
          `the fee of ¥${((s.feeAmountFen ?? 0) / 100).toFixed(2)} is unpaid: the certificate cannot be issued`,
        );
      }
    },
    async ({ actor, outcome, reason, certificateNo }) => {
      const refusedAcceptance = s.status === 'submitted';
      const pause = s.pause;
      s.status = outcome;
      s.outcome = outcome;
      s.decidedAt = nowIso();
      s.reason = reason?.trim() || null;
      s.certificateNo = certificateNo?.trim() || null;
      s.pause = null;
      s.overdue = s.overdue || (s.deadline !== null && s.decidedAt > s.deadline);
      if (pause?.kind === 'special') s.pausedWorkdays += await pausedWorkdaysSince(pause.since);
      if (s.acceptedAt) {
        const elapsed = await acts.workdaysBetween({ from: s.acceptedAt, to: s.decidedAt });
        s.workdaysUsed = Math.max(0, elapsed - s.pausedWorkdays);
      }
      // Under the lock no case is half-opened here: whatever the ladder opened is closed now.
      if (openCase) await closeCases('decided', s.decidedAt);
      const type =
        outcome === 'approved' ? 'step_approved' : refusedAcceptance ? 'step_refused_acceptance' : 'step_rejected';
      await report(type, actor, { reason: s.reason, certificateNo: s.certificateNo, overdue: s.overdue }, [
        officerNotice(`${label} ${outcome === 'approved' ? '已准予许可' : `不予许可：${s.reason}`}`),
      ]);
    },
  );

  onUpdate(
    extendUpdate,
    ({ actor, workdays, reason }) => {
      requireRole(actor, 'supervisor', 'granting an extension');
      if (s.acceptedAt === null || !isOpen()) fail('Conflict', `cannot extend: the step is ${s.status}`);
      if (s.extensionDays > 0) fail('Conflict', 'this step has been extended once already');
      if (s.overdue || (s.deadline && Date.now() > Date.parse(s.deadline))) {
        fail('Conflict', 'the deadline has passed: an extension must be granted before it');
      }
      if (!Number.isInteger(workdays) || workdays < 1)
        fail('InvalidInput', 'an extension is a whole number of working days');
      if (!reason.trim()) fail('InvalidInput', 'an extension needs its reason');
    },
    async ({ actor, workdays, reason }) => {
      const previousDeadline = s.deadline;
      s.extensionDays = workdays;
      await recomputeClock();
      await report('step_extended', actor, { workdays, reason, previousDeadline, deadline: s.deadline }, [
        departmentNotice(`${label} 延期 ${workdays} 个工作日：${reason}`),
      ]);
    },
  );

  onUpdate(
    urgeUpdate,
    ({ actor }) => {
      requireRole(actor, 'supervisor', 'urging');
      requireOpen('urge');
      if (s.lastUrgedAt) {
        const next = Date.parse(s.lastUrgedAt) + policy.urgeIntervalMs;
        if (Date.now() < next)
          fail(
            'RateLimited',
            `this step was urged recently; the next urge is allowed from ${new Date(next).toISOString()}`,
          );
      }
    },
    async ({ actor, message }) => {
      s.lastUrgedAt = nowIso();
      await report('step_urged', actor, { message }, [departmentNotice(`督查协调室催办：${label} ${message}`)]);
    },
  );

  onUpdate(
    reassignUpdate,
    ({ actor }) => {
      requireDepartmentStaff(actor);
      requireOpen('reassign');
    },
    async ({ actor, assignee }) => {
      const previous = s.assignee;
      s.assignee = { ...assignee };
      await report('step_reassigned', actor, { from: previous, to: assignee });
    },
  );

  onUpdate(
    recordPaymentUpdate,
    ({ actor, amountFen, receiptNo }) => {
      requireRole(actor, 'cashier', 'recording payments');
      if (!s.feeAmountFen) fail('Conflict', 'this matter has no fee in the catalog');
      if (s.feePaidAt) fail('Conflict', 'the fee has been paid already');
      if (s.status === 'cancelled' || s.status === 'rejected')
        fail('Conflict', `cannot take a fee: the step is ${s.status}`);
      if (amountFen !== s.feeAmountFen) {
        fail(
          'InvalidInput',
          `the amount must be the catalog fee of ${s.feeAmountFen} fen (no fee outside the standard)`,
        );
      }
      if (!receiptNo.trim()) fail('InvalidInput', 'a payment needs its receipt number');
    },
    async ({ actor, amountFen, receiptNo }) => {
      s.feePaidAt = nowIso();
      s.feeReceiptNo = receiptNo;
      await report('fee_paid', actor, { amountFen, receiptNo });
    },
  );

  onUpdate(
    answerCaseUpdate,
    ({ actor, caseId, answer }) => {
      requireDepartmentStaff(actor);
      if (!openCase || openCase.caseId !== caseId || openCase.answered || !isOpen()) {
        fail('Conflict', `supervision case ${caseId} is not open on this step`);
      }
      if (!answer.trim()) fail('InvalidInput', 'an answer is needed');
    },
    async ({ actor, caseId, answer }) => {
      openCase!.answered = true;
      await acts.answerCase({ caseId, answer, answeredBy: actor.displayName, at: nowIso() });
      await report('supervision_case_answered', actor, { caseId, answer }, [
        supervisorNotice(`${label} 督办件 ${caseId} 已回复`),
      ]);
    },
  );

  // --- the clock --------------------------------------------------------------------------
  const noCheck = () => undefined;

  const cancel = async () => {
    const { reason, actor } = cancelRequest!;
    s.status = 'cancelled';
    s.pause = null;
    if (openCase) await closeCases('cancelled', nowIso());
    await report('step_cancelled', actor, { reason }, [departmentNotice(`${label} 已撤回：${reason}`)]);
  };

  const applyCalendarChange = async () => {
    calendarChanged = false;
    const before = { deadline: s.deadline, acceptanceDeadline: s.acceptanceDeadline };
    if (!s.pause || s.pause.kind === 'special') await recomputeClock();
    if (before.deadline !== s.deadline || before.acceptanceDeadline !== s.acceptanceDeadline) {
      await report('step_deadline_recomputed', SYSTEM, {
        reason: 'calendar edited',
        previous: before,
        deadline: s.deadline,
        acceptanceDeadline: s.acceptanceDeadline,
      });
    }
  };

  await exclusive(noCheck, async () => {
    await recomputeClock();
    await report('step_submitted', SYSTEM, { attempt: input.attempt, acceptanceDeadline: s.acceptanceDeadline }, [
      departmentNotice(`新的审批环节：${label}`),
    ]);
  });

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
      if (due && due.at <= Date.now() && !(cancelRequest && isOpen())) await due.fire();
    });
  }

  await condition(allHandlersFinished);
  const result: StepResult = {
    stepId: input.stepId,
    matterCode: input.matterCode,
    attempt: input.attempt,
    outcome: s.status === 'cancelled' ? 'cancelled' : s.outcome!,
    reason: s.reason,
  };
  // The parent learns the result from this signal (it may have continued as new since it started
  // this step); a parent that has closed meanwhile needs nothing more.
  try {
    await getExternalWorkflowHandle(applicationWorkflowId(input.applicationId)).signal(stepFinishedSignal, result);
  } catch {
    // closed or never there (a step run on its own in tests)
  }
  return result;
}
