// Builds the Express app without listening, so tests mount it on a random port.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import cors from 'cors';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { createDocsRouter } from './openapi';
import { redactUrl } from '../lib/logger';
import { projectRoot } from '../lib/paths';
import { currentSpan, currentTraceId } from '../lib/tracing';
import type { AppDeps } from './deps';
import { errorHandler, HttpError } from './errors';
import { createCodecRouter } from './codec';
import { createMetrics } from './metrics';
import { createAnonymousRateLimit } from './rate-limit';
import { createApiRouter, ROUTES } from './routes';
import { securityHeaders } from './security-headers';

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  app.use(securityHeaders());
  app.use(
    pinoHttp({
      logger: deps.log,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w-]{1,100}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        // The request id links the log line and the trace: on the server span as an attribute,
        // and the trace id on the log line (customProps below).
        currentSpan()?.setAttribute('http.request_id', id);
        return id;
      },
      customProps: () => {
        const traceId = currentTraceId();
        return traceId ? { traceId } : {};
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' },
      // GET /api/public/progress carries the query password in its query string.
      serializers: { req: (req: { url?: string }) => ({ ...req, url: redactUrl(req.url) }) },
    }),
  );
  // CORS stays closed unless the center lists the origins that may call the API from a browser.
  if (deps.config.corsOrigins.length > 0) app.use(cors({ origin: [...deps.config.corsOrigins], maxAge: 600 }));
  const metrics = createMetrics(deps);
  app.use(metrics.timing);
  app.get('/metrics', metrics.endpoint);
  // Anonymous endpoints, limited per address before any body is read (shared by every replica).
  app.use(createAnonymousRateLimit(deps, ROUTES));
  app.use(express.json({ limit: '1mb', strict: true }));
  // Every declared route (api/routes/index.ts), each behind authentication and access,
  // idempotency, validation and its scope, as its declaration names them.
  app.use(createApiRouter(deps));
  app.use(createCodecRouter(deps));
  app.use(createDocsRouter());

  app.use('/api', () => {
    throw new HttpError(404, 'not_found', 'no such endpoint');
  });
  // The web UI (web/dist, built by `npm run build`): files, and index.html for client-side routes.
  const webDist = path.join(projectRoot(), 'web', 'dist');
  if (fs.existsSync(path.join(webDist, 'index.html'))) {
    app.use(express.static(webDist, { index: 'index.html', maxAge: '1h' }));
    app.get(/^\/(?!api\/|docs|openapi\.json|healthz|metrics|codec).*/, (_req, res) =>
      res.sendFile(path.join(webDist, 'index.html')),
    );
  }
  app.use(errorHandler(deps.log));
  return app;
}
