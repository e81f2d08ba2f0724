// Signing in, and the signed-in user.
import { ipKeyGenerator } from 'express-rate-limit';
import { loginFailuresRepo } from '../../db/repositories/login-failures';
import { usersRepo } from '../../db/repositories/users';
import { DUMMY_HASH, verifyPassword } from '../../lib/passwords';
import { scopes } from '../access';
import { signToken, toUserView } from '../auth';
import { HttpError } from '../errors';
import { LoginBody } from '../schemas';
import { defineRoute } from './define';

export const authRoutes = [
  // Failed sign-ins per address and username (in PostgreSQL, so every API replica shares the
  // count): after LOGIN_MAX_FAILURES within LOGIN_LOCKOUT_SECONDS the pair is locked out until
  // that window ends. Each attempt is counted before the password is checked, atomically, and a
  // successful one is taken back, so concurrent guesses cannot slip past the limit.
  defineRoute({
    method: 'post',
    path: '/api/auth/login',
    summary: 'Sign in; returns a signed token',
    tag: 'auth',
    access: 'public',
    scope: scopes.none,
    body: LoginBody,
    handler: async ({ req, deps: { db, config }, body: { username, password } }) => {
      const key = `${ipKeyGenerator(req.ip ?? '')}|${username.toLowerCase()}`;
      const attempt = await loginFailuresRepo.count(db, key, config.loginLockoutSeconds);
      if (attempt.failures > config.loginMaxFailures) {
        throw new HttpError(429, 'rate_limited', 'too many failed sign-ins; try again later', undefined, {
          'Retry-After': String(attempt.retryAfterSeconds),
        });
      }
      const user = await usersRepo.findByUsername(db, username);
      // Verify against a dummy hash when the user is unknown: same answer, same timing.
      const ok = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
      if (!user || !ok || user.disabled) {
        throw new HttpError(401, 'unauthenticated', 'wrong username or password');
      }
      await loginFailuresRepo.forgive(db, key, attempt.windowStartedAt);
      const view = toUserView(user);
      return { token: signToken(view, config.jwtSecret, config.jwtTtlSeconds), user: view };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/me',
    summary: 'The signed-in user',
    tag: 'auth',
    access: 'user',
    scope: scopes.self,
    handler: ({ user }) => user,
  }),
];
