// The step rules alone: who may do what in which state, the fee rule, extension eligibility,
// the urge throttle, lights and the next timer.
import { stepLight } from '../../domain/lights';
import {
  actionRefusal,
  allowedStepActions,
  extensionDaysAllowed,
  inputRefusal,
  isOpenStep,
  LEGAL_EXTENSION_WORKDAYS,
  type StepFacts,
  type StepViewer,
} from '../../domain/step-rules';
import { nextStepTimer } from '../../domain/step-timers';
import type { StepSnapshot } from '../../domain/projection';

const NOW = Date.parse('2026-12-01T02:00:00Z');
const HOUR = 3600_000;
const step = (over: Partial<StepFacts> = {}): StepFacts => ({
  status: 'in_review',
  departmentCode: 'NRB',
  acceptedAt: '2026-11-30T02:00:00Z',
  pauseKind: null,
  extensionDays: 0,
  overdue: false,
  deadline: '2026-12-10T15:59:59.999Z',
  lastUrgedAt: null,
  feeAmountFen: null,
  feePaidAt: null,
  promisedLimitDays: 10,
  statutoryLimitDays: 20,
  ...over,
});
const nrb: StepViewer = { role: 'staff', departmentCode: 'NRB', ownsApplication: false };
const drc: StepViewer = { role: 'staff', departmentCode: 'DRC', ownsApplication: false };
const supervisor: StepViewer = { role: 'supervisor', departmentCode: null, ownsApplication: false };
const officer: StepViewer = { role: 'officer', departmentCode: null, ownsApplication: true };
const cashier: StepViewer = { role: 'cashier', departmentCode: null, ownsApplication: false };
const allowed = (v: StepViewer, s: StepFacts) => allowedStepActions(v, s, NOW, 4 * HOUR);

describe('step rules', () => {
  it('when a step is open, then exactly the open statuses say so', () => {
    expect(['submitted', 'in_review', 'awaiting_supplement'].every((s) => isOpenStep(s as never))).toBe(true);
    expect(['blocked', 'approved', 'rejected', 'cancelled', 'failed'].some((s) => isOpenStep(s as never))).toBe(false);
  });

  it('when staff of the department look at a step at the window, then they may accept, ask for a correction, reject or reassign', () => {
    expect(allowed(nrb, step({ status: 'submitted', acceptedAt: null, deadline: null }))).toEqual([
      'accept',
      'request_supplement',
      'reject',
      'reassign',
    ]);
    expect(allowed(drc, step({ status: 'submitted' }))).toEqual([]);
  });

  it('when a step is in review, then its department may decide, pause or reassign, and the supervisor may extend and urge', () => {
    expect(allowed(nrb, step())).toEqual([
      'request_supplement',
      'start_special_procedure',
      'approve',
      'reject',
      'reassign',
    ]);
    expect(allowed(supervisor, step())).toEqual(['extend', 'urge']);
    expect(allowed(officer, step())).toEqual([]);
  });

  it('when a correction is awaited, then only the officer who launched the application may supply it', () => {
    const waiting = step({ status: 'awaiting_supplement', pauseKind: 'supplement' });
    expect(allowed(officer, waiting)).toEqual(['supplement']);
    expect(actionRefusal('supplement', { ...officer, ownsApplication: false }, waiting, NOW, HOUR)?.code).toBe(
      'not_owner',
    );
  });

  it('when a fee-bearing step is unpaid, then it cannot be approved until the cashier records the payment', () => {
    const unpaid = step({ feeAmountFen: 50_000 });
    expect(actionRefusal('approve', nrb, unpaid, NOW, HOUR)).toMatchObject({
      kind: 'Conflict',
      code: 'fee_unpaid',
      params: { amountFen: 50_000 },
    });
    expect(allowed(nrb, unpaid)).not.toContain('approve');
    expect(allowed(cashier, unpaid)).toEqual(['record_payment']);
    const paid = step({ feeAmountFen: 50_000, feePaidAt: '2026-11-30T03:00:00Z' });
    expect(allowed(nrb, paid)).toContain('approve');
    expect(allowed(cashier, paid)).toEqual([]);
  });

  it('when an extension is asked for, then it is granted once, after acceptance and before the deadline', () => {
    expect(actionRefusal('extend', supervisor, step(), NOW, HOUR)).toBeNull();
    expect(actionRefusal('extend', supervisor, step({ extensionDays: 2 }), NOW, HOUR)?.code).toBe('already_extended');
    expect(actionRefusal('extend', supervisor, step({ deadline: '2026-11-30T15:59:59.999Z' }), NOW, HOUR)?.code).toBe(
      'deadline_passed',
    );
    expect(actionRefusal('extend', supervisor, step({ status: 'submitted', acceptedAt: null }), NOW, HOUR)?.code).toBe(
      'step_not_in_review',
    );
    expect(actionRefusal('extend', nrb, step(), NOW, HOUR)).toMatchObject({ kind: 'Forbidden', code: 'role_required' });
  });

  it('when an extension would pass the statutory limit plus the 10 days of art. 42, then it is refused naming the days still allowed', () => {
    // Promised 10, statutory 20: up to 20 more working days; beyond 10 more the head must approve.
    const s = step();
    expect(LEGAL_EXTENSION_WORKDAYS).toBe(10);
    expect(extensionDaysAllowed(s)).toBe(20);
    expect(inputRefusal({ action: 'extend', workdays: 21, reason: 'r', approvedBy: '李局长', step: s })).toMatchObject({
      kind: 'InvalidInput',
      code: 'extension_exceeds_legal_cap',
      params: { maxWorkdays: 20, statutoryLimitDays: 20, legalExtensionDays: 10 },
    });
    expect(inputRefusal({ action: 'extend', workdays: 10, reason: 'r', step: s })).toBeNull();
    expect(inputRefusal({ action: 'extend', workdays: 11, reason: 'r', step: s })?.code).toBe('head_approval_required');
    expect(inputRefusal({ action: 'extend', workdays: 20, reason: 'r', approvedBy: '李局长', step: s })).toBeNull();
    // A promised limit already at statutory + 10 leaves nothing: extending is not offered at all.
    const full = step({ promisedLimitDays: 30 });
    expect(actionRefusal('extend', supervisor, full, NOW, HOUR)).toMatchObject({
      code: 'extension_cap_reached',
      params: { maxWorkdays: 0 },
    });
    expect(allowed(supervisor, full)).toEqual(['urge']);
    // A step from before catalog versions has no known statutory limit: no cap to apply.
    expect(extensionDaysAllowed(step({ statutoryLimitDays: null }))).toBeNull();
    expect(
      inputRefusal({ action: 'extend', workdays: 90, reason: 'r', step: step({ statutoryLimitDays: null }) }),
    ).toBeNull();
  });

  it('when a step was urged recently, then the refusal carries the next allowed time as data', () => {
    const urged = step({ lastUrgedAt: new Date(NOW - HOUR).toISOString() });
    expect(actionRefusal('urge', supervisor, urged, NOW, 4 * HOUR)).toMatchObject({
      kind: 'RateLimited',
      code: 'urge_too_soon',
      params: { nextAllowedAt: new Date(NOW + 3 * HOUR).toISOString() },
    });
    expect(actionRefusal('urge', supervisor, urged, NOW, HOUR / 2)).toBeNull();
  });

  it('when a step is closed or blocked, then nobody may act on it', () => {
    for (const status of ['approved', 'rejected', 'cancelled', 'failed', 'blocked'] as const) {
      for (const viewer of [nrb, supervisor, officer]) expect(allowed(viewer, step({ status }))).toEqual([]);
    }
    expect(actionRefusal('accept', nrb, step({ status: 'blocked' }), NOW, HOUR)?.code).toBe('step_blocked');
  });

  it('when a request lacks what it needs, then the refusal names it', () => {
    expect(inputRefusal({ action: 'reject', reason: ' ' })?.code).toBe('reason_required');
    expect(inputRefusal({ action: 'request_supplement', items: ['a', ''], reason: 'r' })?.code).toBe('items_required');
    expect(inputRefusal({ action: 'extend', workdays: 0, reason: 'r', step: step() })?.code).toBe(
      'extension_days_invalid',
    );
    expect(inputRefusal({ action: 'start_special_procedure', reason: '需听证', approvedBy: ' ' })?.code).toBe(
      'approver_required',
    );
    expect(
      inputRefusal({ action: 'record_payment', amountFen: 1, receiptNo: 'R1', feeAmountFen: 50_000 }),
    ).toMatchObject({ code: 'amount_not_catalog_fee', params: { amountFen: 50_000 } });
    expect(
      inputRefusal({ action: 'record_payment', amountFen: 50_000, receiptNo: 'R1', feeAmountFen: 50_000 }),
    ).toBeNull();
  });
});

describe('lights and timers', () => {
  const snapshot = (over: Partial<StepSnapshot>) =>
    ({
      status: 'in_review',
      pause: null,
      light: 'green',
      yellowAt: '2026-12-08T00:00:00Z',
      acceptanceDeadline: '2026-12-05T15:59:59.999Z',
      deadline: '2026-12-10T15:59:59.999Z',
      overdue: false,
      ...over,
    }) as StepSnapshot;

  it('when the clock runs, then yellow comes first, then red; a pause stops both and keeps the light', () => {
    expect(nextStepTimer(snapshot({}), null, 3)).toEqual({
      at: Date.parse('2026-12-08T00:00:00Z'),
      kind: 'turn_yellow',
    });
    expect(nextStepTimer(snapshot({ light: 'yellow' }), null, 3)?.kind).toBe('turn_red');
    expect(
      nextStepTimer(snapshot({ pause: { kind: 'supplement', since: '', reason: '', items: ['x'] } }), null, 3),
    ).toBeNull();
    // A special procedure stops the clock too, and ends by itself at its limit.
    const special = snapshot({
      pause: {
        kind: 'special',
        since: '2026-12-01T02:00:00Z',
        reason: '',
        procedure: 'hearing',
        approvedBy: '李局长',
        startedBy: { id: 'u', displayName: 'u' },
        limitDays: 20,
        endsAt: '2026-12-29T15:59:59.999Z',
      },
    });
    expect(nextStepTimer(special, null, 3)).toEqual({
      at: Date.parse('2026-12-29T15:59:59.999Z') + 1,
      kind: 'special_procedure_limit',
    });
    const paused = { status: 'in_review', overdue: false, paused: true, light: 'yellow' as const, yellowAt: null };
    expect(stepLight(paused, NOW)).toBe('yellow');
    expect(stepLight({ ...paused, paused: false, light: 'green', yellowAt: '2026-11-30T00:00:00Z' }, NOW)).toBe(
      'yellow',
    );
    expect(stepLight({ ...paused, status: 'approved' }, NOW)).toBe('none');
  });

  it('when the matter applies deemed consent, then the deadline deems the step approved instead of turning it red', () => {
    expect(nextStepTimer(snapshot({ light: 'yellow' }), null, 3, true)).toEqual({
      at: Date.parse('2026-12-10T15:59:59.999Z') + 1,
      kind: 'deem_consent',
    });
    // At the window the acceptance rule still comes first.
    expect(nextStepTimer(snapshot({ status: 'submitted', light: 'yellow' }), null, 3, true)?.kind).toBe(
      'deem_accepted',
    );
  });

  it('when a case is open and unanswered below the last level, then its escalation is a timer', () => {
    const overdue = snapshot({ overdue: true, light: 'red' });
    const openCase = { caseId: 'X-A1-L1', level: 1, dueAt: '2026-12-11T15:59:59.999Z', answered: false };
    expect(nextStepTimer(overdue, openCase, 3)?.kind).toBe('escalate');
    expect(nextStepTimer(overdue, { ...openCase, answered: true }, 3)).toBeNull();
    expect(nextStepTimer(overdue, { ...openCase, level: 3 }, 3)).toBeNull();
  });
});
