// The admin's account actions: disable and enable a user, reset a password (a temporary one,
// shown once; the user must change it at the next sign-in), revoke a user's sessions, and read a
// user's sign-in history and sessions. Each action commits with its audit row; disabling,
// resetting and revoking end every live session of the user at once.
import { authSessionsRepo } from '../../db/repositories/auth-sessions';
import { auditRepo } from '../../db/repositories/audit';
import { signInsRepo } from '../../db/repositories/sign-ins';
import { usersRepo } from '../../db/repositories/users';
import { passwordProblems } from '../../domain/password-policy';
import { hashPassword, temporaryPassword } from '../../lib/passwords';
import { scopes } from '../access';
import { toUserView, type UserView } from '../auth';
import { badRequest, conflict, notFound } from '../errors';
import { settleIdempotencyKey } from '../idempotency';
import type { AppDeps } from '../deps';
import { IdParams, PageQuery } from '../schemas';
import { defineRoute } from './define';

async function targetOf(deps: AppDeps, id: string, admin: UserView, action: string) {
  const target = await usersRepo.findById(deps.db, id);
  if (!target) throw notFound('user');
  if (target.id === admin.id && action !== 'sessions') {
    throw badRequest(`you may not ${action} your own account`, [
      { field: 'params.id', message: 'this is your own account', code: 'custom', params: { problem: 'own_account' } },
    ]);
  }
  return target;
}

const setDisabled = (disabled: boolean) =>
  defineRoute({
    method: 'post',
    path: `/api/users/:id/${disabled ? 'disable' : 'enable'}`,
    summary: disabled ? 'Disable a user (their sessions end at once)' : 'Enable a disabled user',
    tag: 'admin',
    access: ['admin'],
    scope: scopes.none,
    params: IdParams,
    idempotent: true,
    handler: async ({ deps, user, params }) => {
      const target = await targetOf(deps, params.id, user, disabled ? 'disable' : 'enable');
      // A conditional update: of a disable and an enable racing, each applies only to the state it expects.
      const updated = await deps.db.transaction().execute(async (trx) => {
        const row = await usersRepo.setDisabled(trx, target.id, disabled);
        if (!row) return undefined;
        const revoked = disabled ? await authSessionsRepo.revokeAll(trx, target.id) : 0;
        await auditRepo.record(trx, {
          actor: user,
          action: disabled ? 'user_disabled' : 'user_enabled',
          target: target.username,
          detail: disabled ? { sessionsRevoked: revoked } : {},
        });
        return row;
      });
      if (!updated) throw conflict(`user ${target.username} is already ${disabled ? 'disabled' : 'enabled'}`);
      return { ...toUserView(updated), disabled: updated.disabled };
    },
  });

export const accountRoutes = [
  setDisabled(true),
  setDisabled(false),
  defineRoute({
    method: 'post',
    path: '/api/users/:id/reset-password',
    summary: 'Reset a password: a temporary one, shown once; the user must change it at next sign-in',
    tag: 'admin',
    access: ['admin'],
    scope: scopes.none,
    params: IdParams,
    idempotent: true,
    // The temporary password is shown once: an Idempotency-Key keeps this answer without it (a
    // replay says the reset happened; the admin resets again to see a new one).
    handler: async ({ res, deps, user, params }) => {
      const target = await targetOf(deps, params.id, user, 'reset the password of');
      let password = temporaryPassword();
      while (passwordProblems(password, { username: target.username }).length > 0) password = temporaryPassword();
      const hash = await hashPassword(password);
      const answer = { userId: target.id, username: target.username, mustChangePassword: true };
      await deps.db.transaction().execute(async (trx) => {
        await usersRepo.setPassword(trx, target.id, hash, true);
        const revoked = await authSessionsRepo.revokeAll(trx, target.id);
        await auditRepo.record(trx, {
          actor: user,
          action: 'password_reset',
          target: target.username,
          detail: { sessionsRevoked: revoked },
        });
        await settleIdempotencyKey(res, trx, 200, { ...answer, temporaryPassword: null });
      });
      return { ...answer, temporaryPassword: password };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/users/:id/sessions/revoke',
    summary: 'Revoke every live session of a user (they must sign in again)',
    tag: 'admin',
    access: ['admin'],
    scope: scopes.none,
    params: IdParams,
    idempotent: true,
    handler: async ({ deps, user, params }) => {
      const target = await targetOf(deps, params.id, user, 'sessions');
      const revoked = await deps.db.transaction().execute(async (trx) => {
        const n = await authSessionsRepo.revokeAll(trx, target.id);
        await auditRepo.record(trx, {
          actor: user,
          action: 'sessions_revoked',
          target: target.username,
          detail: { sessionsRevoked: n },
        });
        return n;
      });
      return { revoked };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/users/:id/sign-ins',
    summary: "A user's sign-in history, newest first (successes and failures)",
    tag: 'admin',
    access: ['admin'],
    scope: scopes.none,
    params: IdParams,
    query: PageQuery,
    handler: async ({ deps, params, query }) => {
      if (!(await usersRepo.findById(deps.db, params.id))) throw notFound('user');
      const rows = await signInsRepo.listOfUser(deps.db, params.id, query.pageSize, (query.page - 1) * query.pageSize);
      return rows.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        succeeded: r.succeeded,
        reason: r.reason,
        address: r.address,
        userAgent: r.user_agent,
      }));
    },
  }),
];
