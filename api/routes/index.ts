// Every route of the API, each declared once in its router file (api/routes/*.ts) next to its
// handler. This list mounts them (api/app.ts), documents them (GET /openapi.json) and is the
// authorization-matrix test's table.
import { openApiRoute } from '../openapi';
import type { AppDeps } from '../deps';
import { applicationRoutes } from './applications';
import { authRoutes } from './auth';
import { calendarRoutes } from './calendar';
import { deliveryRoutes } from './deliveries';
import { complaintRoutes } from './complaints';
import { mountRoutes, type AnyRoute } from './define';
import { departmentRoutes } from './departments';
import { documentRoutes } from './documents';
import { matterRoutes } from './matters';
import { notificationRoutes } from './notifications';
import { publicRoutes } from './public';
import { ratingRoutes } from './ratings';
import { sessionRoutes } from './sessions';
import { stepRoutes } from './steps';
import { supervisionRoutes } from './supervision';
import { systemRoutes } from './system';
import { userRoutes } from './users';
import { accountRoutes } from './accounts';
import { warningRoutes } from './warnings';
import { accountabilityRoutes } from './accountability';
import { assessmentRoutes } from './assessment';

export const ROUTES: readonly AnyRoute[] = [
  ...systemRoutes,
  openApiRoute(() => ROUTES),
  ...authRoutes,
  ...notificationRoutes,
  ...userRoutes,
  ...departmentRoutes,
  ...matterRoutes,
  ...calendarRoutes,
  ...applicationRoutes,
  ...sessionRoutes,
  ...stepRoutes,
  ...supervisionRoutes,
  ...documentRoutes,
  ...publicRoutes,
  ...deliveryRoutes,
  ...complaintRoutes,
  ...ratingRoutes,
  ...accountRoutes,
  ...warningRoutes,
  ...assessmentRoutes,
  ...accountabilityRoutes,
];

/** Every declared route, mounted behind the chain its declaration names. */
export const createApiRouter = (deps: AppDeps) => mountRoutes(ROUTES, deps);
