// Authorization in one place: each request is matched against the route table; public routes
// pass, every other route needs a valid token and one of the roles the table names. Scoping
// beyond the role (department, ownership) is checked by the handlers, as the table documents.
import type { RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import type { Kysely } from 'kysely';
import { match } from 'path-to-regexp';
import { usersRepo } from '../db/repositories/users';
import type { Database } from '../db/schema';
import { toUserView } from './auth';
import { forbidden, HttpError } from './errors';
import { ROUTES, type RouteSpec } from './route-table';

const unauthenticated = (message: string) => new HttpError(401, 'unauthenticated', message);

export function findRoute(method: string, path: string): RouteSpec | undefined {
  const m = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
  return COMPILED.find((c) => c.spec.method === m && c.matches(path))?.spec;
}

const COMPILED = ROUTES.map((spec) => ({ spec, matches: match(spec.path, { decode: decodeURIComponent }) }));

export function authorize(db: Kysely<Database>, secret: string): RequestHandler {
  return async (req, res, next) => {
    const spec = findRoute(req.method, req.path);
    if (!spec || spec.access === 'public') return next();

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

    if (spec.access !== 'user' && !spec.access.includes(user.role)) {
      throw forbidden(`this action is for: ${spec.access.join(', ')}`);
    }
    next();
  };
}
