import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema';

export const healthRepo = {
  /** Resolves once the database answers a trivial query. */
  async ping(db: Kysely<Database>): Promise<void> {
    await sql`select 1`.execute(db);
  },
};
