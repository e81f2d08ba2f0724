// `npm run backup [-- --to DIR] [--keep N] [--stop]`: one consistent backup of an installation.
//
// What it takes (see README "Backups"): the application database (the PGlite directory under
// DATA_DIR, or PostgreSQL through pg_dump when DATABASE_URL is set), the Temporal dev server's
// SQLite file (DATA_DIR/temporal.sqlite, when `npm start` runs its own dev server) and the
// generated secrets (DATA_DIR/jwt-secret, DATA_DIR/payload-keys), into one directory
// DIR/backup-<UTC time>/ with a manifest.json (time, schema version, contents, SHA-256 of every
// file). DIR defaults to BACKUP_DIR, else ./backups; the oldest backups beyond --keep (7) are deleted.
//
// Consistency: PGlite and the dev server's SQLite file are copied at rest only, so the backup
// refuses while `npm start` holds DATA_DIR, unless --stop (it then stops that `npm start` with
// SIGTERM, which drains and exits, and does not start it again). With PostgreSQL and a Temporal
// cluster (no temporal.sqlite), only the application database is taken, online (pg_dump reads one
// snapshot); the cluster is backed up with its own tools afterwards (README: the order and why).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { Client } from 'pg';
import { openDatabase } from '../../db/database';
import { claimDataDir, dataDirHolder, devServersOn, processCommandLine, type DataDirClaim } from '../../lib/dev-server';
import {
  assertStopped,
  BackupError,
  childError,
  installationFromEnv,
  listFiles,
  MANIFEST,
  MANIFEST_FORMAT,
  PG_DUMP_FILE,
  PGLITE_DIR,
  run,
  runPgTool,
  SECRET_FILES,
  sha256File,
  TEMPORAL_FILE,
  toolMajorVersion,
  type Installation,
  type Manifest,
} from './common';

const BACKUP_NAME = /^backup-\d{8}T\d{6}\.\d{3}Z$/;

function parse() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        to: { type: 'string' },
        keep: { type: 'string', default: '7' },
        stop: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw new BackupError(`${(err as Error).message} (options: --to DIR, --keep N, --stop)`, 2);
  }
  const keep = Number(values.keep);
  if (!Number.isInteger(keep) || keep < 1)
    throw new BackupError(`--keep must be a whole number ≥ 1, got "${values.keep}"`, 2);
  const to = path.resolve(values.to ?? (process.env.BACKUP_DIR || './backups'));
  return { to, keep, stop: values.stop };
}

async function waitGone(pids: number[], ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (pids.some((p) => processCommandLine(p) !== undefined)) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/** Stops the `npm start` holding DATA_DIR (SIGTERM: it drains, stops its dev server, releases the claim). */
async function stopInstallation(inst: Installation): Promise<number | undefined> {
  const claim = dataDirHolder(inst.dataDir);
  if (claim?.by !== 'npm start') return undefined;
  const holder = claim.pid;
  console.log(`backup: stopping npm start (pid ${holder}) on ${inst.dataDir}`);
  process.kill(holder, 'SIGTERM');
  if (!(await waitGone([holder], 60_000)))
    throw new BackupError(`npm start (pid ${holder}) did not stop within 60 s; nothing was backed up`);
  // Its dev server follows it (parent-death signal); wait for the SQLite file to be closed.
  if (!(await waitGone(devServersOn(inst.dataDir), 15_000)))
    throw new BackupError('the Temporal dev server did not stop within 15 s; nothing was backed up');
  return holder;
}

async function lastMigration(query: () => Promise<string | undefined>): Promise<string> {
  let name: string | undefined;
  try {
    name = await query();
  } catch (err) {
    throw new BackupError(`cannot read the schema version (kysely_migration): ${childError(err)}`);
  }
  if (!name) throw new BackupError('the application database has no migration applied: nothing to back up');
  return name;
}

async function backupPglite(inst: Installation, target: string): Promise<Manifest['database'] & { schema: string }> {
  const source = path.join(inst.dataDir, PGLITE_DIR);
  if (!fs.existsSync(path.join(source, 'PG_VERSION')))
    throw new BackupError(`no embedded database at ${source} (is DATA_DIR right, or is DATABASE_URL missing?)`);
  // Opened and closed cleanly first: the copy is then a shut-down data directory.
  const handle = await openDatabase({ dataDir: inst.dataDir });
  let schema: string;
  try {
    schema = await lastMigration(async () => {
      const r = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(
        handle.db,
      );
      return r.rows[0]?.name;
    });
  } finally {
    await handle.close();
  }
  fs.cpSync(source, path.join(target, PGLITE_DIR), { recursive: true });
  return { kind: 'pglite', dir: PGLITE_DIR, schema };
}

async function backupPostgres(databaseUrl: string, target: string): Promise<Manifest['database'] & { schema: string }> {
  const client = new Client({ connectionString: databaseUrl });
  let serverVersion: string;
  let schema: string;
  try {
    await client.connect();
    serverVersion = (await client.query<{ v: string }>('show server_version')).rows[0]!.v;
    schema = await lastMigration(
      async () =>
        (await client.query<{ name: string }>('select name from kysely_migration order by name desc limit 1')).rows[0]
          ?.name,
    );
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`cannot connect to DATABASE_URL: ${childError(err)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const serverMajor = Number(/^\d+/.exec(serverVersion)?.[0]);
  const dumpMajor = await toolMajorVersion('pg_dump');
  if (dumpMajor === undefined)
    throw new BackupError('pg_dump is not installed (Debian: apt-get install postgresql-client)');
  if (dumpMajor < serverMajor)
    throw new BackupError(
      `pg_dump ${dumpMajor} cannot dump a PostgreSQL ${serverVersion} server; install postgresql-client-${serverMajor}`,
    );
  try {
    // One snapshot of the whole database, online; the custom format restores with pg_restore.
    await runPgTool('pg_dump', databaseUrl, [
      '--format=custom',
      '--no-owner',
      `--file=${path.join(target, PG_DUMP_FILE)}`,
    ]);
  } catch (err) {
    throw new BackupError(`pg_dump failed: ${childError(err)}`);
  }
  return { kind: 'postgres', file: PG_DUMP_FILE, serverVersion, schema };
}

function applyRetention(dir: string, keep: number): string[] {
  const backups = fs
    .readdirSync(dir)
    .filter((n) => BACKUP_NAME.test(n) && fs.existsSync(path.join(dir, n, MANIFEST)))
    .sort();
  const old = backups.slice(0, Math.max(0, backups.length - keep));
  for (const n of old) fs.rmSync(path.join(dir, n), { recursive: true, force: true });
  return old;
}

async function main(): Promise<void> {
  const { to, keep, stop } = parse();
  const inst = installationFromEnv();
  const temporalFile = path.join(inst.dataDir, TEMPORAL_FILE);
  const hasDevServerState = fs.existsSync(temporalFile);
  // PGlite and the dev server's SQLite file are files of a running process: only at rest.
  const atRest = !inst.databaseUrl || hasDevServerState;
  let stopped: number | undefined;
  let claim: DataDirClaim | undefined;
  if (atRest) {
    if (stop) stopped = await stopInstallation(inst);
    assertStopped(inst, 'backup');
    // Held while copying: an `npm start` (or a restore) meanwhile refuses instead of writing under us.
    claim = await claimDataDir(inst.dataDir, 0, 'npm run backup');
  }

  const createdAt = new Date();
  const name = `backup-${createdAt.toISOString().replace(/[-:]/g, '')}`;
  fs.mkdirSync(to, { recursive: true });
  const partial = path.join(to, `${name}.partial`);
  const final = path.join(to, name);
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial);
  try {
    // The application database first, then Temporal (README "Backups": why this order).
    const { schema, ...database } = inst.databaseUrl
      ? await backupPostgres(inst.databaseUrl, partial)
      : await backupPglite(inst, partial);
    let temporal: Manifest['temporal'] = null;
    if (hasDevServerState) {
      fs.copyFileSync(temporalFile, path.join(partial, TEMPORAL_FILE));
      // A journal or WAL left by an unclean stop belongs to the file (SQLite recovers from it on open).
      for (const suffix of ['-journal', '-wal'])
        if (fs.existsSync(temporalFile + suffix))
          fs.copyFileSync(temporalFile + suffix, path.join(partial, TEMPORAL_FILE + suffix));
      temporal = { file: TEMPORAL_FILE };
    }
    const secrets: string[] = [];
    for (const s of SECRET_FILES) {
      const file = path.join(inst.dataDir, s);
      if (!fs.existsSync(file)) continue;
      fs.copyFileSync(file, path.join(partial, s));
      fs.chmodSync(path.join(partial, s), 0o600);
      secrets.push(s);
    }
    const secretsFromEnvironment = ['JWT_SECRET', 'PAYLOAD_KEYS'].filter((v) => process.env[v]);

    const files = [];
    for (const rel of listFiles(partial)) {
      const abs = path.join(partial, rel);
      files.push({ path: rel, bytes: fs.statSync(abs).size, sha256: await sha256File(abs) });
    }
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      createdAt: createdAt.toISOString(),
      schemaVersion: schema,
      database,
      temporal,
      secrets,
      secretsFromEnvironment,
      files,
    };
    fs.writeFileSync(path.join(partial, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    // Complete only once renamed: a backup cut short stays `.partial` and is never restored or counted.
    fs.renameSync(partial, final);
    const bytes = files.reduce((n, f) => n + f.bytes, 0);
    console.log(`backup: ${final}`);
    console.log(
      `  schema ${schema}; database ${database.kind}; Temporal ${temporal ? 'dev server state' : 'not included (a cluster: back it up with its own tools, after this)'}; secrets ${secrets.join(', ') || 'none'}`,
    );
    console.log(`  ${files.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB`);
    if (secretsFromEnvironment.length)
      console.log(`  ${secretsFromEnvironment.join(' and ')} come from the environment: keep them in the secret store`);
    for (const old of applyRetention(to, keep)) console.log(`  removed ${old} (keeping the newest ${keep})`);
    if (stopped !== undefined) console.log(`  npm start (pid ${stopped}) was stopped: start it again with npm start`);
  } catch (err) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw err;
  } finally {
    claim?.release();
  }
}

run('backup', main);
