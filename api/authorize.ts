// Authentication and the role check of one route, mounted from its declaration
// (api/routes/define.ts): public routes pass, every other route needs a valid token of a live
// sign-in session of an active user and, unless any user may call it, one of the roles it names.
// Scoping beyond the role is the route's declared scope (api/access.ts).
import { createSecretKey, type KeyObject } from 'node:crypto';
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import type { Kysely } from 'kysely';
import type { Role } from '../domain/model';
import { authSessionsRepo } from '../db/repositories/auth-sessions';
import type { Database } from '../db/schema';
import { toUserView, type UserView } from './auth';
import { HttpError } from './errors';

/** Who may call a route: anyone, any signed-in user, or the roles named. */
export type Access = 'public' | 'user' | readonly Role[];

/** Why a token was refused (error.reason of the 401). */
export type AuthRefusal =
  'token_missing' | 'token_invalid' | 'session_expired' | 'session_revoked' | 'account_disabled' | 'account_unknown';

export const unauthenticated = (reason: AuthRefusal, message: string) =>
  new HttpError(401, 'unauthenticated', message, undefined, {}, { reason, params: {} });

const hmacKeys = new Map<string, KeyObject>();
/**
 * The signing secret as a key object, made once. Given a string, jsonwebtoken first tries to read
 * it as a public key on every verify (an exception each time: 0.7 ms of every request, bench W2).
 */
export function hmacKey(secret: string): KeyObject {
  let key = hmacKeys.get(secret);
  if (!key) hmacKeys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return key;
}

/** The signed-in user and the id of the session their token belongs to. */
export interface Authenticated extends UserView {
  sessionId: string;
}

/**
 * The active user of a live session a signed token names: one lookup by the session's primary
 * key joined to the user's. 401 with a reason for a bad or expired token, an expired or revoked
 * session, or a disabled account.
 */
export async function authenticate(token: string, db: Kysely<Database>, secret: string): Promise<Authenticated> {
  let subject: string | undefined;
  let sessionId: string | undefined;
  try {
    const payload = jwt.verify(token, hmacKey(secret), { algorithms: ['HS256'] });
    if (typeof payload === 'object') {
      subject = payload.sub;
      sessionId = payload.jti;
    }
  } catch (err) {
    if (err instanceof jwt.TokenExpiredError)
      throw unauthenticated('session_expired', 'the session has expired; sign in again');
    throw unauthenticated('token_invalid', 'the token is invalid; sign in again');
  }
  if (!subject || !sessionId) throw unauthenticated('token_invalid', 'the token names no session; sign in again');
  const row = await authSessionsRepo.findWithUser(db, sessionId);
  if (!row || row.id !== subject)
    throw unauthenticated('account_unknown', 'the session or its account no longer exists');
  if (row.disabled) throw unauthenticated('account_disabled', 'the account is disabled');
  if (row.s_revoked_at)
    throw unauthenticated('session_revoked', 'the session was signed out or revoked; sign in again');
  if (row.s_expires_at.getTime() <= Date.now())
    throw unauthenticated('session_expired', 'the session has expired; sign in again');
  return { ...toUserView(row), sessionId };
}

/**
 * `duringPasswordChange`: the route stays open to a user who must change their password (the
 * change itself, /api/me, signing out); every other route answers 403 password_change_required.
 */
export function authorize(
  access: Access,
  db: Kysely<Database>,
  secret: string,
  options: { duringPasswordChange?: boolean } = {},
): RequestHandler {
  return async (req, res, next) => {
    if (access === 'public') return next();

    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer '))
      throw unauthenticated('token_missing', 'sign in first: Authorization: Bearer <token> is missing');
    const user = await authenticate(header.slice(7), db, secret);
    res.locals.user = user;

    if (user.mustChangePassword && !options.duringPasswordChange) {
      throw new HttpError(
        403,
        'forbidden',
        'change your password first',
        undefined,
        {},
        {
          reason: 'password_change_required',
          params: {},
        },
      );
    }
    if (access !== 'user' && !access.includes(user.role)) {
      throw new HttpError(403, 'forbidden', `this action is for: ${access.join(', ')}`);
    }
    next();
  };
}
