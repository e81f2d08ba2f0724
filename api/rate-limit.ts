// Rate limits on every anonymous endpoint: each route declared `access: 'public'` (the public
// progress lookup, complaints and ratings, the sign-in, the service guide, the calendar, the
// OpenAPI document; not /healthz) and the Temporal UI's codec endpoint when called without
// credentials. Counted per client address and route in PostgreSQL (the table of failed attempts,
// under `rate:` keys), so every API replica shares one count; a fixed window starts at the first
// request. Over the limit: 429 with Retry-After. A request carrying the token of a live session is
// not anonymous and is not counted (its user is limited by what their role may do, not by address).
//
// Configured by ANON_RATE_LIMIT_MAX requests per ANON_RATE_LIMIT_WINDOW_SECONDS (lib/config.ts).
// Behind a reverse proxy the address is the one the proxy reports (app's `trust proxy`).
import { Router, type Request } from 'express';
import { ipKeyGenerator, rateLimit, type ClientRateLimitInfo, type Store } from 'express-rate-limit';
import type { Kysely } from 'kysely';
import { rateCountersRepo } from '../db/repositories/rate-counters';
import type { Database } from '../db/schema';
import type { AppDeps } from './deps';
import { HttpError } from './errors';
import type { RouteSpec } from './routes/define';
import { authenticate } from './authorize';
import { CODEC_COOKIE, cookie } from './codec';

/** An express-rate-limit store over PostgreSQL: shared by every replica on the database. */
export class PostgresRateLimitStore implements Store {
  readonly localKeys = false;
  constructor(
    private readonly db: Kysely<Database>,
    private readonly windowSeconds: number,
  ) {}

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const hit = await rateCountersRepo.hit(this.db, key, this.windowSeconds);
    return { totalHits: hit.failures, resetTime: new Date(Date.now() + hit.retryAfterSeconds * 1000) };
  }

  decrement(key: string): Promise<void> {
    return rateCountersRepo.takeBack(this.db, key);
  }

  resetKey(key: string): Promise<void> {
    return rateCountersRepo.reset(this.db, key);
  }
}

/** Routes never limited: the orchestrator's health probe. */
const UNLIMITED = new Set(['/healthz']);

/**
 * Whether the request carries the token of a live session (signed, not expired or revoked, its
 * account enabled): only such a request is not anonymous. A token that is merely well signed
 * (of a disabled account, a revoked session) or any codec cookie counts like no token at all.
 */
async function signedIn(token: string | undefined, deps: AppDeps): Promise<boolean> {
  if (!token) return false;
  try {
    await authenticate(token, deps.db, deps.config.jwtSecret);
    return true;
  } catch {
    return false;
  }
}

const bearer = (req: Request): string | undefined => {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
};

export function createAnonymousRateLimit(
  deps: AppDeps,
  routes: readonly Pick<RouteSpec, 'method' | 'path' | 'access'>[],
): Router {
  const { max, windowSeconds } = deps.config.anonymousRateLimit;
  const limiter = (name: string, notAnonymous: (req: Request) => Promise<boolean>) =>
    rateLimit({
      windowMs: windowSeconds * 1000,
      limit: max,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      store: new PostgresRateLimitStore(deps.db, windowSeconds),
      keyGenerator: (req) => `${name} ${ipKeyGenerator(req.ip ?? 'unknown')}`,
      skip: notAnonymous,
      handler: (req, _res, next) => {
        const resetTime = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
        const seconds = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : windowSeconds;
        next(
          new HttpError(429, 'rate_limited', 'too many requests from this address; try again later', undefined, {
            'Retry-After': String(seconds),
          }),
        );
      },
    });
  const withToken = (req: Request) => signedIn(bearer(req), deps);
  const router = Router();
  for (const route of routes) {
    if (route.access !== 'public' || UNLIMITED.has(route.path)) continue;
    router[route.method](route.path, limiter(`${route.method.toUpperCase()} ${route.path}`, withToken));
  }
  // The codec answers only a signed-in supervisor or admin (Bearer token or its cookie); calls
  // without either are anonymous.
  router.use(
    '/codec',
    limiter('/codec', (req) => signedIn(bearer(req) ?? cookie(req, CODEC_COOKIE), deps)),
  );
  return router;
}
