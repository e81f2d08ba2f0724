import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema';

/** A connection or a transaction: the caller owns the transaction (an admin write commits with its audit row). */
type Db = Kysely<Database> | Transaction<Database>;

export interface Department {
  code: string;
  name: string;
}

export const departmentsRepo = {
  list(db: Db): Promise<Department[]> {
    return db.selectFrom('departments').select(['code', 'name']).orderBy('code').execute();
  },
  find(db: Db, code: string): Promise<Department | undefined> {
    return db.selectFrom('departments').select(['code', 'name']).where('code', '=', code).executeTakeFirst();
  },
  async upsert(db: Db, d: Department): Promise<void> {
    await db
      .insertInto('departments')
      .values(d)
      .onConflict((oc) => oc.column('code').doUpdateSet({ name: d.name }))
      .execute();
  },
};
