// The database handle: PostgreSQL through `pg` when DATABASE_URL is set, otherwise an
// embedded PGlite under DATA_DIR (single process: API and worker share it).
import path from 'node:path';
import { Kysely, Migrator, PostgresDialect, type MigrationResultSet } from 'kysely';
import { Pool, types } from 'pg';
import { migrations } from './migrations';
import type { Database } from './schema';

// int8 (counts, bigserial ids) as numbers: our values stay far below 2^53.
types.setTypeParser(types.builtins.INT8, (v) => Number(v));

/** Connections per process (API or worker) to PostgreSQL. */
export const DB_POOL_MAX = 10;

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export async function openDatabase(opts: {
  databaseUrl?: string;
  dataDir?: string;
  inMemory?: boolean;
}): Promise<DatabaseHandle> {
  if (opts.databaseUrl) {
    const pool = new Pool({ connectionString: opts.databaseUrl, max: DB_POOL_MAX });
    // A client that loses its server (PostgreSQL restarted) must not crash the process: idle ones
    // report to the pool, checked-out ones (between two queries of a transaction) to themselves.
    // The next query on it fails, the request answers 503, and the pool replaces the client.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  // Loaded lazily (CommonJS builds, one Kysely instance) so PostgreSQL deployments never touch it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PGlite } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PGliteDialect } = require('kysely-pglite-dialect') as typeof import('kysely-pglite-dialect');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as {
    pg_trgm: import('@electric-sql/pglite').Extension;
  };
  // pg_trgm serves the applications' search index (migration 0050), as on PostgreSQL.
  const options = { extensions: { pg_trgm } };
  const pglite = opts.inMemory
    ? new PGlite(options)
    : new PGlite(path.join(opts.dataDir ?? './.data', 'pglite'), options);
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}

export function migrator(db: Kysely<Database>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResultSet> {
  const result = await migrator(db).migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
