// One error shape for every failure: {"error": {"code", "message", "details"?}}.
import type { ErrorRequestHandler } from 'express';
import {
  isGrpcServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { FailureType } from '../workflows/shared';

export type ErrorCode =
  | 'invalid_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export interface ErrorDetail {
  field: string;
  /** English, for logs and API clients. */
  message: string;
  /** The check that failed (zod's issue code: too_small, too_big, invalid_format, invalid_type, custom, …). */
  code?: string;
  /** Its bounds or parameters (minimum, maximum, format, a custom check's `problem`), for clients that word it. */
  params?: Record<string, string | number>;
}

/** A refusal's stable code and parameters (domain/step-rules.ts), for the UI to word in the reader's language. */
export interface RefusalReason {
  reason: string;
  params: Record<string, string | number>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers: Record<string, string> = {},
    readonly refusal?: RefusalReason,
  ) {
    super(message);
  }
}

/** The refusal a workflow validator attached to its failure (see workflows/common.ts `refuse`). */
function refusalOf(failure: ApplicationFailure): RefusalReason | undefined {
  const first = failure.details?.[0] as { code?: unknown; params?: unknown } | undefined;
  if (typeof first?.code !== 'string') return undefined;
  return { reason: first.code, params: (first.params ?? {}) as RefusalReason['params'] };
}

const REFUSAL_STATUS = {
  Forbidden: [403, 'forbidden'],
  InvalidInput: [400, 'invalid_request'],
  Conflict: [409, 'conflict'],
} as const;

export const badRequest = (message: string, details?: ErrorDetail[]) =>
  new HttpError(400, 'invalid_request', message, details);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);
export const forbidden = (message = 'you may not do this') => new HttpError(403, 'forbidden', message);
export const conflict = (message: string) => new HttpError(409, 'conflict', message);
export const unavailable = (message: string, options?: { cause?: unknown }) => {
  const error = new HttpError(503, 'unavailable', message, undefined, { 'Retry-After': '5' });
  if (options?.cause !== undefined) error.cause = options.cause;
  return error;
};

/** gRPC codes that mean "Temporal did not answer (in time)": CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, UNAVAILABLE. */
const UNAVAILABLE_GRPC_CODES = new Set([1, 4, 8, 14]);

/**
 * True when a Temporal call failed because the server did not answer: a deadline passed (an
 * Update then throws WorkflowUpdateRPCTimeoutOrCancelledError, other calls a ServiceError wrapping
 * the gRPC error, raw service calls the gRPC error itself), or the server is unreachable.
 */
export function isTemporalUnavailable(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (isGrpcServiceError(e) && UNAVAILABLE_GRPC_CODES.has(e.code)) return true;
  }
  return false;
}

/** Temporal and PostgreSQL outages become 503 with Retry-After; validator refusals become 409/403/400. */
export function translateError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof WorkflowNotFoundError) return new HttpError(404, 'not_found', 'workflow not found');
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) {
      const refusal = refusalOf(cause);
      if (cause.type === FailureType.RateLimited) {
        // The next allowed time travels as data, not inside the message.
        const next = refusal?.params.nextAllowedAt;
        const seconds = typeof next === 'string' ? Math.max(1, Math.ceil((Date.parse(next) - Date.now()) / 1000)) : 60;
        return new HttpError(
          429,
          'rate_limited',
          cause.message,
          undefined,
          { 'Retry-After': String(seconds) },
          refusal,
        );
      }
      const [status, code] =
        REFUSAL_STATUS[(cause.type ?? 'Conflict') as keyof typeof REFUSAL_STATUS] ?? REFUSAL_STATUS.Conflict;
      return new HttpError(status, code, cause.message, undefined, {}, refusal);
    }
    return conflict(err.message);
  }
  const e = err as { type?: string; status?: number; code?: string | number; name?: string; message?: string };
  if (e?.type === 'entity.too.large')
    return new HttpError(413, 'payload_too_large', 'request body is larger than 1 MB');
  if (e?.type === 'entity.parse.failed')
    return badRequest('request body is not valid JSON', [{ field: 'body', message: 'malformed JSON' }]);
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return badRequest('unsupported body encoding');
  // Temporal not answering (deadline, unreachable, Update RPC timeout) or any other service error;
  // connection errors from pg.
  if (isTemporalUnavailable(err) || e?.name === 'ServiceError' || e?.code === 14 || e?.code === 4)
    return unavailable('the workflow service is unavailable; try again shortly', { cause: err });
  if (typeof e?.code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|57P0[1-3]|08\d\d\d)$/.test(e.code)) {
    return unavailable('the database is unavailable; try again shortly');
  }
  return undefined;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = translateError(err);
    const httpError = known ?? new HttpError(500, 'internal', 'internal error');
    if (!known || httpError.status >= 500) {
      (req.log ?? log).error({ err }, 'request failed');
    }
    res.status(httpError.status).set(httpError.headers);
    res.json({
      error: {
        code: httpError.code,
        message: httpError.message,
        ...(httpError.details ? { details: httpError.details } : {}),
        ...(httpError.refusal ?? {}),
      },
    });
  };
}
