// Tokens and the signed-in user. Signed JWTs (HS256) carry the user id; the authorization
// middleware re-reads the user and the token's session (`jti`) on each request, so a disabled
// account or a revoked session takes effect at once.
import type { Response } from 'express';
import jwt from 'jsonwebtoken';
import type { Actor, Role } from '../domain/model';
import type { UserRow } from '../db/schema';
import { HttpError } from './errors';

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentCode: string | null;
  /** After an admin's password reset: every route but changing it (and /api/me, sign-out) answers 403. */
  mustChangePassword: boolean;
}

export const toUserView = (u: UserRow): UserView => ({
  id: u.id,
  username: u.username,
  displayName: u.display_name,
  role: u.role,
  departmentCode: u.department_code,
  mustChangePassword: u.must_change_password,
});

/** A token naming the user and its sign-in session (`jti`, a row of auth_sessions). */
export function signToken(user: UserView, secret: string, ttlSeconds: number, sessionId: string): string {
  return jwt.sign({ role: user.role, dept: user.departmentCode }, secret, {
    algorithm: 'HS256',
    subject: user.id,
    jwtid: sessionId,
    expiresIn: ttlSeconds,
  });
}

/** The signed-in user, set by the authorization middleware (api/authorize.ts). */
export function currentUser(res: Response): UserView {
  const user = res.locals.user as UserView | undefined;
  if (!user) throw new HttpError(401, 'unauthenticated', 'sign in first');
  return user;
}

export function asActor(user: UserView): Actor {
  // Only who acted travels into workflows (not session ids or account flags).
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    departmentCode: user.departmentCode,
  };
}
