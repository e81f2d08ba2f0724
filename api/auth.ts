// Authentication: signed JWTs (HS256) carrying the user id; the user is re-read on each
// request so a disabled account or a changed role takes effect at once.
import type { RequestHandler, Response } from 'express';
import jwt from 'jsonwebtoken';
import type { Kysely } from 'kysely';
import type { Actor, Role } from '../domain/model';
import { usersRepo } from '../db/repositories/users';
import type { Database, UserRow } from '../db/schema';
import { forbidden, HttpError } from './errors';

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

const unauthenticated = (message: string) => new HttpError(401, 'unauthenticated', message);

export function authenticate(db: Kysely<Database>, secret: string): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer '))
      throw unauthenticated('sign in first: Authorization: Bearer <token> is missing');
    let subject: string | undefined;
    try {
      const payload = jwt.verify(header.slice(7), secret, { algorithms: ['HS256'] });
      subject = typeof payload === 'object' ? payload.sub : undefined;
    } catch {
      throw unauthenticated('the token is invalid or has expired; sign in again');
    }
    const user = subject ? await usersRepo.findById(db, subject) : undefined;
    if (!user || user.disabled) throw unauthenticated('the account no longer exists or is disabled');
    res.locals.user = toUserView(user);
    next();
  };
}

export function currentUser(res: Response): UserView {
  const user = res.locals.user as UserView | undefined;
  if (!user) throw unauthenticated('sign in first');
  return user;
}

export function asActor(user: UserView): Actor {
  return { ...user };
}

/** Allows only the given roles (after `authenticate`). */
export function requireRole(...roles: Role[]): RequestHandler {
  return (_req, res, next) => {
    const user = currentUser(res);
    if (!roles.includes(user.role)) throw forbidden(`this action is for: ${roles.join(', ')}`);
    next();
  };
}
