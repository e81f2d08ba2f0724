// Request validation with zod: every body, query and path parameter has a schema; unknown
// fields are refused; every problem is reported with the field it concerns.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { badRequest, type ErrorDetail } from './errors';

export function issuesToDetails(error: z.ZodError, prefix: string): ErrorDetail[] {
  return error.issues
    .map((i) => {
      const keys = i.code === 'unrecognized_keys' ? i.keys : [undefined];
      return keys.map((k) => ({
        field: [prefix, ...i.path.map(String), ...(k ? [k] : [])].filter(Boolean).join('.'),
        message: i.code === 'unrecognized_keys' ? 'unknown field' : i.message,
      }));
    })
    .flat();
}

export interface Schemas {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
}

/** Validates and replaces req.body / req.params; the parsed query lands in res.locals.query. */
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
    next();
  };
}
