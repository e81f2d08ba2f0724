// Configuration: read once from the environment, validated, frozen. Never logged whole.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_PROJECT_TARGET_WORKDAYS } from '../domain/project-clock';
import { DEFAULT_CLOCK_POLICY, type ClockPolicy } from '../workflows/shared';
import { resolvePayloadKeys, type PayloadKeys } from './payload-codec';

/** At most `maxFailures` failed attempts per key within a window of `windowSeconds`. */
export interface AttemptLimit {
  readonly maxFailures: number;
  readonly windowSeconds: number;
}

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true');

/** An optional URL: unset or empty means the channel is off. */
const optionalUrl = (protocols: string[], example: string) =>
  z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .url(`must be a URL such as ${example}`)
      .refine(
        (u) => URL.canParse(u) && protocols.includes(new URL(u).protocol),
        `must start with ${protocols.join(' or ')}//`,
      )
      .optional(),
  );

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: z.string().min(1).optional(),
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).optional(),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('joint-approval'),
  TEMPORAL_UI_URL: z.string().url().optional(),
  /** Ports of the dev server that `npm start` runs when TEMPORAL_ADDRESS is not set. */
  TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  /** Deadline of every call from the API to Temporal; past it the request answers 503 with Retry-After. */
  TEMPORAL_RPC_TIMEOUT_SECONDS: z.coerce.number().positive().max(120).default(10),
  /** How long an Idempotency-Key and its stored answer are kept before they are purged. */
  IDEMPOTENCY_RETENTION_HOURS: z.coerce.number().positive().default(48),
  ADMIN_USERNAME: z.string().min(1).default('admin'),
  ADMIN_PASSWORD: z.string().min(8, 'ADMIN_PASSWORD must have at least 8 characters').optional(),
  JWT_SECRET: z.string().min(16, 'JWT_SECRET must have at least 16 characters').optional(),
  JWT_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(8 * 3600),
  WORKDAY_SECONDS: z.coerce.number().positive().optional(),
  DEMO_SEED: flag,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CORS_ORIGINS: z.string().optional(),
  /** Officers may act on applications launched by other officers (a center-wide policy). */
  OFFICERS_SHARE_APPLICATIONS: flag,
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  LOGIN_LOCKOUT_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 60),
  /**
   * How long the sign-in history is kept, in days. At least 180: 等保 2.0 asks for audit records of
   * at least six months.
   */
  SIGN_IN_HISTORY_DAYS: z.coerce.number().int().min(180).default(365),
  /** Workflows a worker keeps in its sticky cache (workers/worker.ts says how the default was chosen). */
  WORKER_CACHED_WORKFLOWS: z.coerce.number().int().min(100).max(100_000).default(2000),
  /** How long a delivery that has ended (sent, failed, skipped) is kept, with its address and text. */
  DELIVERY_RETENTION_DAYS: z.coerce.number().int().min(7).default(180),
  /** Failed lookups by case number + password (progress, ratings, complaints) per address and per case. */
  PUBLIC_LOOKUP_MAX_FAILURES: z.coerce.number().int().positive().default(10),
  PUBLIC_LOOKUP_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 60),
  /** Requests per address and route to each anonymous endpoint in a window (api/rate-limit.ts). */
  ANON_RATE_LIMIT_MAX: z.coerce.number().int().positive().default(300),
  ANON_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  /** The center's name as printed on its documents. */
  CENTER_NAME: z.string().trim().min(2).max(60).default('根河市政务服务中心'),
  /** Where the public reaches the web UI (the QR code on the acceptance notice); default this API's own origin. */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Working days the supervision office has to register a filed complaint. */
  COMPLAINT_REGISTER_DAYS: z.coerce.number().int().min(1).max(30).default(5),
  /** Working days a department has to answer a rectification task opened by a bad rating. */
  RECTIFICATION_REPLY_DAYS: z.coerce.number().int().min(1).max(30).default(5),
  /** The whole-project target (全流程时限) in working days, fixed into each application at launch. */
  PROJECT_TARGET_WORKDAYS: z.coerce.number().int().min(1).max(1000).default(DEFAULT_PROJECT_TARGET_WORKDAYS),
  YELLOW_RATIO: z.coerce.number().gt(0).lt(1).default(DEFAULT_CLOCK_POLICY.yellowRatio),
  YELLOW_DAYS_LEFT: z.coerce.number().int().min(0).default(DEFAULT_CLOCK_POLICY.yellowDaysLeft),
  ACCEPTANCE_WINDOW_DAYS: z.coerce.number().int().min(1).max(60).default(DEFAULT_CLOCK_POLICY.acceptanceWindowDays),
  CASE_RESPONSE_DAYS: z.coerce.number().int().min(1).max(30).default(DEFAULT_CLOCK_POLICY.caseResponseDays),
  ESCALATION_LEVELS: z.coerce.number().int().min(2).max(5).default(DEFAULT_CLOCK_POLICY.escalationLevels),
  /** Keys that encrypt Temporal payloads: `id:base64,…`, the first active (lib/payload-codec.ts). */
  PAYLOAD_KEYS: z.string().optional(),
  /**
   * Which reverse proxies' X-Forwarded-For/-Proto to believe (Express's `trust proxy`): `loopback`,
   * `uniquelocal` (a container network), addresses or subnets separated by commas, or a hop count.
   * The client address counts for the rate limits and the scheme for HSTS.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^[\w.:/, -]+$/, 'loopback, uniquelocal, addresses/subnets or a hop count')
    .default('loopback'),
  /** Bearer token for GET /metrics; unset = /metrics answers only to the same machine (loopback). */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** host:port where the worker's Temporal runtime serves its own Prometheus metrics; unset = off. */
  TEMPORAL_METRICS_ADDRESS: z
    .string()
    .regex(/^[\w.-]+:\d{1,5}$/, 'host:port')
    .optional(),
  URGE_INTERVAL_MINUTES: z.coerce
    .number()
    .min(0)
    .default(DEFAULT_CLOCK_POLICY.urgeIntervalMs / 60_000),
  /** Notification delivery (api/delivery/): an unset channel is off and its deliveries are recorded as skipped. */
  SMTP_URL: optionalUrl(['smtp:', 'smtps:'], 'smtp://mail.internal:25'),
  SMTP_FROM: z.string().trim().min(3).default(`"行政审批服务中心" <noreply@localhost>`),
  SMS_GATEWAY_URL: optionalUrl(['http:', 'https:'], 'http://sms-gateway.internal/send'),
  DELIVERY_POLL_SECONDS: z.coerce.number().positive().max(3600).default(2),
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  DELIVERY_BACKOFF_SECONDS: z.coerce.number().positive().default(30),
  DELIVERY_BACKOFF_MAX_SECONDS: z.coerce.number().positive().default(3600),
  DELIVERY_SEND_TIMEOUT_SECONDS: z.coerce.number().positive().max(600).default(30),
  DELIVERY_LEASE_SECONDS: z.coerce.number().positive().default(120),
});

/** How the delivery dispatcher polls, retries and leases (api/delivery/dispatcher.ts). */
export interface DeliveryPolicy {
  /** Pause between claims when nothing was due. */
  readonly pollMs: number;
  /** Attempts before a delivery is marked failed. */
  readonly maxAttempts: number;
  /** Wait before the 2nd attempt; doubled for each further one, up to `backoffMaxMs`. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** A send that has not answered by then counts as failed (and is retried). */
  readonly sendTimeoutMs: number;
  /** How long a claim holds a row; longer than a send may take, so a live sender is never overtaken. */
  readonly leaseMs: number;
  /** Rows claimed at once by one dispatcher. */
  readonly batchSize: number;
}

export interface Config {
  readonly port: number;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly temporalAddress: string | undefined;
  readonly temporalNamespace: string | undefined;
  readonly taskQueue: string;
  readonly temporalUiUrl: string;
  readonly temporalPort: number;
  readonly temporalUiPort: number;
  readonly temporalRpcTimeoutMs: number;
  readonly metricsToken: string | undefined;
  readonly temporalMetricsAddress: string | undefined;
  readonly idempotencyRetentionMs: number;
  readonly adminUsername: string;
  readonly adminPassword: string | undefined;
  readonly jwtSecret: string;
  /** AES-256-GCM keys of the Temporal payload codec: PAYLOAD_KEYS, or generated once in DATA_DIR. */
  readonly payloadKeys: PayloadKeys;
  readonly jwtTtlSeconds: number;
  readonly workdaySeconds: number | undefined;
  readonly demoSeed: boolean;
  readonly logLevel: string;
  readonly corsOrigins: readonly string[];
  readonly trustProxy: string | number;
  readonly officersShareApplications: boolean;
  readonly loginMaxFailures: number;
  readonly loginLockoutSeconds: number;
  readonly signInHistoryDays: number;
  readonly deliveryRetentionDays: number;
  readonly workerCachedWorkflows: number;
  readonly publicLookupLimit: AttemptLimit;
  /** Requests per address and route to an anonymous endpoint in a window (ANON_RATE_LIMIT_*). */
  readonly anonymousRateLimit: { readonly max: number; readonly windowSeconds: number };
  /** The center's name on its documents (CENTER_NAME). */
  readonly centerName: string;
  /** The public web UI's origin, without a trailing slash (PUBLIC_BASE_URL, else http://localhost:PORT). */
  readonly publicBaseUrl: string;
  /** Complaints (效能投诉) and rectification tasks (整改): registration window, rectification reply days. */
  readonly complaints: { readonly registerWorkdays: number; readonly rectificationReplyWorkdays: number };
  /** The whole-project clock's target in working days (PROJECT_TARGET_WORKDAYS), fixed into each application at launch. */
  readonly projectTargetWorkdays: number;
  /** Lights, acceptance window, supervision ladder and urging; fixed into each application at its start. */
  readonly clockPolicy: ClockPolicy;
  /** SMTP server of the email channel (may carry credentials: never logged); undefined = email off. */
  readonly smtpUrl: string | undefined;
  readonly smtpFrom: string;
  /** The SMS gateway's endpoint; undefined = SMS off. */
  readonly smsGatewayUrl: string | undefined;
  readonly delivery: DeliveryPolicy;
}

export class ConfigError extends Error {}

/** The signing key: JWT_SECRET, or one generated once and kept in DATA_DIR so tokens survive restarts. */
function resolveJwtSecret(explicit: string | undefined, dataDir: string): string {
  if (explicit) return explicit;
  const file = path.join(dataDir, 'jwt-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    fs.mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    fs.writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}

function asConfigError<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  if (e.DELIVERY_LEASE_SECONDS <= e.DELIVERY_SEND_TIMEOUT_SECONDS + 5) {
    throw new ConfigError(
      'invalid configuration: DELIVERY_LEASE_SECONDS must exceed DELIVERY_SEND_TIMEOUT_SECONDS by more than 5 s (a live send must never outlast its lease)',
    );
  }
  const dataDir = path.resolve(e.DATA_DIR);
  const config: Config = {
    port: e.PORT,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    temporalAddress: e.TEMPORAL_ADDRESS,
    temporalNamespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    temporalUiUrl: e.TEMPORAL_UI_URL ?? `http://localhost:${e.TEMPORAL_UI_PORT}`,
    temporalPort: e.TEMPORAL_PORT,
    temporalUiPort: e.TEMPORAL_UI_PORT,
    temporalRpcTimeoutMs: e.TEMPORAL_RPC_TIMEOUT_SECONDS * 1000,
    metricsToken: e.METRICS_TOKEN,
    temporalMetricsAddress: e.TEMPORAL_METRICS_ADDRESS,
    idempotencyRetentionMs: e.IDEMPOTENCY_RETENTION_HOURS * 3600_000,
    adminUsername: e.ADMIN_USERNAME,
    adminPassword: e.ADMIN_PASSWORD,
    jwtSecret: overrides.jwtSecret ?? resolveJwtSecret(e.JWT_SECRET, dataDir),
    payloadKeys: overrides.payloadKeys ?? asConfigError(() => resolvePayloadKeys(e.PAYLOAD_KEYS, dataDir)),
    jwtTtlSeconds: e.JWT_TTL_SECONDS,
    workdaySeconds: e.WORKDAY_SECONDS,
    demoSeed: e.DEMO_SEED,
    logLevel: e.LOG_LEVEL,
    corsOrigins: (e.CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    trustProxy: /^\d+$/.test(e.TRUST_PROXY) ? Number(e.TRUST_PROXY) : e.TRUST_PROXY,
    officersShareApplications: e.OFFICERS_SHARE_APPLICATIONS,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginLockoutSeconds: e.LOGIN_LOCKOUT_SECONDS,
    signInHistoryDays: e.SIGN_IN_HISTORY_DAYS,
    deliveryRetentionDays: e.DELIVERY_RETENTION_DAYS,
    workerCachedWorkflows: e.WORKER_CACHED_WORKFLOWS,
    publicLookupLimit: Object.freeze({
      maxFailures: e.PUBLIC_LOOKUP_MAX_FAILURES,
      windowSeconds: e.PUBLIC_LOOKUP_WINDOW_SECONDS,
    }),
    anonymousRateLimit: Object.freeze({ max: e.ANON_RATE_LIMIT_MAX, windowSeconds: e.ANON_RATE_LIMIT_WINDOW_SECONDS }),
    centerName: e.CENTER_NAME,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    complaints: Object.freeze({
      registerWorkdays: e.COMPLAINT_REGISTER_DAYS,
      rectificationReplyWorkdays: e.RECTIFICATION_REPLY_DAYS,
    }),
    projectTargetWorkdays: e.PROJECT_TARGET_WORKDAYS,
    clockPolicy: Object.freeze({
      yellowRatio: e.YELLOW_RATIO,
      yellowDaysLeft: e.YELLOW_DAYS_LEFT,
      acceptanceWindowDays: e.ACCEPTANCE_WINDOW_DAYS,
      caseResponseDays: e.CASE_RESPONSE_DAYS,
      escalationLevels: e.ESCALATION_LEVELS,
      urgeIntervalMs: e.URGE_INTERVAL_MINUTES * 60_000,
      specialProcedureLimits: Object.freeze({ ...DEFAULT_CLOCK_POLICY.specialProcedureLimits }),
    }),
    smtpUrl: e.SMTP_URL,
    smtpFrom: e.SMTP_FROM,
    smsGatewayUrl: e.SMS_GATEWAY_URL,
    delivery: Object.freeze({
      pollMs: e.DELIVERY_POLL_SECONDS * 1000,
      maxAttempts: e.DELIVERY_MAX_ATTEMPTS,
      backoffBaseMs: e.DELIVERY_BACKOFF_SECONDS * 1000,
      backoffMaxMs: e.DELIVERY_BACKOFF_MAX_SECONDS * 1000,
      sendTimeoutMs: e.DELIVERY_SEND_TIMEOUT_SECONDS * 1000,
      leaseMs: e.DELIVERY_LEASE_SECONDS * 1000,
      batchSize: 20,
    }),
    ...overrides,
  };
  return Object.freeze(config);
}
