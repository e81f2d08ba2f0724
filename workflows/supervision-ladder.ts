// The supervision ladder of one step attempt (督办): the case opened when the step turns red, the
// next level when a case goes unanswered, and closing whatever is open when the step ends.
import { caseIdFor, escalates, type OpenCase } from '../domain/supervision';
import { acts } from './common';
import type { StepWorkflowInput } from './shared';

export class SupervisionLadder {
  private current: OpenCase | null = null;

  constructor(
    private readonly input: Pick<StepWorkflowInput, 'stepId' | 'applicationId' | 'departmentCode' | 'attempt'>,
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

  /** Opens the case of `level` (closing the previous level as escalated) and returns its id. */
  async open(level: number): Promise<string> {
    const previous = this.current;
    const openedAt = new Date().toISOString();
    const dueAt = await acts.computeDeadline({ from: openedAt, workdays: this.policy.caseResponseDays });
    const caseId = caseIdFor(this.input.stepId, this.input.attempt, level);
    this.current = { caseId, level, dueAt, answered: false };
    await acts.openCase({
      caseId,
      stepId: this.input.stepId,
      applicationId: this.input.applicationId,
      departmentCode: this.input.departmentCode,
      attempt: this.input.attempt,
      level,
      openedAt,
      dueAt,
      escalatedFrom: previous?.caseId ?? null,
    });
    return caseId;
  }

  /** Opens the next level; the caller checked `escalates`. */
  escalate(): Promise<string> {
    return this.open(this.current!.level + 1);
  }

  async answer(caseId: string, answer: string, answeredBy: string): Promise<void> {
    this.current!.answered = true;
    await acts.answerCase({ caseId, answer, answeredBy, at: new Date().toISOString() });
  }

  /** Closes whatever case this attempt has open, when the step is decided or cancelled. */
  async close(outcome: 'decided' | 'cancelled', at: string): Promise<void> {
    if (!this.current) return;
    await acts.closeCases({ stepId: this.input.stepId, attempt: this.input.attempt, outcome, at });
  }
}
