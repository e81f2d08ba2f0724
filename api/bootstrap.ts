// Data every start needs: migrations, the initial admin, the demo seed when asked for.
import type { Kysely } from 'kysely';
import { migrateToLatest } from '../db/database';
import type { Database } from '../db/schema';
import { ensureAdmin, seedDemo } from '../db/seed';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';

export async function prepareDatabase(db: Kysely<Database>, config: Config, log: Logger): Promise<void> {
  await migrateToLatest(db);
  if (config.adminPassword && (await ensureAdmin(db, config.adminUsername, config.adminPassword))) {
    log.info({ username: config.adminUsername }, 'initial admin created');
  }
  if (config.demoSeed) await seedDemo(db, config.adminUsername);
}
