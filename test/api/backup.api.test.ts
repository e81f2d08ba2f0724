// The restore drill: `npm start` as a process on its own DATA_DIR (PGlite + the Temporal dev
// server's SQLite file) on the training clock, a review launched and a step accepted, a backup
// taken mid-review with the built `npm run backup` script, the data destroyed, `npm run restore`,
// a new start: the step's timer still fires (it turns red on the training clock after the
// restore), the remaining actions work, and every event from before the backup is in the
// timeline once. Also the refusals: a running installation, a backup from newer code, a damaged file.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { applicationBody } from '../helpers/fixtures';
import { createTestDatabase } from '../helpers/database';
import { ApiClient, eventually } from '../helpers/stack';
import { seedDemo } from '../../db/seed';
import { claimDataDir } from '../../lib/dev-server';

const ROOT = path.resolve(__dirname, '..', '..');
/** One working day of the training clock: the accepted 1-day step turns red this long after acceptance. */
const WORKDAY_SECONDS = 30;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ja-backup-'));
const dataDir = path.join(work, 'data');
const backups = path.join(work, 'backups');
const started: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The environment of the installation under test: nothing inherited that would point elsewhere. */
function installationEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, LOG_LEVEL: 'warn', ...extra };
  for (const v of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'TEMPORAL_PROFILE', 'PAYLOAD_KEYS', 'JWT_SECRET']) delete env[v];
  return env;
}

interface Installation {
  baseUrl: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** `npm start` (its built entry point) on DATA_DIR; resolves once /healthz answers. */
async function startInstallation(): Promise<Installation> {
  const [port, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/scripts/start.js')], {
    cwd: ROOT,
    env: installationEnv(dataDir, {
      PORT: String(port),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      WORKDAY_SECONDS: String(WORKDAY_SECONDS),
      DEMO_SEED: '1',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let said = '';
  const keep = (c: Buffer) => (said = (said + c.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;
  const until = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}): ${said}`);
    try {
      if ((await fetch(`${baseUrl}/healthz`)).status === 200) return { baseUrl, child, exited };
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`npm start did not answer in 90 s: ${said}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a built script of scripts/backup as `npm run backup|restore` does. */
function script(
  name: 'backup' | 'restore',
  args: string[],
  dir = dataDir,
  extra: Record<string, string> = {},
): Promise<ScriptResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(ROOT, `dist/scripts/backup/${name}.js`), ...args],
      { cwd: ROOT, env: { ...installationEnv(dir), ...extra } },
      (err, stdout, stderr) => resolve({ code: err ? ((err.code as number | undefined) ?? 1) : 0, stdout, stderr }),
    );
  });
}

function backupDirs(): string[] {
  return fs
    .readdirSync(backups)
    .filter((n) => n.startsWith('backup-') && !n.endsWith('.partial'))
    .sort();
}

beforeAll(() => {
  // As `npm run backup` does: build the server (and these scripts) when their sources changed.
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-if-changed.js'), 'server'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}, 180_000);

afterAll(() => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(work, { recursive: true, force: true });
});

const eventKey = (e: any) => JSON.stringify([e.at, e.type, e.stepId ?? null, e.detail ?? null]);

describe('restore drill', () => {
  let backup: string;

  it('when a review is backed up mid-way, the data destroyed and restored, then its timer fires, its actions work and its timeline is whole', async () => {
    const first = await startInstallation();
    const [officer, drc, supervisor] = await Promise.all([
      ApiClient.login(first.baseUrl, 'officer'),
      ApiClient.login(first.baseUrl, 'staff.drc'),
      ApiClient.login(first.baseUrl, 'supervisor'),
    ]);
    const created = await officer.post('/api/applications', applicationBody(['PROJECT-FILING']));
    expect(created.status).toBe(201);
    const appId = created.body.id as string;
    const stepId = created.body.steps[0].id as string;
    await eventually(async () => (await officer.get(`/api/steps/${stepId}`)).body.acceptanceDeadline);
    const accepted = await drc.post(`/api/steps/${stepId}/accept`);
    expect(accepted.status).toBe(200);
    // A one-day step has one day left at once: yellow now, red at the deadline (one training day on).
    expect(accepted.body.light).toBe('yellow');
    const deadline = Date.parse(accepted.body.deadline);
    const before = await eventually(async () => {
      const t = (await supervisor.get(`/api/applications/${appId}/timeline`)).body as any[];
      return t.some((e) => e.type === 'step_accepted') && t;
    });

    // While npm start holds DATA_DIR, a backup refuses and names it.
    const refused = await script('backup', ['--to', backups]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`npm start (pid ${first.child.pid}) is running on DATA_DIR ${dataDir}`);

    const made = await script('backup', ['--to', backups, '--stop']);
    expect(made).toMatchObject({ code: 0 });
    expect(await first.exited).toBe(0);
    expect(backupDirs()).toHaveLength(1);
    backup = path.join(backups, backupDirs()[0]!);
    expect(made.stdout).toContain(backup);
    const manifest = JSON.parse(fs.readFileSync(path.join(backup, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({
      schemaVersion: expect.stringMatching(/^\d{4}_\d{2}_\d{2}_\d{4}_/),
      database: { kind: 'pglite' },
      temporal: { file: 'temporal.sqlite' },
      secrets: ['jwt-secret', 'payload-keys'],
    });

    fs.rmSync(dataDir, { recursive: true, force: true });
    const restored = await script('restore', [backup]);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);

    const second = await startInstallation();
    // The restored JWT secret: the tokens signed before the backup still work.
    const [officer2, drc2, supervisor2] = [
      new ApiClient(second.baseUrl, officer.token),
      new ApiClient(second.baseUrl, drc.token),
      new ApiClient(second.baseUrl, supervisor.token),
    ];
    // A restore onto the running installation refuses.
    const busy = await script('restore', [backup, '--force']);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain('is running on DATA_DIR');

    const step = (await officer2.get(`/api/steps/${stepId}`)).body;
    expect(Date.now()).toBeLessThan(deadline); // the drill's clock: the timer is still ahead
    expect(step).toMatchObject({ status: 'in_review', light: 'yellow' });
    // The deadline timer set before the backup fires after the restore: red, and a supervision case.
    await eventually(async () => (await officer2.get(`/api/steps/${stepId}`)).body.light === 'red', 60_000);
    expect(Date.now()).toBeGreaterThanOrEqual(deadline);
    const cases = (await supervisor2.get('/api/supervision/cases')).body as any[];
    expect(cases.filter((c) => c.stepId === stepId).map((c) => c.level)).toEqual([1]);

    const decided = await drc2.post(`/api/steps/${stepId}/decision`, { outcome: 'approved', certificateNo: 'BA-1' });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'approved', overdue: true });
    await eventually(async () => (await officer2.get(`/api/applications/${appId}`)).body.status === 'completed');

    const after = (await supervisor2.get(`/api/applications/${appId}/timeline`)).body as any[];
    for (const e of before) expect(after.filter((a) => eventKey(a) === eventKey(e))).toHaveLength(1);
    const types = after.map((e) => e.type);
    for (const t of ['step_overdue', 'step_approved', 'application_completed']) expect(types).toContain(t);
    expect(types.filter((t) => t === 'step_accepted')).toHaveLength(1);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  }, 240_000);

  it('when the backup names a migration this code does not have, then the restore refuses and writes nothing', async () => {
    const copy = path.join(work, 'from-newer-code');
    fs.cpSync(backup, copy, { recursive: true });
    const manifestFile = path.join(copy, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    const current = manifest.schemaVersion as string;
    manifest.schemaVersion = '2099_01_01_0001_from_the_future';
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    const target = path.join(work, 'target-newer');
    const r = await script('restore', [copy], target);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `the backup's schema (migration 2099_01_01_0001_from_the_future) is newer than this code's (last migration ${current})`,
    );
    expect(fs.existsSync(path.join(target, 'pglite'))).toBe(false);
  });

  it('when a file of the backup is damaged, then the checksum fails naming it and nothing is restored', async () => {
    const copy = path.join(work, 'damaged');
    fs.cpSync(backup, copy, { recursive: true });
    const file = path.join(copy, 'temporal.sqlite');
    const bytes = fs.readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    fs.writeFileSync(file, bytes);
    const target = path.join(work, 'target-damaged');
    const r = await script('restore', [copy], target);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('checksum mismatch on temporal.sqlite: the backup is damaged; nothing was restored');
    expect(fs.existsSync(target) && fs.readdirSync(target).length > 0).toBe(false);
  });

  it('when backups pile up, then --keep N keeps the newest N', async () => {
    const kept = [];
    for (let i = 0; i < 2; i++) {
      const r = await script('backup', ['--to', backups, '--keep', '2']);
      expect(r.code).toBe(0);
      kept.push(path.basename(r.stdout.split('\n')[0]!.replace('backup: ', '')));
    }
    expect(backupDirs()).toEqual(kept);
    expect(fs.existsSync(backup)).toBe(false);
  }, 60_000);
});

describe('one process on DATA_DIR', () => {
  it('when a backup holds DATA_DIR, then a restore and an npm start refuse and name it', async () => {
    const dir = path.join(work, 'held');
    fs.mkdirSync(dir, { recursive: true });
    // A process that looks like a running backup (its command line is what the claim is checked against).
    const holder = spawn(
      process.execPath,
      ['-e', 'setInterval(() => {}, 1000)', path.join(ROOT, 'dist/scripts/backup/backup.js')],
      { stdio: 'ignore' },
    );
    started.push(holder);
    try {
      await eventually(
        async () =>
          fs.existsSync(`/proc/${holder.pid}/cmdline`) &&
          fs.readFileSync(`/proc/${holder.pid}/cmdline`, 'utf8').includes('backup.js'),
        5000,
      );
      fs.writeFileSync(
        path.join(dir, 'start.pid'),
        JSON.stringify({ pid: holder.pid, state: 'running', by: 'npm run backup' }),
      );
      const r = await script('restore', [path.join(work, 'any-backup')], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`npm run backup (pid ${holder.pid}) is running on DATA_DIR ${dir}`);
      await expect(claimDataDir(dir, 0)).rejects.toThrow(
        `another npm run backup (pid ${holder.pid}) is using DATA_DIR ${dir}`,
      );
    } finally {
      holder.kill('SIGKILL');
    }
  });
});

describe('PostgreSQL mode', () => {
  it('when the application database is PostgreSQL, then pg_dump takes it online and pg_restore puts it back, over existing data only with --force', async () => {
    const source = await createTestDatabase();
    const target = await createTestDatabase();
    const dir = path.join(work, 'pg-data');
    const to = path.join(work, 'pg-backups');
    try {
      await seedDemo(source.db, 'admin');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'jwt-secret'), 'a-secret-of-this-installation');
      const snapshot = async (db: typeof source.db) => ({
        users: await db.selectFrom('users').select(['username', 'role']).orderBy('username').execute(),
        matters: (await db.selectFrom('matters').select('code').orderBy('code').execute()).map((m) => m.code),
      });
      const expected = await snapshot(source.db);
      expect(expected.users.length).toBeGreaterThan(3);

      const made = await script('backup', ['--to', to], dir, { DATABASE_URL: source.url });
      expect(made.stderr).toBe('');
      expect(made.code).toBe(0);
      expect(made.stdout).toContain('Temporal not included');
      const [name] = fs.readdirSync(to);
      const manifest = JSON.parse(fs.readFileSync(path.join(to, name!, 'manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({ database: { kind: 'postgres' }, temporal: null, secrets: ['jwt-secret'] });

      // The target database is migrated (not empty): replaced only when told.
      const restoreDir = path.join(work, 'pg-restored');
      const refused = await script('restore', [path.join(to, name!)], restoreDir, { DATABASE_URL: target.url });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('the target already holds data (the database of DATABASE_URL)');
      expect(await snapshot(target.db)).toEqual({ users: [], matters: [] });

      const restored = await script('restore', [path.join(to, name!), '--force'], restoreDir, {
        DATABASE_URL: target.url,
      });
      expect(restored.stderr).toBe('');
      expect(restored.code).toBe(0);
      expect(await snapshot(target.db)).toEqual(expected);
      expect(fs.readFileSync(path.join(restoreDir, 'jwt-secret'), 'utf8')).toBe('a-secret-of-this-installation');
    } finally {
      await source.drop();
      await target.drop();
    }
  }, 60_000);
});
