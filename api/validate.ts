// Request validation with zod: every body, query and path parameter has a schema; unknown
// fields are refused; every problem is reported with the field it concerns.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { badRequest, type ErrorDetail } from './errors';

/**
 * The stable part of an issue, for clients that word it themselves (the web UI in the reader's
 * language): zod's issue code and its bounds, the format, or a custom check's own parameters.
 */
function issueParams(i: z.core.$ZodIssue): Record<string, string | number> {
  const p: Record<string, string | number> = {};
  const raw = i as unknown as Record<string, unknown>;
  for (const k of ['minimum', 'maximum', 'origin', 'format', 'expected'] as const) {
    const v = raw[k];
    if (typeof v === 'string' || typeof v === 'number') p[k] = v;
    else if (typeof v === 'bigint') p[k] = Number(v);
  }
  if (i.code === 'custom' && i.params) {
    for (const [k, v] of Object.entries(i.params)) if (typeof v === 'string' || typeof v === 'number') p[k] = v;
  }
  return p;
}

export function issuesToDetails(error: z.ZodError, prefix: string): ErrorDetail[] {
  return error.issues
    .map((i) => {
      const keys = i.code === 'unrecognized_keys' ? i.keys : [undefined];
      return keys.map((k) => ({
        field: [prefix, ...i.path.map(String), ...(k ? [k] : [])].filter(Boolean).join('.'),
        message: i.code === 'unrecognized_keys' ? 'unknown field' : i.message,
        code: i.code,
        params: issueParams(i),
      }));
    })
    .flat();
}

export interface Schemas {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
}

/** The parsed parts of a request, as `validate` leaves them in res.locals.input. */
export interface ParsedInput {
  params: unknown;
  query: unknown;
  body: unknown;
}

/**
 * Validates every part that has a schema, all at once (400 invalid_request naming `params.x`,
 * `query.x`, `body.x`); replaces req.body and req.params with what was parsed and leaves all
 * three parts in res.locals.input (the query also in res.locals.query).
 */
export function validate(schemas: Schemas): RequestHandler {
  return (req, res, next) => {
    const details: ErrorDetail[] = [];
    const parsed: Record<string, unknown> = {};
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = schemas[part];
      if (!schema) continue;
      const input = part === 'body' ? (req.body ?? {}) : req[part];
      const r = schema.safeParse(input);
      if (r.success) parsed[part] = r.data;
      else details.push(...issuesToDetails(r.error, part));
    }
    if (details.length > 0) throw badRequest('the request is invalid', details);
    if (schemas.body) req.body = parsed.body;
    if (schemas.params) Object.assign(req.params, parsed.params);
    res.locals.query = parsed.query;
    const input: ParsedInput = {
      params: schemas.params ? parsed.params : req.params,
      query: schemas.query ? parsed.query : req.query,
      body: schemas.body ? parsed.body : req.body,
    };
    res.locals.input = input;
    next();
  };
}
