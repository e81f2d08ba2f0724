// `npm run restore -- <backup directory> [--force]`: puts a backup made by `npm run backup` back
// onto a stopped installation (DATA_DIR, and DATABASE_URL when the backup is of PostgreSQL).
//
// Before touching anything it checks, and refuses with one line: that nothing runs on DATA_DIR,
// that the backup's schema (its last migration) is one this code knows (a backup made by a newer
// release is refused), and every file's SHA-256 against the manifest. Existing data is replaced
// only with --force: files of DATA_DIR are moved aside into DATA_DIR/replaced-<time>/, a
// PostgreSQL database is cleaned by pg_restore in the same transaction that restores it.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { claimDataDir } from '../../lib/dev-server';
import {
  assertStopped,
  BackupError,
  childError,
  installationFromEnv,
  knownMigrations,
  MANIFEST,
  MANIFEST_FORMAT,
  PGLITE_DIR,
  run,
  runPgTool,
  sha256File,
  TEMPORAL_FILE,
  toolMajorVersion,
  type Installation,
  type Manifest,
} from './common';

function parse() {
  let parsed;
  try {
    parsed = parseArgs({ options: { force: { type: 'boolean', default: false } }, allowPositionals: true });
  } catch (err) {
    throw new BackupError(`${(err as Error).message} (usage: npm run restore -- <backup directory> [--force])`, 2);
  }
  if (parsed.positionals.length !== 1)
    throw new BackupError('name one backup directory (usage: npm run restore -- <backup directory> [--force])', 2);
  return { from: path.resolve(parsed.positionals[0]!), force: parsed.values.force };
}

function readManifest(from: string): Manifest {
  const file = path.join(from, MANIFEST);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
  } catch (err) {
    throw new BackupError(`${file} is missing or unreadable (${(err as Error).message}): not a complete backup`);
  }
  if (manifest.format !== MANIFEST_FORMAT || !Array.isArray(manifest.files) || !manifest.database)
    throw new BackupError(`${file} is not a manifest of format ${MANIFEST_FORMAT}`);
  return manifest;
}

/** The schema check of "Bad input": a backup made by a newer release is never restored onto older code. */
export function checkSchema(schemaVersion: string, known: string[]): void {
  if (known.includes(schemaVersion)) return;
  const last = known[known.length - 1];
  if (typeof schemaVersion === 'string' && last !== undefined && schemaVersion > last)
    throw new BackupError(
      `the backup's schema (migration ${schemaVersion}) is newer than this code's (last migration ${last}): ` +
        'restore it with the release that made it, or a later one; nothing was restored',
    );
  throw new BackupError(
    `the backup's schema (migration ${String(schemaVersion)}) is not one of this code's migrations (last ${last}): ` +
      'it was made by another branch or release; nothing was restored',
  );
}

async function verifyChecksums(from: string, manifest: Manifest): Promise<void> {
  for (const f of manifest.files) {
    const abs = path.join(from, ...f.path.split('/'));
    if (path.relative(from, abs).startsWith('..'))
      throw new BackupError(`the manifest names a file outside the backup: ${f.path}`);
    if (!fs.existsSync(abs)) throw new BackupError(`${f.path} is missing from the backup; nothing was restored`);
    const sha = await sha256File(abs);
    if (sha !== f.sha256 || fs.statSync(abs).size !== f.bytes)
      throw new BackupError(`checksum mismatch on ${f.path}: the backup is damaged; nothing was restored`);
  }
}

async function postgresTables(databaseUrl: string): Promise<{ tables: number; serverMajor: number }> {
  const client = new Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const tables = (
      await client.query<{ n: number }>(
        "select count(*)::int as n from information_schema.tables where table_schema = 'public'",
      )
    ).rows[0]!.n;
    const v = (await client.query<{ v: string }>('show server_version')).rows[0]!.v;
    return { tables, serverMajor: Number(/^\d+/.exec(v)?.[0]) };
  } catch (err) {
    throw new BackupError(`cannot connect to DATABASE_URL: ${childError(err)}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const { from, force } = parse();
  const inst = installationFromEnv();
  assertStopped(inst, 'restore');
  const manifest = readManifest(from);
  checkSchema(manifest.schemaVersion, knownMigrations());
  await verifyChecksums(from, manifest);

  const db = manifest.database;
  if (db.kind === 'pglite' && inst.databaseUrl)
    throw new BackupError(
      'the backup holds an embedded (PGlite) database, but DATABASE_URL is set: unset it to restore',
    );
  if (db.kind === 'postgres' && !inst.databaseUrl)
    throw new BackupError(
      'the backup holds a PostgreSQL dump: set DATABASE_URL to the (empty) database to restore into',
    );

  // What the restore would replace.
  const inDataDir = [
    ...(db.kind === 'pglite' ? [PGLITE_DIR] : []),
    ...(manifest.temporal ? ['', '-journal', '-wal', '-shm'].map((x) => TEMPORAL_FILE + x) : []),
    ...manifest.secrets,
  ].filter((n) => fs.existsSync(path.join(inst.dataDir, n)));
  let pg: { tables: number; serverMajor: number } | undefined;
  if (db.kind === 'postgres') {
    pg = await postgresTables(inst.databaseUrl!);
    const restoreMajor = await toolMajorVersion('pg_restore');
    if (restoreMajor === undefined)
      throw new BackupError('pg_restore is not installed (Debian: apt-get install postgresql-client)');
    if (restoreMajor < pg.serverMajor)
      throw new BackupError(`pg_restore ${restoreMajor} is older than the PostgreSQL ${pg.serverMajor} server`);
  }
  const existing = [
    ...inDataDir.map((n) => path.join(inst.dataDir, n)),
    ...(pg?.tables ? ['the database of DATABASE_URL'] : []),
  ];
  if (existing.length > 0 && !force)
    throw new BackupError(`the target already holds data (${existing.join(', ')}): pass --force to replace it`);

  // Held while writing: an `npm start` meanwhile refuses instead of opening a half-restored DATA_DIR.
  const claim = await claimDataDir(inst.dataDir, 0, 'npm run restore');
  try {
    await put(from, manifest, inst, inDataDir, pg?.tables ?? 0);
  } finally {
    claim.release();
  }
  report(from, manifest, inst);
}

async function put(from: string, manifest: Manifest, inst: Installation, inDataDir: string[], tables: number) {
  const db = manifest.database;
  if (inDataDir.length > 0) {
    const aside = path.join(inst.dataDir, `replaced-${new Date().toISOString().replace(/[-:]/g, '')}`);
    fs.mkdirSync(aside);
    for (const n of inDataDir) fs.renameSync(path.join(inst.dataDir, n), path.join(aside, n));
    console.log(`restore: the replaced files are in ${aside}`);
  }

  // The same order as the backup: the application database, then Temporal, then the secrets.
  if (db.kind === 'pglite') {
    fs.cpSync(path.join(from, db.dir), path.join(inst.dataDir, PGLITE_DIR), { recursive: true });
  } else {
    const args = ['--no-owner', '--exit-on-error', '--single-transaction'];
    if (tables) args.push('--clean', '--if-exists');
    try {
      await runPgTool('pg_restore', inst.databaseUrl!, [...args, path.join(from, db.file)]);
    } catch (err) {
      throw new BackupError(`pg_restore failed (the database is unchanged): ${childError(err)}`);
    }
  }
  if (manifest.temporal) {
    fs.copyFileSync(path.join(from, manifest.temporal.file), path.join(inst.dataDir, TEMPORAL_FILE));
    for (const suffix of ['-journal', '-wal']) {
      const extra = path.join(from, manifest.temporal.file + suffix);
      if (fs.existsSync(extra)) fs.copyFileSync(extra, path.join(inst.dataDir, TEMPORAL_FILE + suffix));
    }
  }
  for (const s of manifest.secrets) {
    fs.copyFileSync(path.join(from, s), path.join(inst.dataDir, s));
    fs.chmodSync(path.join(inst.dataDir, s), 0o600);
  }
}

function report(from: string, manifest: Manifest, inst: Installation) {
  const db = manifest.database;
  const pending = knownMigrations().filter((m) => m > manifest.schemaVersion).length;
  console.log(`restore: ${from} (made ${manifest.createdAt}, schema ${manifest.schemaVersion}) → ${inst.dataDir}`);
  console.log(
    `  ${db.kind === 'pglite' ? 'embedded database' : 'PostgreSQL database'}${manifest.temporal ? ', Temporal dev server state' : ''}` +
      `${manifest.secrets.length ? `, ${manifest.secrets.join(', ')}` : ''}; start it with npm start` +
      (pending ? ` (${pending} newer migration(s) run at start)` : ''),
  );
  if (!manifest.temporal)
    console.log('  Temporal was not in this backup: restore the cluster from its own backup taken after this one');
  if (manifest.secretsFromEnvironment.length)
    console.log(`  ${manifest.secretsFromEnvironment.join(' and ')} came from the environment: set them as before`);
}

run('restore', main);
