// Signing in, and the signed-in user.
import { ipKeyGenerator } from 'express-rate-limit';
import { usersRepo } from '../../db/repositories/users';
import { DUMMY_HASH, verifyPassword } from '../../lib/passwords';
import { scopes } from '../access';
import { limitedAttempt } from '../attempt-limit';
import { signToken, toUserView } from '../auth';
import { HttpError } from '../errors';
import { LoginBody } from '../schemas';
import { defineRoute } from './define';

export const authRoutes = [
  // Failed sign-ins per address and username (see api/attempt-limit.ts): after LOGIN_MAX_FAILURES
  // within LOGIN_LOCKOUT_SECONDS the pair is locked out until that window ends.
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
      const limit = { maxFailures: config.loginMaxFailures, windowSeconds: config.loginLockoutSeconds };
      const user = await limitedAttempt(db, [key], limit, async () => {
        const found = await usersRepo.findByUsername(db, username);
        // Verify against a dummy hash when the user is unknown: same answer, same timing.
        const ok = await verifyPassword(password, found?.password_hash ?? DUMMY_HASH);
        return found && ok && !found.disabled ? found : undefined;
      });
      if (!user) throw new HttpError(401, 'unauthenticated', 'wrong username or password');
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
