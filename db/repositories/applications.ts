import { sql, type Kysely, type Transaction } from 'kysely';
import { beijingYear, formatCaseNo } from '../../domain/case-number';
import type { ApplicationStatus, StepStatus } from '../../domain/model';
import type { ApplicationReport } from '../../domain/projection';
import type { ApplicationRow, Database, InvestorInfo, ProjectInfo } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewApplicationStep {
  id: string;
  matterCode: string;
  matterName: string;
  departmentCode: string;
  prerequisites: string[];
  promisedLimitDays: number;
  feeAmountFen: number | null;
  /** The catalog version the step is planned on, and what it takes from it beside the promised limit and fee. */
  matterVersion?: number | null;
  statutoryLimitDays?: number | null;
  deemedConsent?: boolean;
  status: StepStatus;
  submittedAt: Date | null;
}

export interface NewApplication {
  id: string;
  caseNo: string;
  queryPassword: string;
  officerId: string;
  project: ProjectInfo;
  investor: InvestorInfo;
  createdAt: Date;
  /** The whole-project target in working days (PROJECT_TARGET_WORKDAYS at launch); the column's default when absent. */
  targetWorkdays?: number;
  steps: NewApplicationStep[];
}

/**
 * What the search matches in, as the one expression the trigram index serves (migration 0050; keep
 * them equal, or the index goes unused). The separator keeps a match from spanning two fields.
 */
const applicationSearchText = sql<string>`(id || E'\\x1f' || coalesce(case_no, '') || E'\\x1f' || coalesce(project->>'name', '') || E'\\x1f' ||
      coalesce(project->>'code', '') || E'\\x1f' || coalesce(investor->>'name', ''))`;

/** How far a search counts its matches (the list then says "more than 1,000"). */
export const SEARCH_COUNT_CAP = 1000;

export const applicationsRepo = {
  /** Case numbers read JA + Shanghai date + serial, e.g. JA2026112900042. */
  async nextId(db: Db, now: Date): Promise<string> {
    const { rows } = await sql<{ n: number }>`select nextval('application_number_seq')::int as n`.execute(db);
    const day = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
    return `JA${day}${String(rows[0]!.n).padStart(5, '0')}`;
  },

  /**
   * The next case number of the Beijing year of `now`, taken inside the launch transaction: the
   * counter row stays locked until it commits, so concurrent launches get consecutive numbers and
   * a rolled-back launch gives its number back rather than leaving a hole.
   */
  async nextCaseNo(db: Db, now: Date): Promise<string> {
    const year = beijingYear(now);
    const row = await db
      .insertInto('case_number_counters')
      .values({ year, last_serial: 1 })
      .onConflict((oc) => oc.column('year').doUpdateSet({ last_serial: sql`case_number_counters.last_serial + 1` }))
      .returning('last_serial')
      .executeTakeFirstOrThrow();
    return formatCaseNo(year, row.last_serial);
  },

  findByCaseNo(db: Db, caseNo: string): Promise<ApplicationRow | undefined> {
    return db.selectFrom('applications').selectAll().where('case_no', '=', caseNo).executeTakeFirst();
  },

  /**
   * Inserts the application and its steps, its workflow not yet started (see `markWorkflowStarted`);
   * a second insert of the same id changes nothing.
   */
  async insert(db: Db, a: NewApplication): Promise<void> {
    await db
      .insertInto('applications')
      .values({
        id: a.id,
        case_no: a.caseNo,
        query_password: a.queryPassword,
        status: 'in_progress',
        project: JSON.stringify(a.project),
        investor: JSON.stringify(a.investor),
        officer_id: a.officerId,
        workflow_started_at: null,
        created_at: a.createdAt,
        updated_at: a.createdAt,
        ...(a.targetWorkdays !== undefined ? { target_workdays: a.targetWorkdays } : {}),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    if (a.steps.length === 0) return;
    await db
      .insertInto('steps')
      .values(
        a.steps.map((s) => ({
          id: s.id,
          application_id: a.id,
          matter_code: s.matterCode,
          matter_name: s.matterName,
          promised_limit_days: s.promisedLimitDays,
          fee_amount_fen: s.feeAmountFen,
          // Left out when not given (the column's default), so older schemas take the same insert.
          matter_version: s.matterVersion,
          statutory_limit_days: s.statutoryLimitDays,
          deemed_consent_policy: s.deemedConsent,
          department_code: s.departmentCode,
          prerequisites: JSON.stringify(s.prerequisites),
          status: s.status,
          light: s.status === 'submitted' ? ('green' as const) : ('none' as const),
          submitted_at: s.submittedAt,
          updated_at: a.createdAt,
        })),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  },

  /** Project and investor of these applications, by id (what a list row names). */
  async namesOf(
    db: Db,
    ids: readonly string[],
  ): Promise<Map<string, { caseNo: string; project: ProjectInfo; investor: InvestorInfo; officerId: string }>> {
    if (ids.length === 0) return new Map();
    const rows = await db
      .selectFrom('applications')
      .select(['id', 'case_no', 'project', 'investor', 'officer_id'])
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return new Map(
      rows.map((r) => [r.id, { caseNo: r.case_no, project: r.project, investor: r.investor, officerId: r.officer_id }]),
    );
  },

  /** Every application whose project clock still runs (in progress or needing attention), with what its board row shows. */
  listOpenForClock(db: Db) {
    return db
      .selectFrom('applications')
      .select(['id', 'case_no', 'status', 'project', 'investor', 'created_at', 'updated_at', 'target_workdays'])
      .where('status', 'in', ['in_progress', 'needs_attention'])
      .execute();
  },

  find(db: Db, id: string): Promise<ApplicationRow | undefined> {
    return db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** Records that the application's workflow runs (or ran); the first record wins. */
  async markWorkflowStarted(db: Db, id: string, at: Date): Promise<void> {
    await db
      .updateTable('applications')
      .set({ workflow_started_at: at })
      .where('id', '=', id)
      .where('workflow_started_at', 'is', null)
      .execute();
  },

  /** Applications committed before `before` whose workflow is not known to be started, oldest first. */
  async listNotStarted(db: Db, before: Date, limit: number): Promise<string[]> {
    const rows = await db
      .selectFrom('applications')
      .select('id')
      .where('workflow_started_at', 'is', null)
      .where('created_at', '<', before)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  },

  async list(
    db: Db,
    filter: { status?: ApplicationStatus; q?: string; officerId?: string; limit: number; offset: number },
  ): Promise<{ items: ApplicationRow[]; total: number; totalCapped?: true }> {
    let query = db.selectFrom('applications');
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.officerId) query = query.where('officer_id', '=', filter.officerId);
    if (filter.q) {
      const like = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => eb(applicationSearchText, 'ilike', like));
    }
    // A search counts its matches up to SEARCH_COUNT_CAP: a broad one ('光伏') would otherwise test
    // every application for the count alone. Past the cap the answer says "more than".
    const counted = filter.q
      ? db
          .selectFrom(
            query
              .select(sql.lit(1).as('one'))
              .limit(SEARCH_COUNT_CAP + 1)
              .as('matches'),
          )
          .select(sql<number>`count(*)`.as('n'))
      : query.select(sql<number>`count(*)`.as('n'));
    const [items, count] = await Promise.all([
      query
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filter.limit)
        .offset(filter.offset)
        .execute(),
      counted.executeTakeFirstOrThrow(),
    ]);
    const total = Number(count.n);
    return total > SEARCH_COUNT_CAP ? { items, total: SEARCH_COUNT_CAP, totalCapped: true } : { items, total };
  },

  /** Applies a workflow report if it is newer than what the row holds. */
  async applyReport(db: Db, r: ApplicationReport): Promise<void> {
    await db
      .updateTable('applications')
      .set({ status: r.status, seq: r.seq, updated_at: r.event.at })
      .where('id', '=', r.applicationId)
      .where('seq', '<', r.seq)
      .execute();
  },
};
