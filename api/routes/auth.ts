// Signing in and out, the signed-in user, their own password and sign-in sessions.
import { ipKeyGenerator } from 'express-rate-limit';
import { auditRepo } from '../../db/repositories/audit';
import { authSessionsRepo } from '../../db/repositories/auth-sessions';
import { signInsRepo, type SignInFailure } from '../../db/repositories/sign-ins';
import { usersRepo } from '../../db/repositories/users';
import type { UserRow } from '../../db/schema';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../../lib/passwords';
import { passwordProblems } from '../../domain/password-policy';
import { scopes } from '../access';
import { clientOf, openSession, refuseWeakPassword } from '../accounts';
import { limitedAttempt } from '../attempt-limit';
import { unauthenticated, type Authenticated } from '../authorize';
import { setCodecCookie } from '../codec';
import { toUserView } from '../auth';
import { badRequest, HttpError, notFound } from '../errors';
import { AuthSessionIdParams, ChangePasswordBody, LoginBody } from '../schemas';
import { defineRoute } from './define';

const sessionView = (
  s: {
    id: string;
    issued_at: Date;
    expires_at: Date;
    revoked_at: Date | null;
    user_agent: string | null;
    address: string | null;
  },
  current: string,
) => ({
  id: s.id,
  issuedAt: s.issued_at.toISOString(),
  expiresAt: s.expires_at.toISOString(),
  revokedAt: s.revoked_at?.toISOString() ?? null,
  live: !s.revoked_at && s.expires_at.getTime() > Date.now(),
  current: s.id === current,
  userAgent: s.user_agent,
  address: s.address,
});

export const authRoutes = [
  // Failed sign-ins per address and username (see api/attempt-limit.ts): after LOGIN_MAX_FAILURES
  // within LOGIN_LOCKOUT_SECONDS the pair is locked out until that window ends. Every attempt is
  // kept in the sign-in history (the admin reads it per user).
  defineRoute({
    method: 'post',
    path: '/api/auth/login',
    summary: 'Sign in; returns a signed token (mustChangePassword after a reset)',
    tag: 'auth',
    access: 'public',
    scope: scopes.none,
    body: LoginBody,
    handler: async ({ req, res, deps: { db, config }, body: { username, password } }) => {
      const key = `${ipKeyGenerator(req.ip ?? '')}|${username.toLowerCase()}`;
      const limit = { maxFailures: config.loginMaxFailures, windowSeconds: config.loginLockoutSeconds };
      const client = clientOf(req);
      let found: UserRow | undefined;
      let failure: SignInFailure | null = null;
      try {
        await limitedAttempt(db, [key], limit, async () => {
          found = await usersRepo.findByUsername(db, username);
          // Verify against a dummy hash when the user is unknown: same answer, same timing.
          const ok = await verifyPassword(password, found?.password_hash ?? DUMMY_HASH);
          failure = !found ? 'unknown_user' : !ok ? 'wrong_password' : found.disabled ? 'account_disabled' : null;
          // A disabled account with the right password is not a guess: not counted, refused below.
          return failure === null || failure === 'account_disabled' ? true : undefined;
        });
      } catch (err) {
        if (err instanceof HttpError && err.status === 429) failure = 'rate_limited';
        await signInsRepo.record(db, {
          username,
          userId: found?.id ?? null,
          succeeded: false,
          reason: failure ?? 'rate_limited',
          ...client,
        });
        throw err;
      }
      await signInsRepo.record(db, {
        username,
        userId: found?.id ?? null,
        succeeded: failure === null,
        reason: failure,
        ...client,
      });
      if (failure === 'account_disabled') throw unauthenticated('account_disabled', 'the account is disabled');
      if (failure || !found) throw new HttpError(401, 'unauthenticated', 'wrong username or password');
      const view = toUserView(found);
      const token = await openSession(db, req, view, config.jwtSecret, config.jwtTtlSeconds);
      setCodecCookie(req, res, view, token, config.jwtTtlSeconds);
      return { token, user: view, mustChangePassword: view.mustChangePassword };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/auth/logout',
    summary: 'Sign out: revokes the session of this token',
    tag: 'auth',
    access: 'user',
    scope: scopes.self,
    duringPasswordChange: true,
    // Answers with a body (not 204) so an Idempotency-Key is settled like every other write's.
    handler: async ({ deps: { db }, user }) => {
      const sessionId = (user as Authenticated).sessionId;
      await authSessionsRepo.revoke(db, user.id, sessionId);
      return { signedOut: true, sessionId };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/me',
    summary: 'The signed-in user',
    tag: 'auth',
    access: 'user',
    scope: scopes.self,
    duringPasswordChange: true,
    handler: ({ user }) => user,
  }),
  // Changing one's own password: the current one is checked (wrong guesses count like sign-ins),
  // the policy applies (domain/password-policy.ts), every other session of the user is revoked.
  defineRoute({
    method: 'post',
    path: '/api/me/password',
    summary: 'Change my password',
    tag: 'auth',
    access: 'user',
    scope: scopes.self,
    body: ChangePasswordBody,
    duringPasswordChange: true,
    handler: async ({ req, deps: { db, config }, user, body }) => {
      const limit = { maxFailures: config.loginMaxFailures, windowSeconds: config.loginLockoutSeconds };
      const key = `${ipKeyGenerator(req.ip ?? '')}|${user.username.toLowerCase()}|change`;
      const row = await limitedAttempt(db, [key], limit, async () => {
        const r = await usersRepo.findById(db, user.id);
        return r && (await verifyPassword(body.currentPassword, r.password_hash)) ? r : undefined;
      });
      if (!row)
        throw badRequest('the current password is wrong', [
          {
            field: 'body.currentPassword',
            message: 'wrong password',
            code: 'custom',
            params: { problem: 'wrong_password' },
          },
        ]);
      const same = await verifyPassword(body.newPassword, row.password_hash);
      refuseWeakPassword(
        'body.newPassword',
        passwordProblems(body.newPassword, { username: row.username, sameAsCurrent: same }),
      );
      const hash = await hashPassword(body.newPassword);
      await db.transaction().execute(async (trx) => {
        await usersRepo.setPassword(trx, user.id, hash, false);
        await authSessionsRepo.revokeAll(trx, user.id, (user as Authenticated).sessionId);
        await auditRepo.record(trx, { actor: user, action: 'password_changed', target: user.username, detail: {} });
      });
      return { ...user, mustChangePassword: false };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/me/sessions',
    summary: 'My sign-in sessions, newest first',
    tag: 'auth',
    access: 'user',
    scope: scopes.self,
    handler: async ({ deps: { db }, user }) =>
      (await authSessionsRepo.listOfUser(db, user.id)).map((s) => sessionView(s, (user as Authenticated).sessionId)),
  }),
  defineRoute({
    method: 'post',
    path: '/api/me/sessions/:id/revoke',
    summary: 'Revoke one of my sign-in sessions',
    tag: 'auth',
    access: 'user',
    scope: scopes.self,
    params: AuthSessionIdParams,
    handler: async ({ deps: { db }, user, params }) => {
      const found = await authSessionsRepo.find(db, user.id, params.id);
      if (!found) throw notFound('sign-in session');
      await authSessionsRepo.revoke(db, user.id, params.id);
      return sessionView((await authSessionsRepo.find(db, user.id, params.id))!, (user as Authenticated).sessionId);
    },
  }),
];
