import { Router } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { usersRepo } from '../../db/repositories/users';
import { DUMMY_HASH, verifyPassword } from '../../lib/passwords';
import { currentUser, signToken, toUserView } from '../auth';
import type { AppDeps } from '../deps';
import { HttpError } from '../errors';
import { LoginBody } from '../schemas';
import { validate } from '../validate';

export function createAuthRouter({ db, config }: AppDeps): Router {
  const router = Router();

  // Failed sign-ins per address and username; after too many the pair is locked out for a while.
  const loginLimiter = rateLimit({
    windowMs: config.loginLockoutSeconds * 1000,
    limit: config.loginMaxFailures,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: (req) =>
      `${ipKeyGenerator(req.ip ?? '')}|${String((req.body as { username?: unknown })?.username ?? '').toLowerCase()}`,
    handler: (_req, _res, _next, options) => {
      throw new HttpError(429, 'rate_limited', 'too many failed sign-ins; try again later', undefined, {
        'Retry-After': String(Math.ceil(options.windowMs / 1000)),
      });
    },
  });

  router.post('/api/auth/login', loginLimiter, validate({ body: LoginBody }), async (req, res) => {
    const { username, password } = req.body as { username: string; password: string };
    const user = await usersRepo.findByUsername(db, username);
    // Verify against a dummy hash when the user is unknown: same answer, same timing.
    const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !ok || user.disabled) {
      throw new HttpError(401, 'unauthenticated', 'wrong username or password');
    }
    const view = toUserView(user);
    res.json({ token: signToken(view, config.jwtSecret, config.jwtTtlSeconds), user: view });
  });

  router.get('/api/me', (_req, res) => {
    res.json(currentUser(res));
  });

  return router;
}
