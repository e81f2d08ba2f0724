// What `npm run backup` and `npm run restore` share: the installation they act on, the manifest,
// checksums, and the checks that the installation is stopped.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { dataDirHolder, devServersOn, StartError } from '../../lib/dev-server';
import { migrations } from '../../db/migrations';

export const execFileAsync = promisify(execFile);

/** A refusal the operator can act on: printed as one line, exit code 1 (2 for a bad argument). */
export class BackupError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export const MANIFEST = 'manifest.json';
export const MANIFEST_FORMAT = 1;
/** Files of DATA_DIR that are part of an installation (besides the database). */
export const SECRET_FILES = ['jwt-secret', 'payload-keys'] as const;
export const TEMPORAL_FILE = 'temporal.sqlite';
export const PGLITE_DIR = 'pglite';
export const PG_DUMP_FILE = 'application.pgdump';

export interface ManifestFile {
  /** Path inside the backup directory, with forward slashes. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: number;
  createdAt: string;
  /** The last migration applied to the application database: its schema version. */
  schemaVersion: string;
  database: { kind: 'pglite'; dir: string } | { kind: 'postgres'; file: string; serverVersion: string };
  /** The Temporal dev server's state, or null when Temporal is a cluster backed up with its own tools. */
  temporal: { file: string } | null;
  secrets: string[];
  /** Generated secrets not in the backup because they come from the environment (keep them in the secret store). */
  secretsFromEnvironment: string[];
  files: ManifestFile[];
}

/** The installation named by the environment, as `npm start` reads it (lib/config.ts). */
export interface Installation {
  dataDir: string;
  databaseUrl: string | undefined;
}

export function installationFromEnv(env: NodeJS.ProcessEnv = process.env): Installation {
  return {
    dataDir: path.resolve(env.DATA_DIR || './.data'),
    databaseUrl: env.DATABASE_URL || undefined,
  };
}

/** Names of this code's migrations, in the order they run. */
export function knownMigrations(): string[] {
  return Object.keys(migrations).sort();
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every regular file under `dir`, relative, sorted. */
export function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/**
 * Refuses while the installation runs: an `npm start` holding DATA_DIR (its PGlite directory and
 * the dev server's SQLite file may only be copied at rest), or a dev server left on its file.
 */
export function assertStopped(inst: Installation, what: string): void {
  const holder = dataDirHolder(inst.dataDir);
  if (holder !== undefined)
    throw new BackupError(
      `${holder.by} (pid ${holder.pid}) is running on DATA_DIR ${inst.dataDir}; stop it first` +
        (what === 'backup' && holder.by === 'npm start' ? ' or pass --stop to have the backup stop it' : '') +
        ` (a ${what} needs the installation at rest)`,
    );
  const servers = devServersOn(inst.dataDir);
  if (servers.length > 0)
    throw new BackupError(
      `a Temporal dev server (pid ${servers.join(', ')}) is running on ${path.join(inst.dataDir, TEMPORAL_FILE)}; stop it first`,
    );
}

/** The major version of a PostgreSQL client tool, or undefined when it is not installed. */
export async function toolMajorVersion(tool: 'pg_dump' | 'pg_restore'): Promise<number | undefined> {
  try {
    const { stdout } = await execFileAsync(tool, ['--version']);
    const m = /(\d+)(?:\.\d+)?/.exec(stdout);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs pg_dump or pg_restore on DATABASE_URL with its password in PGPASSWORD, not on the command
 * line (where any user of the machine could read it in the process list).
 */
export function runPgTool(tool: 'pg_dump' | 'pg_restore', databaseUrl: string, args: string[]) {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  return execFileAsync(tool, [...args, `--dbname=${url.toString()}`], {
    env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
  });
}

/** The message of a failed child process: its stderr, else the error. */
export function childError(err: unknown): string {
  const stderr = (err as { stderr?: string }).stderr;
  return (stderr && stderr.trim()) || (err instanceof Error ? err.message : String(err));
}

/** Runs `main`, printing a BackupError as one line. */
export function run(name: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    if (err instanceof BackupError || err instanceof StartError) {
      console.error(`${name}: ${err.message}`);
      process.exit(err instanceof BackupError ? err.exitCode : 1);
    }
    console.error(`${name}: failed:`, err);
    process.exit(1);
  });
}
