// A private PostgreSQL cluster for the fault suite: initdb into a temporary folder, its own port
// and socket folder, so restarting it (crash-like, `pg_ctl stop -m immediate`) disturbs no other
// user of the machine's server. PostgreSQL refuses to run as root; as root the suite runs the
// server tools as the `postgres` user (runuser, else su).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { waitFor } from './processes';

const execFileAsync = promisify(execFile);

/** The folder holding initdb and pg_ctl: PG_BIN, else the newest /usr/lib/postgresql/<v>/bin, else PATH. */
export function findPostgresBin(): string | null {
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const root = '/usr/lib/postgresql';
  if (fs.existsSync(root)) {
    const versions = fs
      .readdirSync(root)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => path.join(root, v, 'bin')));
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) if (dir) candidates.push(dir);
  return candidates.find((d) => fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'pg_ctl'))) ?? null;
}

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

export class PrivatePostgres {
  readonly socketDir: string;
  readonly dataDir: string;
  readonly logFile: string;
  private asUser: { uid: number; gid: number; via: 'runuser' | 'su' } | null = null;

  private constructor(
    readonly binDir: string,
    readonly baseDir: string,
    readonly port: number,
    /** Server settings (`-c name=value`) over the defaults below, e.g. `{ fsync: 'on' }` for a benchmark. */
    readonly settings: Record<string, string> = {},
  ) {
    this.socketDir = baseDir;
    this.dataDir = path.join(baseDir, 'data');
    this.logFile = path.join(baseDir, 'postgres.log');
  }

  /** initdb and start; throws with the reason when this machine cannot do it. */
  static async create(port: number, settings: Record<string, string> = {}): Promise<PrivatePostgres> {
    const bin = findPostgresBin();
    if (!bin) throw new Error('initdb/pg_ctl not found (set PG_BIN to the folder holding them)');
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-pg-'));
    const pg = new PrivatePostgres(bin, base, port, settings);
    try {
      await pg.dropRootIfNeeded();
      await pg.run('initdb', [
        '-D',
        pg.dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '-E',
        'UTF8',
        '--locale=C',
        '--no-sync',
      ]);
      await pg.start();
    } catch (err) {
      await pg.destroy().catch(() => undefined);
      throw err;
    }
    return pg;
  }

  private async dropRootIfNeeded(): Promise<void> {
    if (typeof process.getuid !== 'function' || process.getuid() !== 0) return;
    let uid: number;
    let gid: number;
    try {
      uid = Number((await execFileAsync('id', ['-u', 'postgres'])).stdout.trim());
      gid = Number((await execFileAsync('id', ['-g', 'postgres'])).stdout.trim());
    } catch {
      throw new Error('running as root and there is no "postgres" user to run the private cluster as');
    }
    const via = fs.existsSync('/usr/sbin/runuser') || fs.existsSync('/sbin/runuser') ? 'runuser' : 'su';
    this.asUser = { uid, gid, via };
    fs.chownSync(this.baseDir, uid, gid);
  }

  /** Runs a server tool from binDir, as `postgres` when this process is root. */
  private async run(tool: string, args: string[]): Promise<string> {
    const exe = path.join(this.binDir, tool);
    let file = exe;
    let argv = args;
    if (this.asUser?.via === 'runuser') {
      file = 'runuser';
      argv = ['-u', 'postgres', '--', exe, ...args];
    } else if (this.asUser?.via === 'su') {
      file = 'su';
      argv = ['postgres', '-s', '/bin/sh', '-c', [exe, ...args].map(shellQuote).join(' ')];
    }
    try {
      const { stdout } = await execFileAsync(file, argv, { cwd: this.baseDir, timeout: 120_000 });
      return stdout;
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
    }
  }

  get adminUrl(): string {
    return this.urlFor('postgres');
  }

  urlFor(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    const options = [
      `-p ${this.port}`,
      `-k ${this.socketDir}`,
      '-c listen_addresses=127.0.0.1',
      '-c max_connections=300',
      // Fault rounds need crash recovery, not disk durability against power loss.
      '-c fsync=off',
      ...Object.entries(this.settings).map(([name, value]) => `-c ${name}=${value}`),
    ].join(' ');
    await this.run('pg_ctl', ['-D', this.dataDir, '-l', this.logFile, '-w', '-t', '60', '-o', options, 'start']);
    await waitFor('PostgreSQL to accept connections', () => this.ping(), 30_000);
  }

  /** Like a crash: every backend dies at once (immediate mode: no checkpoint, WAL recovery at the next start). */
  async crash(): Promise<void> {
    await this.run('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
  }

  async ping(): Promise<boolean> {
    const client = new Client({ connectionString: this.adminUrl, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async createDatabase(name: string): Promise<string> {
    const client = new Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.query(`create database "${name}"`);
    } finally {
      await client.end();
    }
    return this.urlFor(name);
  }

  async dropDatabase(name: string): Promise<void> {
    const client = new Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      await client.query(`drop database if exists "${name}" with (force)`);
    } finally {
      await client.end();
    }
  }

  async destroy(): Promise<void> {
    if (fs.existsSync(path.join(this.dataDir, 'postmaster.pid'))) {
      await this.run('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    }
    fs.rmSync(this.baseDir, { recursive: true, force: true });
  }
}

/** Another PostgreSQL server, when no private cluster can run here: databases are made and dropped on it. */
export class ExternalPostgres {
  constructor(readonly adminUrl: string) {}

  urlFor(database: string): string {
    const u = new URL(this.adminUrl);
    u.pathname = `/${database}`;
    return u.toString();
  }

  async createDatabase(name: string): Promise<string> {
    const client = new Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.query(`create database "${name}"`);
    } finally {
      await client.end();
    }
    return this.urlFor(name);
  }

  async dropDatabase(name: string): Promise<void> {
    const client = new Client({ connectionString: this.adminUrl });
    await client.connect();
    try {
      await client.query(`drop database if exists "${name}" with (force)`);
    } finally {
      await client.end();
    }
  }
}
