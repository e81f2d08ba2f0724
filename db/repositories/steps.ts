import { sql, type Kysely, type Transaction } from 'kysely';
import type { StepReport } from '../../domain/projection';
import { OPEN_STEP_STATUSES } from '../../domain/step-rules';
import type { Database, StepRow } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

/** Kept for older imports: the open statuses are the step rules' (domain/step-rules.ts). */
export { OPEN_STEP_STATUSES };

const date = (iso: string | null) => (iso ? new Date(iso) : null);

/** The applications whose project clock still runs. */
const OPEN_APPLICATION_STATUSES = ['in_progress', 'needs_attention'] as const;

/** What the whole-project clock reads of a step. */
const CLOCK_COLUMNS = [
  'id',
  'application_id',
  'matter_code',
  'matter_name',
  'department_code',
  'prerequisites',
  'status',
  'promised_limit_days',
  'submitted_at',
  'accepted_at',
  'deadline',
  'decided_at',
  'pause',
] as const;

export const stepsRepo = {
  find(db: Db, id: string): Promise<StepRow | undefined> {
    return db.selectFrom('steps').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** The steps with these ids, in id order (unknown ids are left out). */
  findMany(db: Db, ids: readonly string[]): Promise<StepRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('steps')
      .selectAll()
      .where('id', 'in', [...ids])
      .orderBy('id')
      .execute();
  },

  /** What the whole-project clock reads of the steps of these applications (domain/project-clock.ts), in one query. */
  clockRowsOf(db: Db, applicationIds: readonly string[]) {
    if (applicationIds.length === 0) return Promise.resolve([]);
    return db
      .selectFrom('steps')
      .select(CLOCK_COLUMNS)
      .where('application_id', 'in', [...new Set(applicationIds)])
      .orderBy('id')
      .execute();
  },

  /** The clock's columns of every step of every open application (the supervisor's project board). */
  clockRowsOfOpenApplications(db: Db) {
    return db
      .selectFrom('steps')
      .select(CLOCK_COLUMNS)
      .where('application_id', 'in', (eb) =>
        eb.selectFrom('applications').select('id').where('status', 'in', OPEN_APPLICATION_STATUSES),
      )
      .orderBy('id')
      .execute();
  },

  listByApplication(db: Db, applicationId: string): Promise<StepRow[]> {
    return db.selectFrom('steps').selectAll().where('application_id', '=', applicationId).orderBy('id').execute();
  },

  /** The steps as planned at launch, with the terms of their catalog versions (the application workflow's input), in id order. */
  planned(db: Db, applicationId: string) {
    return db
      .selectFrom('steps')
      .select([
        'id',
        'matter_code',
        'matter_name',
        'department_code',
        'prerequisites',
        'promised_limit_days',
        'fee_amount_fen',
        'statutory_limit_days',
        'matter_version',
        'deemed_consent_policy',
      ])
      .where('application_id', '=', applicationId)
      .orderBy('id')
      .execute();
  },

  /** Open steps of one department, soonest deadline first (the acceptance deadline while not yet accepted). */
  inbox(db: Db, departmentCode: string, limit: number, offset: number): Promise<StepRow[]> {
    return stepsRepo.inboxQuery(db, departmentCode, limit, offset).execute();
  },

  /** The inbox's query, not run (the EXPLAIN test compiles it). */
  inboxQuery(db: Db, departmentCode: string, limit: number, offset: number) {
    return db
      .selectFrom('steps')
      .selectAll()
      .where('department_code', '=', departmentCode)
      .where('status', 'in', OPEN_STEP_STATUSES)
      .orderBy(sql`coalesce(deadline, acceptance_deadline)`, (ob) => ob.asc().nullsLast())
      .orderBy('id')
      .limit(limit)
      .offset(offset);
  },

  /** Open steps whose clocks depend on the calendar. */
  openSteps(db: Db): Promise<Array<Pick<StepRow, 'id' | 'application_id' | 'matter_code'>>> {
    return db
      .selectFrom('steps')
      .select(['id', 'application_id', 'matter_code'])
      .where('status', 'in', OPEN_STEP_STATUSES)
      .execute();
  },

  /** Yellow and red steps for the supervision board, the most urgent first. */
  board(db: Db, limit: number, offset: number): Promise<StepRow[]> {
    return stepsRepo.boardQuery(db, limit, offset).execute();
  },

  /** The board's query, not run (the EXPLAIN test compiles it). */
  boardQuery(db: Db, limit: number, offset: number) {
    return (
      db
        .selectFrom('steps')
        .selectAll()
        // A failed step needs a person as much as an overdue one does.
        .where((eb) => eb.or([eb('light', 'in', ['red', 'yellow']), eb('status', '=', 'failed')]))
        .orderBy(sql`status = 'failed'`, 'desc')
        .orderBy('light', 'asc') // 'red' < 'yellow'
        .orderBy(sql`coalesce(deadline, acceptance_deadline)`, (ob) => ob.asc().nullsLast())
        .limit(limit)
        .offset(offset)
    );
  },

  /** Applies a workflow report if it is newer than the row: a later attempt, or a later change of the same one. */
  async applyReport(db: Db, r: StepReport): Promise<void> {
    const s = r.snapshot;
    await db
      .updateTable('steps')
      .set({
        status: s.status,
        light: s.light,
        attempt: s.attempt,
        submitted_at: date(s.submittedAt),
        acceptance_deadline: date(s.acceptanceDeadline),
        accepted_at: date(s.acceptedAt),
        deemed_accepted: s.deemedAccepted,
        deadline: date(s.deadline),
        yellow_at: date(s.yellowAt),
        paused_workdays: s.pausedWorkdays,
        extension_days: s.extensionDays,
        extension: s.extension ? JSON.stringify(s.extension) : null,
        pause: s.pause ? JSON.stringify(s.pause) : null,
        special_procedures: JSON.stringify(s.specialProcedures ?? []),
        deemed_consent: s.deemedConsent ?? false,
        supplement_items: s.pause?.kind === 'supplement' ? JSON.stringify(s.pause.items) : null,
        decided_at: date(s.decidedAt),
        outcome: s.outcome,
        overdue: s.overdue,
        certificate_no: s.certificateNo,
        reason: s.reason,
        assignee_id: s.assignee?.id ?? null,
        assignee_name: s.assignee?.displayName ?? null,
        fee_amount_fen: s.feeAmountFen,
        fee_paid_at: date(s.feePaidAt),
        fee_receipt_no: s.feeReceiptNo,
        workdays_used: s.workdaysUsed,
        escalation_level: s.escalationLevel,
        last_urged_at: date(s.lastUrgedAt),
        seq: r.seq,
        updated_at: r.event.at,
      })
      .where('id', '=', r.stepId)
      .where((eb) =>
        eb.or([
          eb('attempt', '<', s.attempt),
          // A failed attempt stays failed: a report of its workflow still in flight changes nothing.
          eb.and([eb('attempt', '=', s.attempt), eb('seq', '<', r.seq), eb('status', '!=', 'failed')]),
        ]),
      )
      .execute();
  },

  /** Blocked steps of a withdrawn application: they never started, so nothing else will close them. */
  async cancelBlocked(db: Db, stepIds: string[], at: string): Promise<void> {
    if (stepIds.length === 0) return;
    await db
      .updateTable('steps')
      .set({ status: 'cancelled', light: 'none', updated_at: at })
      .where('id', 'in', stepIds)
      .where('status', '=', 'blocked')
      .execute();
  },

  /** Marks the given attempt of a step failed (its workflow ended without a decision); a later attempt is untouched. */
  async markFailed(db: Db, stepId: string, attempt: number, at: string): Promise<void> {
    await db
      .updateTable('steps')
      .set({ status: 'failed', light: 'none', updated_at: at })
      .where('id', '=', stepId)
      .where('attempt', '<=', attempt)
      .where('status', 'not in', ['approved', 'rejected', 'cancelled'])
      .execute();
  },

  /** A department's finished steps (已办: decided, cancelled or failed), the most recent first. */
  done(db: Db, departmentCode: string, limit: number, offset: number): Promise<StepRow[]> {
    return db
      .selectFrom('steps')
      .selectAll()
      .where('department_code', '=', departmentCode)
      .where('status', 'in', ['approved', 'rejected', 'cancelled', 'failed'])
      .orderBy(sql`coalesce(decided_at, updated_at)`, 'desc')
      .orderBy('id')
      .limit(limit)
      .offset(offset)
      .execute();
  },

  /** Fees paid in [from, to), in the order they were paid (the cashier's reconciliation). */
  feesPaid(db: Db, from: Date, to: Date): Promise<StepRow[]> {
    return db
      .selectFrom('steps')
      .selectAll()
      .where('fee_paid_at', '>=', from)
      .where('fee_paid_at', '<', to)
      .orderBy('fee_paid_at')
      .orderBy('id')
      .execute();
  },

  /** Steps with a catalog fee not yet paid, for the cashier. */
  feesDue(db: Db): Promise<StepRow[]> {
    return db
      .selectFrom('steps')
      .selectAll()
      .where('fee_amount_fen', '>', 0)
      .where('fee_paid_at', 'is', null)
      .where('status', 'not in', ['cancelled', 'rejected', 'blocked', 'failed'])
      .orderBy('submitted_at')
      .execute();
  },
};
