// Configuration: read once from the environment, validated, frozen. Never logged whole.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_CLOCK_POLICY, type ClockPolicy } from '../workflows/shared';

/** At most `maxFailures` failed attempts per key within a window of `windowSeconds`. */
export interface AttemptLimit {
  readonly maxFailures: number;
  readonly windowSeconds: number;
}

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform((v) => v === '1' || v === 'true');

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
  /** Failed lookups by case number + password (progress, ratings, complaints) per address and per case. */
  PUBLIC_LOOKUP_MAX_FAILURES: z.coerce.number().int().positive().default(10),
  PUBLIC_LOOKUP_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 60),
  /** Working days the supervision office has to register a filed complaint. */
  COMPLAINT_REGISTER_DAYS: z.coerce.number().int().min(1).max(30).default(5),
  /** Working days a department has to answer a rectification task opened by a bad rating. */
  RECTIFICATION_REPLY_DAYS: z.coerce.number().int().min(1).max(30).default(5),
  YELLOW_RATIO: z.coerce.number().gt(0).lt(1).default(DEFAULT_CLOCK_POLICY.yellowRatio),
  YELLOW_DAYS_LEFT: z.coerce.number().int().min(0).default(DEFAULT_CLOCK_POLICY.yellowDaysLeft),
  ACCEPTANCE_WINDOW_DAYS: z.coerce.number().int().min(1).max(60).default(DEFAULT_CLOCK_POLICY.acceptanceWindowDays),
  CASE_RESPONSE_DAYS: z.coerce.number().int().min(1).max(30).default(DEFAULT_CLOCK_POLICY.caseResponseDays),
  ESCALATION_LEVELS: z.coerce.number().int().min(2).max(5).default(DEFAULT_CLOCK_POLICY.escalationLevels),
  URGE_INTERVAL_MINUTES: z.coerce
    .number()
    .min(0)
    .default(DEFAULT_CLOCK_POLICY.urgeIntervalMs / 60_000),
});

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
  readonly idempotencyRetentionMs: number;
  readonly adminUsername: string;
  readonly adminPassword: string | undefined;
  readonly jwtSecret: string;
  readonly jwtTtlSeconds: number;
  readonly workdaySeconds: number | undefined;
  readonly demoSeed: boolean;
  readonly logLevel: string;
  readonly corsOrigins: readonly string[];
  readonly officersShareApplications: boolean;
  readonly loginMaxFailures: number;
  readonly loginLockoutSeconds: number;
  readonly publicLookupLimit: AttemptLimit;
  /** Complaints (效能投诉) and rectification tasks (整改): registration window, rectification reply days. */
  readonly complaints: { readonly registerWorkdays: number; readonly rectificationReplyWorkdays: number };
  /** Lights, acceptance window, supervision ladder and urging; fixed into each application at its start. */
  readonly clockPolicy: ClockPolicy;
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
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
    idempotencyRetentionMs: e.IDEMPOTENCY_RETENTION_HOURS * 3600_000,
    adminUsername: e.ADMIN_USERNAME,
    adminPassword: e.ADMIN_PASSWORD,
    jwtSecret: overrides.jwtSecret ?? resolveJwtSecret(e.JWT_SECRET, dataDir),
    jwtTtlSeconds: e.JWT_TTL_SECONDS,
    workdaySeconds: e.WORKDAY_SECONDS,
    demoSeed: e.DEMO_SEED,
    logLevel: e.LOG_LEVEL,
    corsOrigins: (e.CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    officersShareApplications: e.OFFICERS_SHARE_APPLICATIONS,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginLockoutSeconds: e.LOGIN_LOCKOUT_SECONDS,
    publicLookupLimit: Object.freeze({
      maxFailures: e.PUBLIC_LOOKUP_MAX_FAILURES,
      windowSeconds: e.PUBLIC_LOOKUP_WINDOW_SECONDS,
    }),
    complaints: Object.freeze({
      registerWorkdays: e.COMPLAINT_REGISTER_DAYS,
      rectificationReplyWorkdays: e.RECTIFICATION_REPLY_DAYS,
    }),
    clockPolicy: Object.freeze({
      yellowRatio: e.YELLOW_RATIO,
      yellowDaysLeft: e.YELLOW_DAYS_LEFT,
      acceptanceWindowDays: e.ACCEPTANCE_WINDOW_DAYS,
      caseResponseDays: e.CASE_RESPONSE_DAYS,
      escalationLevels: e.ESCALATION_LEVELS,
      urgeIntervalMs: e.URGE_INTERVAL_MINUTES * 60_000,
    }),
    ...overrides,
  };
  return Object.freeze(config);
}
