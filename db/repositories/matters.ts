import type { Kysely, Transaction } from 'kysely';
import type { CaseType } from '../../domain/model';
import type { Database, MatterRow, MatterVersionRow } from '../schema';

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
  /**
   * Deemed consent (超时默许): the matter is a co-review opinion whose step, not answered by its
   * deadline, is recorded as consent (approved as deemed) instead of turning red.
   */
  deemedConsent: boolean;
}

/** One version of a matter: its fields as they were from `effectiveFrom` until the next version. */
export interface MatterVersion extends Matter {
  version: number;
  /** When the version took effect: steps planned from then on run on it. */
  effectiveFrom: string;
}

/** A version in the catalog's history, with who made it. */
export interface MatterHistoryEntry extends MatterVersion {
  /** The admin who saved it; null for a version carried over from before versions. */
  createdBy: { id: string; displayName: string } | null;
}

type MatterFields = Omit<MatterRow, 'code' | 'updated_at' | 'version' | 'effective_from'>;

function fields(r: MatterFields & { deemed_consent: boolean }): Omit<Matter, 'code'> {
  return {
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
    deemedConsent: r.deemed_consent,
  };
}

export function toMatter(r: MatterRow): MatterVersion {
  return { code: r.code, ...fields(r), version: r.version, effectiveFrom: r.effective_from.toISOString() };
}

export function toMatterVersion(r: MatterVersionRow): MatterHistoryEntry {
  return {
    code: r.matter_code,
    ...fields(r),
    version: r.version,
    effectiveFrom: r.effective_from.toISOString(),
    createdBy: r.created_by ? { id: r.created_by, displayName: r.created_by_name ?? '' } : null,
  };
}

/** The columns of a matter's fields, as both tables hold them. */
const columns = (m: Matter) => ({
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
  deemed_consent: m.deemedConsent,
});

/** The fields a version is made of, comparable: a save that changes none of them makes no version. */
const comparable = (m: Matter) => JSON.stringify({ ...columns(m), code: m.code });

/** Another admin saved a new version since the caller read it (If-Match), or created the matter meanwhile. */
export class MatterChangedError extends Error {
  constructor(readonly current: number | null) {
    super('the matter has changed since it was read');
  }
}

export const mattersRepo = {
  /** The current version of every matter, by stage and code. */
  async list(db: Db): Promise<MatterVersion[]> {
    const rows = await db.selectFrom('matters').selectAll().orderBy('stage').orderBy('code').execute();
    return rows.map(toMatter);
  },
  /** The current version of a matter. */
  async find(db: Db, code: string): Promise<MatterVersion | undefined> {
    const row = await db.selectFrom('matters').selectAll().where('code', '=', code).executeTakeFirst();
    return row && toMatter(row);
  },
  /** Every version of a matter, newest first. */
  async versions(db: Db, code: string): Promise<MatterHistoryEntry[]> {
    const rows = await db
      .selectFrom('matter_versions')
      .selectAll()
      .where('matter_code', '=', code)
      .orderBy('version', 'desc')
      .execute();
    return rows.map(toMatterVersion);
  },
  /** One version of a matter. */
  async findVersion(db: Db, code: string, version: number): Promise<MatterHistoryEntry | undefined> {
    const row = await db
      .selectFrom('matter_versions')
      .selectAll()
      .where('matter_code', '=', code)
      .where('version', '=', version)
      .executeTakeFirst();
    return row && toMatterVersion(row);
  },

  /**
   * Saves a matter as a new version effective from `at`, in the caller's transaction: the current
   * row is locked, so concurrent saves of one matter are numbered one after the other. A save that
   * changes nothing answers the current version (`created: false`). With `expectedVersion` (the
   * version the caller read), a matter saved by someone else meanwhile is refused with
   * MatterChangedError; so is the creation of a matter another request has just created.
   */
  async saveVersion(
    trx: Transaction<Database>,
    m: Matter,
    options: { at: Date; by: { id: string; displayName: string } | null; expectedVersion?: number },
  ): Promise<{ matter: MatterVersion; created: boolean }> {
    const current = await trx
      .selectFrom('matters')
      .selectAll()
      .where('code', '=', m.code)
      .forUpdate()
      .executeTakeFirst();
    if (options.expectedVersion !== undefined && (current?.version ?? 0) !== options.expectedVersion) {
      throw new MatterChangedError(current?.version ?? null);
    }
    if (current && comparable(toMatter(current)) === comparable(m))
      return { matter: toMatter(current), created: false };
    const version = (current?.version ?? 0) + 1;
    const values = { ...columns(m), version, effective_from: options.at, updated_at: options.at };
    if (current) {
      await trx.updateTable('matters').set(values).where('code', '=', m.code).execute();
    } else {
      // Two creations of one code at once: the one that comes second inserts nothing and is refused.
      const inserted = await trx
        .insertInto('matters')
        .values({ code: m.code, ...values })
        .onConflict((oc) => oc.column('code').doNothing())
        .returning('code')
        .executeTakeFirst();
      if (!inserted) throw new MatterChangedError(null);
    }
    await trx
      .insertInto('matter_versions')
      .values({
        matter_code: m.code,
        ...columns(m),
        version,
        effective_from: options.at,
        created_by: options.by?.id ?? null,
        created_by_name: options.by?.displayName ?? null,
      })
      .execute();
    return { matter: { ...m, version, effectiveFrom: options.at.toISOString() }, created: true };
  },
};
