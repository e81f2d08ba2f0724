import type { Kysely } from 'kysely';
import type { Database } from '../schema';

export interface Department {
  code: string;
  name: string;
}

export const departmentsRepo = {
  list(db: Kysely<Database>): Promise<Department[]> {
    return db.selectFrom('departments').select(['code', 'name']).orderBy('code').execute();
  },
  find(db: Kysely<Database>, code: string): Promise<Department | undefined> {
    return db.selectFrom('departments').select(['code', 'name']).where('code', '=', code).executeTakeFirst();
  },
  async upsert(db: Kysely<Database>, d: Department): Promise<void> {
    await db
      .insertInto('departments')
      .values(d)
      .onConflict((oc) => oc.column('code').doUpdateSet({ name: d.name }))
      .execute();
  },
};
