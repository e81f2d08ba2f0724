// `npm run migrate`: applies pending migrations (PostgreSQL with DATABASE_URL, else the embedded database).
import { loadConfig } from '../lib/config';
import { migrateToLatest, openDatabase } from './database';

async function main(): Promise<void> {
  const config = loadConfig();
  const handle = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const { results } = await migrateToLatest(handle.db);
    for (const r of results ?? []) console.log(`${r.status}: ${r.migrationName}`);
    console.log(`database (${handle.kind}) is at the latest migration`);
  } finally {
    await handle.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
