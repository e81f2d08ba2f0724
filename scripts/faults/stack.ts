// One round's stack: a Temporal dev server with its state in a file of the round's folder (so it
// survives a SIGKILL), and worker and API processes started from a snapshot of the build output
// (taken once per suite, so a rebuild in the checkout during the run changes nothing), all against
// one PostgreSQL database of the round.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { openDatabase } from '../../db/database';
import { seedDemo } from '../../db/seed';
import { projectRoot, temporalCliPath } from '../../lib/paths';
import { SEARCH_ATTRIBUTE_REGISTRATION } from '../../workflows/shared';
import { freePort, Supervised, waitFor, type UnexpectedExit } from './processes';

const execFileAsync = promisify(execFile);

export interface StackOptions {
  dir: string;
  /** The build output the processes run from (dist/ or its snapshot). */
  distDir: string;
  databaseUrl: string;
  workers: number;
  apis: number;
  taskQueue: string;
  /** The training clock's working day; omitted = the real working-day calendar. */
  workdaySeconds?: number;
}

export class Stack {
  temporal!: Supervised;
  readonly workers: Supervised[] = [];
  readonly apis: Supervised[] = [];
  readonly apiBases: string[] = [];
  readonly unexpectedExits: UnexpectedExit[] = [];
  temporalAddress = '';
  private readonly root = projectRoot();

  constructor(private readonly opts: StackOptions) {}

  private env(extra: Record<string, string>): NodeJS.ProcessEnv {
    // Nothing of the caller's Temporal or database settings leaks into the round.
    const base = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !k.startsWith('TEMPORAL_') && k !== 'DATABASE_URL' && k !== 'WORKDAY_SECONDS',
      ),
    );
    return {
      ...base,
      DATABASE_URL: this.opts.databaseUrl,
      TEMPORAL_ADDRESS: this.temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: this.opts.taskQueue,
      DEMO_SEED: '1',
      JWT_SECRET: this.jwtSecret,
      LOG_LEVEL: 'warn',
      ...(this.opts.workdaySeconds !== undefined ? { WORKDAY_SECONDS: String(this.opts.workdaySeconds) } : {}),
      DATA_DIR: this.opts.dir,
      ...extra,
    };
  }

  readonly jwtSecret = randomBytes(24).toString('base64url');

  private record = (e: UnexpectedExit) => {
    this.unexpectedExits.push(e);
  };

  async start(): Promise<void> {
    const cli = temporalCliPath();
    if (!fs.existsSync(cli)) {
      throw new Error(
        `Temporal CLI not found at ${cli}: run "node scripts/install-temporal.js" or set TEMPORAL_CLI_PATH`,
      );
    }
    const port = await freePort();
    this.temporalAddress = `127.0.0.1:${port}`;
    this.temporal = new Supervised(
      {
        name: 'temporal',
        command: cli,
        args: [
          'server',
          'start-dev',
          '--db-filename',
          path.join(this.opts.dir, 'temporal.sqlite'),
          '--ip',
          '127.0.0.1',
          '--port',
          String(port),
          '--http-port',
          String(await freePort()),
          '--metrics-port',
          String(await freePort()),
          '--headless',
          '--log-level',
          'warn',
          ...Object.entries(SEARCH_ATTRIBUTE_REGISTRATION).flatMap(([name, type]) => [
            '--search-attribute',
            `${name}=${type}`,
          ]),
        ],
        logFile: path.join(this.opts.dir, 'temporal.log'),
      },
      this.record,
    );
    this.temporal.start();
    await this.waitForTemporal(60_000);

    await execFileAsync(process.execPath, [path.join(this.opts.distDir, 'db/migrate-cli.js')], {
      env: this.env({}),
      cwd: this.root,
    });
    const handle = await openDatabase({ databaseUrl: this.opts.databaseUrl });
    try {
      await seedDemo(handle.db, 'admin');
    } finally {
      await handle.close();
    }

    for (let i = 1; i <= this.opts.workers; i++) {
      this.workers.push(
        new Supervised(
          {
            name: `worker-${i}`,
            command: process.execPath,
            args: [path.join(this.opts.distDir, 'workers/main.js')],
            env: this.env({}),
            cwd: this.root,
            logFile: path.join(this.opts.dir, `worker-${i}.log`),
          },
          this.record,
        ),
      );
    }
    for (let i = 1; i <= this.opts.apis; i++) {
      const apiPort = await freePort();
      this.apiBases.push(`http://127.0.0.1:${apiPort}`);
      this.apis.push(
        new Supervised(
          {
            name: `api-${i}`,
            command: process.execPath,
            args: [path.join(this.opts.distDir, 'api/server.js')],
            env: this.env({ PORT: String(apiPort) }),
            cwd: this.root,
            logFile: path.join(this.opts.dir, `api-${i}.log`),
          },
          this.record,
        ),
      );
    }
    for (const p of [...this.workers, ...this.apis]) p.start();
    await this.waitForApis(60_000);
  }

  async temporalAnswers(): Promise<boolean> {
    const connection = await Connection.connect({ address: this.temporalAddress, connectTimeout: 1000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  }

  waitForTemporal(timeoutMs: number): Promise<void> {
    return waitFor('the Temporal dev server', () => this.temporalAnswers(), timeoutMs);
  }

  async apisHealthy(): Promise<boolean> {
    const answers = await Promise.all(
      this.apiBases.map(async (base) => {
        try {
          const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(4000) });
          await res.arrayBuffer();
          return res.status === 200;
        } catch {
          return false;
        }
      }),
    );
    return answers.every(Boolean);
  }

  waitForApis(timeoutMs: number): Promise<void> {
    return waitFor('the API processes to answer /healthz', () => this.apisHealthy(), timeoutMs);
  }

  /** Starts, in dependency order, whatever of the stack is not running (after a whole-stack kill). */
  async startMissing(): Promise<void> {
    if (!this.temporal.running) {
      this.temporal.start();
      await this.waitForTemporal(60_000);
    }
    for (const p of [...this.workers, ...this.apis]) if (!p.running) p.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.apis, ...this.workers].map((p) => p.stop()));
    await this.temporal?.stop();
  }
}
