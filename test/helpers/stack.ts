// The real system for API tests: PostgreSQL, a Temporal dev server, the worker and the
// Express app on a random port. Users sign in through the API like everyone else.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Express } from 'express';
import { createApp } from '../../api/app';
import { prepareDatabase } from '../../api/bootstrap';
import { loadConfig, type Config } from '../../lib/config';
import { createLogger } from '../../lib/logger';
import { dataConverterFor } from '../../lib/payload-codec';
import { tracingClientInterceptors } from '../../lib/tracing';
import { createWorker } from '../../workers/worker';
import { createTestDatabase, type TestDatabase } from './database';
import { createDevServerEnv } from './temporal';

export interface Stack {
  baseUrl: string;
  app: Express;
  db: TestDatabase;
  env: TestWorkflowEnvironment;
  /** A client with the project's payload codec, as the API has (env.client sends plain payloads). */
  client: Client;
  config: Config;
  taskQueue: string;
  stop(): Promise<void>;
}

export async function startStack(overrides: Partial<Config> = {}): Promise<Stack> {
  const taskQueue = `test-${Math.random().toString(36).slice(2)}`;
  const db = await createTestDatabase();
  const env = await createDevServerEnv();
  const config = loadConfig(
    { DATA_DIR: '/tmp/joint-approval-test', DEMO_SEED: '1', LOG_LEVEL: 'silent' },
    { jwtSecret: 'test-secret-test-secret-test-secret', taskQueue, ...overrides },
  );
  const log = createLogger(config.logLevel);
  await prepareDatabase(db.db, config, log);
  const worker: Worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    db: db.db,
    workdaySeconds: config.workdaySeconds,
    payloadKeys: config.payloadKeys,
  });
  const workerRun = worker.run();
  const client = new Client({
    connection: env.connection,
    namespace: env.namespace ?? 'default',
    dataConverter: dataConverterFor(config.payloadKeys),
    interceptors: tracingClientInterceptors(),
  });
  const app = createApp({ config, db: db.db, temporal: client, log });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    app,
    db,
    env,
    client,
    config,
    taskQueue,
    stop: async () => {
      await new Promise((r) => server.close(r));
      worker.shutdown();
      await workerRun;
      await env.teardown();
      await db.drop();
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small client that speaks to the API as a signed-in user would. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  static async login(baseUrl: string, username: string, password = 'demo1234'): Promise<ApiClient> {
    const r = await new ApiClient(baseUrl).post('/api/auth/login', { username, password });
    if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return new ApiClient(baseUrl, r.body.token);
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = any>(path: string, body: unknown = {}, headers: Record<string, string> = {}) {
    return this.request<T>('POST', path, body, headers);
  }
}

/** Polls until `check` returns a value (or throws after `timeoutMs`). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
