// The complaint and rating rules (domain/complaints.ts, domain/ratings.ts): who may do what in which
// state, the version check, the next timer, the light, phone numbers as people type them.
import {
  allowedComplaintActions,
  complaintInputRefusal,
  complaintLight,
  complaintRefusal,
  nextComplaintTimer,
} from '../../domain/complaints';
import { normalizePhone, PHONE_PATTERN } from '../../domain/identifiers';
import { commentRequired, ratingRefusal } from '../../domain/ratings';

const supervisor = { role: 'supervisor' as const, departmentCode: null };
const drc = { role: 'staff' as const, departmentCode: 'DRC' };
const eeb = { role: 'staff' as const, departmentCode: 'EEB' };

describe('complaint rules', () => {
  it('when a complaint moves through its states, then each role may do exactly what fits', () => {
    const filed = { status: 'filed' as const, departmentCode: null, version: 1 };
    const assigned = { status: 'assigned' as const, departmentCode: 'DRC', version: 2 };
    const replied = { status: 'replied' as const, departmentCode: 'DRC', version: 3 };
    const closed = { status: 'closed' as const, departmentCode: 'DRC', version: 4 };
    expect(allowedComplaintActions(supervisor, filed)).toEqual(['assign', 'close']);
    expect(allowedComplaintActions(drc, filed)).toEqual([]);
    expect(allowedComplaintActions(supervisor, assigned)).toEqual(['close']);
    expect(allowedComplaintActions(drc, assigned)).toEqual(['reply']);
    expect(allowedComplaintActions(eeb, assigned)).toEqual([]);
    expect(allowedComplaintActions(drc, replied)).toEqual([]);
    expect(allowedComplaintActions(supervisor, replied)).toEqual(['close']);
    expect(allowedComplaintActions(supervisor, closed)).toEqual([]);
    expect(complaintRefusal('assign', supervisor, assigned)?.code).toBe('complaint_already_assigned');
    expect(complaintRefusal('reply', drc, replied)?.code).toBe('complaint_already_replied');
    expect(complaintRefusal('reply', eeb, assigned)).toMatchObject({ kind: 'Forbidden', code: 'not_department_staff' });
    expect(complaintRefusal('close', drc, assigned)).toMatchObject({ kind: 'Forbidden', code: 'role_required' });
    expect(complaintRefusal('close', supervisor, closed)?.code).toBe('complaint_closed');
  });

  it('when a caller acts on the version it read and the complaint changed since, then it is refused', () => {
    const replied = { status: 'replied' as const, departmentCode: 'DRC', version: 3 };
    expect(complaintRefusal('close', supervisor, replied, 3)).toBeNull();
    expect(complaintRefusal('close', supervisor, replied, 2)).toMatchObject({
      kind: 'Conflict',
      code: 'complaint_changed',
      params: { version: 3 },
    });
  });

  it('when the content of an action is missing or out of bounds, then the input is refused', () => {
    expect(complaintInputRefusal({ action: 'assign', replyWorkdays: 0 })?.code).toBe('reply_workdays_invalid');
    expect(complaintInputRefusal({ action: 'assign', replyWorkdays: 31 })?.code).toBe('reply_workdays_invalid');
    expect(complaintInputRefusal({ action: 'assign', replyWorkdays: 10 })).toBeNull();
    expect(complaintInputRefusal({ action: 'reply', reply: ' ' })?.code).toBe('reply_required');
    expect(complaintInputRefusal({ action: 'close', conclusion: '' })?.code).toBe('conclusion_required');
  });

  it('when a complaint waits, then the next timer is its registration, its reply deadline, then the ladder', () => {
    const base = {
      registerDueAt: '2026-12-04T15:59:59.999Z',
      registrationOverdue: false,
      replyDueAt: null,
      overdue: false,
    };
    expect(nextComplaintTimer({ ...base, status: 'filed' }, null, 3)).toEqual({
      at: Date.parse('2026-12-04T16:00:00.000Z'),
      kind: 'registration_overdue',
    });
    expect(nextComplaintTimer({ ...base, status: 'filed', registrationOverdue: true }, null, 3)).toBeNull();
    const assigned = { ...base, status: 'assigned' as const, replyDueAt: '2026-12-10T15:59:59.999Z' };
    expect(nextComplaintTimer(assigned, null, 3)?.kind).toBe('reply_overdue');
    const openCase = { caseId: 'X-A1-L1', level: 1, dueAt: '2026-12-11T15:59:59.999Z', answered: false };
    expect(nextComplaintTimer({ ...assigned, overdue: true }, openCase, 3)?.kind).toBe('escalate');
    expect(nextComplaintTimer({ ...assigned, overdue: true }, { ...openCase, answered: true }, 3)).toBeNull();
    expect(nextComplaintTimer({ ...assigned, overdue: true }, { ...openCase, level: 3 }, 3)).toBeNull();
    expect(nextComplaintTimer({ ...assigned, status: 'replied' }, openCase, 3)).toBeNull();
  });

  it('when the reply deadline nears and passes, then the light turns yellow and red', () => {
    const c = {
      status: 'assigned' as const,
      overdue: false,
      yellowAt: '2026-12-08T00:00:00.000Z',
      replyDueAt: '2026-12-10T15:59:59.999Z',
    };
    expect(complaintLight(c, Date.parse('2026-12-07T00:00:00Z'))).toBe('green');
    expect(complaintLight(c, Date.parse('2026-12-09T00:00:00Z'))).toBe('yellow');
    expect(complaintLight(c, Date.parse('2026-12-11T00:00:00Z'))).toBe('red');
    expect(complaintLight({ ...c, status: 'replied' }, Date.parse('2026-12-11T00:00:00Z'))).toBe('none');
  });
});

describe('rating rules', () => {
  it('when a step or an application is still open, then it cannot be rated', () => {
    expect(ratingRefusal({ kind: 'step', status: 'approved' })).toBeNull();
    expect(ratingRefusal({ kind: 'step', status: 'rejected' })).toBeNull();
    expect(ratingRefusal({ kind: 'step', status: 'in_review' })?.code).toBe('step_not_closed');
    expect(ratingRefusal({ kind: 'step', status: 'cancelled' })?.code).toBe('step_not_closed');
    expect(ratingRefusal({ kind: 'application', status: 'completed' })).toBeNull();
    expect(ratingRefusal({ kind: 'application', status: 'withdrawn' })).toBeNull();
    expect(ratingRefusal({ kind: 'application', status: 'in_progress' })?.code).toBe('application_not_closed');
  });

  it('when the score is 2 or less, then a comment is required', () => {
    expect(commentRequired(1, undefined)).toBe(true);
    expect(commentRequired(2, '  ')).toBe(true);
    expect(commentRequired(2, '太慢')).toBe(false);
    expect(commentRequired(3, undefined)).toBe(false);
  });
});

describe('phone numbers as people type them', () => {
  it('when a number has spaces, dashes, brackets or +86, then it is checked as digits', () => {
    for (const [typed, digits] of [
      ['138 0000 0000', '13800000000'],
      ['138-0000-0000', '13800000000'],
      ['+86 138 0000 0000', '13800000000'],
      ['(0470) 1234567', '04701234567'],
      ['0470-1234567', '04701234567'],
    ]) {
      expect(normalizePhone(typed!)).toBe(digits);
      expect(PHONE_PATTERN.test(normalizePhone(typed!))).toBe(true);
    }
    expect(PHONE_PATTERN.test(normalizePhone('12345'))).toBe(false);
  });
});
