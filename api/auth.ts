// Tokens and the signed-in user. Signed JWTs (HS256) carry the user id; the authorization
// middleware re-reads the user on each request so a disabled account takes effect at once.
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
}

export const toUserView = (u: UserRow): UserView => ({
  id: u.id,
  username: u.username,
  displayName: u.display_name,
  role: u.role,
  departmentCode: u.department_code,
});

export function signToken(user: UserView, secret: string, ttlSeconds: number): string {
  return jwt.sign({ role: user.role, dept: user.departmentCode }, secret, {
    algorithm: 'HS256',
    subject: user.id,
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
  return { ...user };
}
