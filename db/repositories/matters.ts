import type { Kysely, Transaction } from 'kysely';
import type { CaseType } from '../../domain/model';
import type { Database, MatterRow } from '../schema';

/** A connection or a transaction: the caller owns the transaction (an admin write commits with its audit row). */
type Db = Kysely<Database> | Transaction<Database>;

/** A matter of the catalog as the service guide publishes it (the five publics, 五公开). */
export interface Matter {
  code: string;
  name: string;
  departmentCode: string;
  caseType: CaseType;
  legalBasis: string;
  conditions: string;
  procedure: string;
  materials: string[];
  statutoryLimitDays: number;
  promisedLimitDays: number;
  fee: { amountFen: number; basis: string } | null;
  prerequisites: string[];
  stage: number;
}

export function toMatter(r: MatterRow): Matter {
  return {
    code: r.code,
    name: r.name,
    departmentCode: r.department_code,
    caseType: r.case_type,
    legalBasis: r.legal_basis,
    conditions: r.conditions,
    procedure: r.procedure,
    materials: r.materials,
    statutoryLimitDays: r.statutory_limit_days,
    promisedLimitDays: r.promised_limit_days,
    fee: r.fee_amount_fen === null ? null : { amountFen: r.fee_amount_fen, basis: r.fee_basis ?? '' },
    prerequisites: r.prerequisites,
    stage: r.stage,
  };
}

export const mattersRepo = {
  async list(db: Db): Promise<Matter[]> {
    const rows = await db.selectFrom('matters').selectAll().orderBy('stage').orderBy('code').execute();
    return rows.map(toMatter);
  },
  async find(db: Db, code: string): Promise<Matter | undefined> {
    const row = await db.selectFrom('matters').selectAll().where('code', '=', code).executeTakeFirst();
    return row && toMatter(row);
  },
  async upsert(db: Db, m: Matter): Promise<void> {
    const values = {
      name: m.name,
      department_code: m.departmentCode,
      case_type: m.caseType,
      legal_basis: m.legalBasis,
      conditions: m.conditions,
      procedure: m.procedure,
      materials: JSON.stringify(m.materials),
      statutory_limit_days: m.statutoryLimitDays,
      promised_limit_days: m.promisedLimitDays,
      fee_amount_fen: m.fee?.amountFen ?? null,
      fee_basis: m.fee?.basis ?? null,
      prerequisites: JSON.stringify(m.prerequisites),
      stage: m.stage,
      updated_at: new Date(),
    };
    await db
      .insertInto('matters')
      .values({ code: m.code, ...values })
      .onConflict((oc) => oc.column('code').doUpdateSet(values))
      .execute();
  },
};
