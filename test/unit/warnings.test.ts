// The rules of warnings issued by hand (domain/warnings.ts): who may do what in which state, the
// version check, the inputs, the next timer, the light.
import {
  allowedWarningActions,
  issueWarningRefusal,
  nextWarningTimer,
  warningInputRefusal,
  warningLight,
  warningRefusal,
} from '../../domain/warnings';
import type { OpenCase } from '../../domain/supervision';

const supervisor = { role: 'supervisor' as const, departmentCode: null };
const admin = { role: 'admin' as const, departmentCode: null };
const drc = { role: 'staff' as const, departmentCode: 'DRC' };
const eeb = { role: 'staff' as const, departmentCode: 'EEB' };

describe('warning rules', () => {
  it('when a warning moves through its states, then each role may do exactly what fits', () => {
    const awaiting = { status: 'awaiting_reply' as const, departmentCode: 'DRC', version: 1 };
    const replied = { status: 'replied' as const, departmentCode: 'DRC', version: 2 };
    const closed = { status: 'closed' as const, departmentCode: 'DRC', version: 3 };
    expect(allowedWarningActions(drc, awaiting)).toEqual(['reply']);
    expect(allowedWarningActions(eeb, awaiting)).toEqual([]);
    expect(allowedWarningActions(supervisor, awaiting)).toEqual([]);
    expect(allowedWarningActions(supervisor, replied)).toEqual(['accept', 'return']);
    expect(allowedWarningActions(admin, replied)).toEqual([]);
    expect(allowedWarningActions(drc, replied)).toEqual([]);
    expect(allowedWarningActions(supervisor, closed)).toEqual([]);
    expect(allowedWarningActions(drc, closed)).toEqual([]);
    expect(warningRefusal('reply', drc, replied)?.code).toBe('warning_already_replied');
    expect(warningRefusal('accept', supervisor, awaiting)).toMatchObject({
      kind: 'Conflict',
      code: 'warning_not_replied',
    });
    expect(warningRefusal('return', supervisor, closed)?.code).toBe('warning_closed');
    expect(warningRefusal('reply', eeb, awaiting)).toMatchObject({ kind: 'Forbidden', code: 'not_department_staff' });
    expect(warningRefusal('accept', drc, replied)).toMatchObject({ kind: 'Forbidden', code: 'role_required' });
    expect(warningRefusal('answer_case', drc, awaiting)).toBeNull();
    expect(issueWarningRefusal(supervisor)).toBeNull();
    expect(issueWarningRefusal(drc)).toMatchObject({ kind: 'Forbidden', code: 'role_required' });
  });

  it('when a caller acts on the version it read and the warning changed since, then it is refused', () => {
    const replied = { status: 'replied' as const, departmentCode: 'DRC', version: 4 };
    expect(warningRefusal('accept', supervisor, replied, 4)).toBeNull();
    expect(warningRefusal('return', supervisor, replied, 3)).toMatchObject({
      kind: 'Conflict',
      code: 'warning_changed',
      params: { version: 4 },
    });
  });

  it('when the words of an action are missing, then the input is refused', () => {
    expect(warningInputRefusal({ action: 'reply', reply: ' ' })?.code).toBe('reply_required');
    expect(warningInputRefusal({ action: 'return', reason: '' })?.code).toBe('reason_required');
    expect(warningInputRefusal({ action: 'answer_case', answer: '\n' })?.code).toBe('answer_required');
    expect(warningInputRefusal({ action: 'reply', reply: '已整改' })).toBeNull();
  });

  it('when a warning waits for its reply, then the next timer is its deadline, then the ladder; none once replied', () => {
    const due = '2026-12-04T15:59:59.999Z';
    const awaiting = { status: 'awaiting_reply' as const, replyDueAt: due, overdue: false };
    expect(nextWarningTimer(awaiting, null, 3)).toEqual({ at: Date.parse(due) + 1, kind: 'reply_overdue' });
    const level1: OpenCase = { caseId: 'W-A1-L1', level: 1, dueAt: '2026-12-07T15:59:59.999Z', answered: false };
    expect(nextWarningTimer({ ...awaiting, overdue: true }, level1, 3)).toEqual({
      at: Date.parse(level1.dueAt) + 1,
      kind: 'escalate',
    });
    expect(nextWarningTimer({ ...awaiting, overdue: true }, { ...level1, level: 3 }, 3)).toBeNull();
    expect(nextWarningTimer({ ...awaiting, overdue: true }, { ...level1, answered: true }, 3)).toBeNull();
    expect(nextWarningTimer({ ...awaiting, status: 'replied' }, level1, 3)).toBeNull();
  });

  it('when time passes, then the light goes green, yellow, red, and none once replied', () => {
    const w = {
      status: 'awaiting_reply' as const,
      overdue: false,
      replyDueAt: '2026-12-04T15:59:59.999Z',
      yellowAt: '2026-12-03T16:00:00.000Z',
    };
    expect(warningLight(w, Date.parse('2026-12-02T08:00:00Z'))).toBe('green');
    expect(warningLight(w, Date.parse('2026-12-04T08:00:00Z'))).toBe('yellow');
    expect(warningLight(w, Date.parse('2026-12-05T08:00:00Z'))).toBe('red');
    expect(warningLight({ ...w, overdue: true }, Date.parse('2026-12-02T08:00:00Z'))).toBe('red');
    expect(warningLight({ ...w, status: 'replied' }, Date.parse('2026-12-05T08:00:00Z'))).toBe('none');
  });
});
