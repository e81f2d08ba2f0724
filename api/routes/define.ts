// A route is declared once, next to its handler: method, path, who may call it (access), the
// scoping rule beyond the role (scope, with the loader that resolves it) and the zod schemas of
// its input. `mountRoutes` builds the Express chain from the declaration (authentication and
// access, idempotency, validation, scope) so the handler runs only on an authorized, valid,
// in-scope request and gets what the scope loaded. The OpenAPI document (api/openapi.ts) and the
// authorization-matrix test read the same declarations (api/routes/index.ts).
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import type { Scope } from '../access';
import { currentUser, type UserView } from '../auth';
import { authorize, type Access } from '../authorize';
import type { AppDeps } from '../deps';
import { idempotency } from '../idempotency';
import { updateIdFrom } from '../temporal-call';
import { validate, type ParsedInput } from '../validate';

export type { Access } from '../authorize';
export type Method = 'get' | 'post' | 'put' | 'delete';

/** What a handler gets: the parsed input, the caller, and what its scope loaded. */
export interface RouteContext<P, Q, B, R> {
  req: Request;
  res: Response;
  deps: AppDeps;
  params: P;
  query: Q;
  body: B;
  /** What the declared scope loaded and checked (the step, the application, a list filter, ...). */
  resource: R;
  /** The signed-in caller (401 on a public route that has none). */
  readonly user: UserView;
  /** The Temporal Update id for this request's Idempotency-Key (Temporal applies an id once), if it has one. */
  readonly updateId: string | undefined;
}

/** What the declaration says about a route, without its handler: enough to authorize, document and test it. */
export interface RouteSpec {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  access: Access;
  scope: Scope<unknown>;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Status of a successful answer. */
  success: number;
  /** Accepts an Idempotency-Key header (documented; the idempotency middleware runs on every write). */
  idempotent?: boolean;
  /** Open to a user who must change their password (after an admin's reset); other routes answer 403. */
  duringPasswordChange?: boolean;
}

export interface RouteDeclaration<P, Q, B, R> extends Omit<RouteSpec, 'scope' | 'params' | 'query' | 'body'> {
  scope: Scope<R>;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Returns the answer (sent with `success`), or answers itself through `ctx.res`. */
  handler: (ctx: RouteContext<P, Q, B, R>) => Promise<unknown> | unknown;
}

// A list of routes erases each route's own input and resource types; its handler was checked against them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteDeclaration<any, any, any, any>;

type Defaults = 'success';

export function defineRoute<P = undefined, Q = undefined, B = undefined, R = undefined>(
  declaration: Omit<RouteDeclaration<P, Q, B, R>, Defaults> & Partial<Pick<RouteDeclaration<P, Q, B, R>, Defaults>>,
): RouteDeclaration<P, Q, B, R> {
  return { success: 200, ...declaration };
}

function resolveScope(route: AnyRoute, deps: AppDeps): RequestHandler {
  return async (_req, res, next) => {
    const input = res.locals.input as ParsedInput;
    res.locals.resource = await route.scope.resolve({
      deps,
      user: res.locals.user as UserView | undefined,
      params: (input.params ?? {}) as Record<string, unknown>,
    });
    next();
  };
}

function run(route: AnyRoute, deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const input = res.locals.input as ParsedInput;
    const ctx: RouteContext<unknown, unknown, unknown, unknown> = {
      req,
      res,
      deps,
      params: input.params,
      query: input.query,
      body: input.body,
      resource: res.locals.resource,
      get user() {
        return currentUser(res);
      },
      get updateId() {
        return updateIdFrom(res, req.get('Idempotency-Key'));
      },
    };
    const answer: unknown = await route.handler(ctx);
    if (!res.headersSent) res.status(route.success).json(answer);
  };
}

/** One Express router with every declared route, each behind the chain its declaration names. */
export function mountRoutes(routes: readonly AnyRoute[], deps: AppDeps): Router {
  const router = Router();
  const idempotent = idempotency(deps.db);
  const anonymousIdempotent = idempotency(deps.db, { anonymous: true });
  for (const route of routes) {
    router[route.method](
      route.path,
      authorize(route.access, deps.db, deps.config.jwtSecret, { duringPasswordChange: route.duringPasswordChange }),
      route.access === 'public' && route.idempotent ? anonymousIdempotent : idempotent,
      validate({ params: route.params, query: route.query, body: route.body }),
      resolveScope(route, deps),
      run(route, deps),
    );
  }
  return router;
}

/** The spec of a declaration (its handler left out). */
export const specOf = ({ handler: _handler, ...spec }: AnyRoute): RouteSpec => spec;
