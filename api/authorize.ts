// Authentication and the role check of one route, mounted from its declaration
// (api/routes/define.ts): public routes pass, every other route needs a valid token of an active
// user and, unless any user may call it, one of the roles it names. Scoping beyond the role is
// the route's declared scope (api/access.ts).
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import type { Kysely } from 'kysely';
import type { Role } from '../domain/model';
import { usersRepo } from '../db/repositories/users';
import type { Database } from '../db/schema';
import { toUserView, type UserView } from './auth';
import { forbidden, HttpError } from './errors';

/** Who may call a route: anyone, any signed-in user, or the roles named. */
export type Access = 'public' | 'user' | readonly Role[];

const unauthenticated = (message: string) => new HttpError(401, 'unauthenticated', message);

/** The active user a signed token names; 401 for a bad or expired token or a disabled account. */
export async function authenticate(token: string, db: Kysely<Database>, secret: string): Promise<UserView> {
  let subject: string | undefined;
  try {
    const payload = jwt.verify(token, secret, { algorithms: ['HS256'] });
    subject = typeof payload === 'object' ? payload.sub : undefined;
  } catch {
    throw unauthenticated('the token is invalid or has expired; sign in again');
  }
  const user = subject ? await usersRepo.findById(db, subject) : undefined;
  if (!user || user.disabled) throw unauthenticated('the account no longer exists or is disabled');
  return toUserView(user);
}

export function authorize(access: Access, db: Kysely<Database>, secret: string): RequestHandler {
  return async (req, res, next) => {
    if (access === 'public') return next();

    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer '))
      throw unauthenticated('sign in first: Authorization: Bearer <token> is missing');
    const user = await authenticate(header.slice(7), db, secret);
    res.locals.user = user;

    if (access !== 'user' && !access.includes(user.role)) {
      throw forbidden(`this action is for: ${access.join(', ')}`);
    }
    next();
  };
}
