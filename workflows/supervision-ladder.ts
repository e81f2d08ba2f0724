// The supervision ladder (督办) of one step attempt, one complaint or one round of a hand-issued
// warning: the case opened when the step turns red (or a reply is late), the next level when a case
// goes unanswered, and closing whatever is open when the step ends (or the reply comes).
//
// The ladder writes nothing itself: it records its case changes, and the workflow's next report
// carries them (`takeChanges`) into the same transaction as the state and the timeline event, so a
// transition costs one projection write. Every caller reports right after changing the ladder.
import { caseIdFor, escalates, type OpenCase } from '../domain/supervision';
import type { CaseChange } from '../domain/projection';
import { acts } from './common';

/** Whose ladder it is: a step attempt, a complaint / rectification task, or a round of a warning. */
export type LadderSubject =
  | { stepId: string; applicationId: string; departmentCode: string; attempt: number }
  | { complaintId: string; departmentCode: string; attempt: number }
  | { warningId: string; departmentCode: string; attempt: number };

export class SupervisionLadder {
  private current: OpenCase | null = null;
  private changes: CaseChange[] = [];

  constructor(
    private readonly subject: LadderSubject,
    private readonly policy: { caseResponseDays: number; escalationLevels: number },
  ) {}

  get openCase(): OpenCase | null {
    return this.current;
  }

  /** True when the open case is to move up a level at its due time. */
  get escalates(): boolean {
    return escalates(this.current, this.policy.escalationLevels);
  }

  isOpen(caseId: string): boolean {
    return this.current !== null && this.current.caseId === caseId && !this.current.answered;
  }

  /** The case changes since the last call, for the report that follows them. */
  takeChanges(): CaseChange[] {
    const taken = this.changes;
    this.changes = [];
    return taken;
  }

  /** Opens the case of `level` (closing the previous level as escalated) and returns its id. */
  async open(level: number): Promise<string> {
    const previous = this.current;
    const openedAt = new Date().toISOString();
    const dueAt = await acts.computeDeadline({ from: openedAt, workdays: this.policy.caseResponseDays });
    const s = this.subject;
    const caseId = caseIdFor(
      'complaintId' in s ? s.complaintId : 'warningId' in s ? s.warningId : s.stepId,
      s.attempt,
      level,
    );
    this.current = { caseId, level, dueAt, answered: false };
    this.changes.push({
      kind: 'open',
      opening: {
        caseId,
        ...('complaintId' in s
          ? { stepId: null, applicationId: null, complaintId: s.complaintId }
          : 'warningId' in s
            ? { stepId: null, applicationId: null, warningId: s.warningId }
            : { stepId: s.stepId, applicationId: s.applicationId }),
        departmentCode: s.departmentCode,
        attempt: s.attempt,
        level,
        openedAt,
        dueAt,
        escalatedFrom: previous?.caseId ?? null,
      },
    });
    return caseId;
  }

  /** Opens the next level; the caller checked `escalates`. */
  escalate(): Promise<string> {
    return this.open(this.current!.level + 1);
  }

  answer(caseId: string, answer: string, answeredBy: string): void {
    this.current!.answered = true;
    this.changes.push({ kind: 'answer', caseId, answer, answeredBy, at: new Date().toISOString() });
  }

  /** Closes whatever case is open, when the step is decided or cancelled (a complaint or warning answered or closed). */
  close(outcome: 'decided' | 'cancelled', at: string): void {
    if (!this.current) return;
    const s = this.subject;
    this.changes.push(
      'complaintId' in s
        ? { kind: 'close_complaint', complaintId: s.complaintId, outcome, at }
        : 'warningId' in s
          ? { kind: 'close_warning', warningId: s.warningId, outcome, at }
          : { kind: 'close_step', stepId: s.stepId, attempt: s.attempt, outcome, at },
    );
  }
}
