import type { Kysely, Transaction } from 'kysely';
import type { AccountabilityMeasure } from '../../domain/accountability';
import type { AccountabilityRow, Database } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewAccountability {
  caseId: string;
  departmentCode: string;
  person: { id: string; displayName: string } | null;
  what: string;
  measure: AccountabilityMeasure;
  decision: string;
  recordedBy: { id: string; displayName: string };
}

/** An accountability record with what its case is about (matter, project, complaint). */
export type AccountabilityListRow = AccountabilityRow & {
  step_id: string | null;
  application_id: string | null;
  complaint_id: string | null;
  level: number;
  matter_name: string | null;
};

export const accountabilityRepo = {
  insert(db: Db, r: NewAccountability): Promise<AccountabilityRow> {
    return db
      .insertInto('accountability_records')
      .values({
        case_id: r.caseId,
        department_code: r.departmentCode,
        person_id: r.person?.id ?? null,
        person_name: r.person?.displayName ?? null,
        what: r.what,
        measure: r.measure,
        decision: r.decision,
        recorded_by: r.recordedBy.id,
        recorded_by_name: r.recordedBy.displayName,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  },

  /** The records of a period (Asia/Shanghai instants), newest first, optionally of one department. */
  list(
    db: Db,
    f: { from?: Date; to?: Date; departmentCode?: string; caseId?: string; limit: number; offset: number },
  ): Promise<AccountabilityListRow[]> {
    let q = db
      .selectFrom('accountability_records as a')
      .innerJoin('supervision_cases as c', 'c.id', 'a.case_id')
      .leftJoin('steps as s', 's.id', 'c.step_id')
      .selectAll('a')
      .select(['c.step_id', 'c.application_id', 'c.complaint_id', 'c.level', 's.matter_name']);
    if (f.from) q = q.where('a.recorded_at', '>=', f.from);
    if (f.to) q = q.where('a.recorded_at', '<', f.to);
    if (f.departmentCode) q = q.where('a.department_code', '=', f.departmentCode);
    if (f.caseId) q = q.where('a.case_id', '=', f.caseId);
    return q.orderBy('a.recorded_at', 'desc').orderBy('a.id', 'desc').limit(f.limit).offset(f.offset).execute();
  },
};
