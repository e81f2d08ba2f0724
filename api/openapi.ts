// The OpenAPI 3.1 document, generated from the route declarations and their zod schemas (the
// same declarations that mount authorization, validation and scope), and the interactive
// reference page at /docs.
import path from 'node:path';
import express, { Router } from 'express';
import { z } from 'zod';
import { defineRoute, type RouteSpec } from './routes/define';
import { scopes } from './access';

const ERROR_RESPONSES: Record<string, string> = {
  '400': 'invalid_request: the details name each offending field',
  '401': 'unauthenticated',
  '403': 'forbidden: wrong role, department or ownership',
  '404': 'not_found',
  '409': 'conflict: the action does not fit the current state',
  '413': 'payload_too_large',
  '429': 'rate_limited',
  '503': 'unavailable: the database or Temporal does not answer; retry after Retry-After',
};

const jsonSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;

function parameters(spec: RouteSpec) {
  const out: Array<Record<string, unknown>> = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!schema) continue;
    const js = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s });
    }
  }
  if (spec.idempotent) {
    out.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'Same key and body: the first answer again. Same key, other body: 409.',
      schema: { type: 'string', maxLength: 200 },
    });
  }
  return out;
}

const codecOperation = (op: 'decode' | 'encode') => ({
  summary: `Temporal Web UI codec: ${op} payloads (Temporal's remote codec protocol)`,
  tags: ['operations'],
  operationId: `postCodec${op[0]!.toUpperCase()}${op.slice(1)}`,
  description:
    'Access: supervisor, admin (Bearer token, or the ja_codec cookie set at sign-in). Body and answer: {payloads: [{metadata: {key: base64}, data: base64}]}.',
  security: [{ bearer: [] }],
  requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
  responses: {
    '200': { description: 'the payloads, decoded or encoded', content: { 'application/json': { schema: {} } } },
    '400': { description: 'not a payload list, or a payload sealed with an unknown key id' },
    '401': { description: 'not signed in' },
    '403': { description: 'not a supervisor or admin' },
  },
});

/** Endpoints for operators beside the API proper (api/metrics.ts, api/codec.ts). */
const OPERATIONAL_PATHS: Record<string, Record<string, unknown>> = {
  '/metrics': {
    get: {
      summary: 'Prometheus metrics (text format)',
      tags: ['operations'],
      operationId: 'getMetrics',
      description: 'Access: the same machine, or a Bearer METRICS_TOKEN when it is set.',
      responses: {
        '200': { description: 'metrics', content: { 'text/plain': { schema: { type: 'string' } } } },
        '401': { description: 'METRICS_TOKEN is set and was not sent' },
        '403': { description: 'not the same machine, and no METRICS_TOKEN is set' },
      },
    },
  },
  '/codec/decode': { post: codecOperation('decode') },
  '/codec/encode': { post: codecOperation('encode') },
};

export function buildOpenApiDocument(routes: readonly RouteSpec[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of routes) {
    const p = spec.path.replace(/:(\w+)/g, '{$1}');
    const responses: Record<string, unknown> = {
      [String(spec.success)]: { description: 'success', content: { 'application/json': { schema: {} } } },
    };
    for (const [code, description] of Object.entries(ERROR_RESPONSES)) {
      if (spec.access === 'public' && (code === '401' || code === '403')) continue;
      responses[code] = {
        description,
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    paths[p] ??= {};
    paths[p][spec.method] = {
      summary: spec.summary,
      tags: [spec.tag],
      operationId: `${spec.method}${spec.path.replace(/[/:{}-]+(\w)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      description: `Access: ${spec.access === 'public' ? 'anyone' : spec.access === 'user' ? 'any signed-in user' : spec.access.join(', ')}. Scope: ${spec.scope.name}.`,
      ...(spec.access === 'public' ? {} : { security: [{ bearer: [] }] }),
      parameters: parameters(spec),
      ...(spec.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body) } } } }
        : {}),
      responses,
    };
  }
  Object.assign(paths, OPERATIONAL_PATHS);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Joint-approval orchestrator API (联合审批)',
      version: '1.0.0',
      description: 'Investment-project joint approval at a county administrative approval service center.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                details: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      field: { type: 'string' },
                      message: { type: 'string' },
                      code: { type: 'string' },
                      params: { type: 'object' },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    paths,
  };
}

/** GET /openapi.json: the document of `routes()` (this route among them), built once on first use. */
export function openApiRoute(routes: () => readonly RouteSpec[]) {
  let document: Record<string, unknown> | undefined;
  return defineRoute({
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI document',
    tag: 'system',
    access: 'public',
    scope: scopes.none,
    handler: () => (document ??= buildOpenApiDocument(routes())),
  });
}

/** The interactive reference page at /docs (Swagger UI), reading /openapi.json. */
export function createDocsRouter(): Router {
  const router = Router();
  // Swagger UI from its npm distribution; the initializer points it at our document.
  router.get('/docs/swagger-initializer.js', (_req, res) => {
    res
      .type('application/javascript')
      .send(
        "window.onload = () => { window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null }); };",
      );
  });
  router.use('/docs', express.static(path.dirname(require.resolve('swagger-ui-dist/package.json'))));
  return router;
}
