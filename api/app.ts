// Builds the Express app without listening, so tests mount it on a random port.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { sql } from 'kysely';
import { pinoHttp } from 'pino-http';
import { authorize } from './authorize';
import { idempotency } from './idempotency';
import { createDocsRouter } from './openapi';
import { projectRoot } from '../lib/paths';
import type { AppDeps } from './deps';
import { errorHandler, HttpError, unavailable } from './errors';
import { createApplicationsRouter } from './routes/applications';
import { createAuthRouter } from './routes/auth';
import { createDepartmentsRouter } from './routes/departments';
import { createMattersRouter } from './routes/matters';
import { createStepsRouter } from './routes/steps';
import { createUsersRouter } from './routes/users';
import { createCalendarRouter } from './routes/calendar';
import { createNotificationsRouter } from './routes/notifications';
import { createSessionsRouter } from './routes/sessions';
import { createSupervisionRouter } from './routes/supervision';
import { callTemporal } from './temporal-call';

/** Health answers quickly (3 s, or the RPC deadline if shorter): a load balancer must not wait on it. */
const HEALTH_TIMEOUT_MS = 3_000;

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(helmet());
  app.use(
    pinoHttp({
      logger: deps.log,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w-]{1,100}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' },
    }),
  );
  // CORS stays closed unless the center lists the origins that may call the API from a browser.
  if (deps.config.corsOrigins.length > 0) app.use(cors({ origin: [...deps.config.corsOrigins], maxAge: 600 }));
  app.use(express.json({ limit: '1mb', strict: true }));
  app.use(authorize(deps.db, deps.config.jwtSecret));
  app.use(idempotency(deps.db));

  app.get('/healthz', async (_req, res) => {
    try {
      await sql`select 1`.execute(deps.db);
    } catch {
      throw unavailable('the database does not answer');
    }
    try {
      await callTemporal(
        deps,
        () => deps.temporal.workflowService.getSystemInfo({}),
        Math.min(HEALTH_TIMEOUT_MS, deps.config.temporalRpcTimeoutMs),
      );
    } catch {
      throw unavailable('Temporal does not answer');
    }
    res.json({ status: 'ok' });
  });

  app.use(createDocsRouter());
  app.use(createAuthRouter(deps));
  app.use(createUsersRouter(deps));
  app.use(createDepartmentsRouter(deps));
  app.use(createMattersRouter(deps));
  app.use(createApplicationsRouter(deps));
  app.use(createStepsRouter(deps));
  app.use(createSessionsRouter(deps));
  app.use(createSupervisionRouter(deps));
  app.use(createCalendarRouter(deps));
  app.use(createNotificationsRouter(deps));

  app.use('/api', () => {
    throw new HttpError(404, 'not_found', 'no such endpoint');
  });
  // The web UI (web/dist, built by `npm run build`): files, and index.html for client-side routes.
  const webDist = path.join(projectRoot(), 'web', 'dist');
  if (fs.existsSync(path.join(webDist, 'index.html'))) {
    app.use(express.static(webDist, { index: 'index.html', maxAge: '1h' }));
    app.get(/^\/(?!api\/|docs|openapi\.json|healthz).*/, (_req, res) => res.sendFile(path.join(webDist, 'index.html')));
  }
  app.use(errorHandler(deps.log));
  return app;
}
