import { Router } from 'express';
import type { z } from 'zod';
import { findCycle } from '../../domain/plan';
import { auditRepo } from '../../db/repositories/audit';
import { departmentsRepo } from '../../db/repositories/departments';
import { currentUser } from '../auth';
import { mattersRepo, type Matter } from '../../db/repositories/matters';

import type { AppDeps } from '../deps';
import { badRequest, notFound } from '../errors';
import { CodeParams, MatterBody } from '../schemas';
import { validate } from '../validate';

export function createMattersRouter({ db }: AppDeps): Router {
  const router = Router();

  // The public service guide (服务指南): no sign-in needed.
  router.get('/api/matters', async (_req, res) => {
    res.json(await mattersRepo.list(db));
  });

  router.get('/api/matters/:code', validate({ params: CodeParams }), async (req, res) => {
    const matter = await mattersRepo.find(db, req.params.code as string);
    if (!matter) throw notFound('matter');
    res.json(matter);
  });

  router.put('/api/matters/:code', validate({ params: CodeParams, body: MatterBody }), async (req, res) => {
    const matter: Matter = { code: req.params.code as string, ...(req.body as z.infer<typeof MatterBody>) };
    if (!(await departmentsRepo.find(db, matter.departmentCode))) {
      throw badRequest('unknown department', [{ field: 'body.departmentCode', message: 'unknown department code' }]);
    }
    const catalog = new Map((await mattersRepo.list(db)).map((m) => [m.code, m]));
    catalog.set(matter.code, matter);
    const unknown = matter.prerequisites.filter((p) => !catalog.has(p));
    if (unknown.length > 0) {
      throw badRequest(
        'unknown prerequisites',
        unknown.map((c) => ({ field: 'body.prerequisites', message: `unknown matter code ${c}` })),
      );
    }
    const cycle = findCycle(catalog);
    if (cycle) {
      throw badRequest(`prerequisite cycle: ${cycle.join(' → ')}`, [
        { field: 'body.prerequisites', message: `would create the cycle ${cycle.join(' → ')}` },
      ]);
    }
    await mattersRepo.upsert(db, matter);
    await auditRepo.record(db, {
      actor: currentUser(res),
      action: 'matter_saved',
      target: matter.code,
      detail: {
        name: matter.name,
        promisedLimitDays: matter.promisedLimitDays,
        fee: matter.fee,
        prerequisites: matter.prerequisites,
      },
    });
    res.json(matter);
  });

  return router;
}
