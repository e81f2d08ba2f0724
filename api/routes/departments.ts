import { Router } from 'express';
import type { z } from 'zod';
import { auditRepo } from '../../db/repositories/audit';
import { departmentsRepo } from '../../db/repositories/departments';
import { currentUser } from '../auth';

import type { AppDeps } from '../deps';
import { DepartmentBody } from '../schemas';
import { validate } from '../validate';

export function createDepartmentsRouter({ db }: AppDeps): Router {
  const router = Router();

  router.get('/api/departments', async (_req, res) => {
    res.json(await departmentsRepo.list(db));
  });

  router.post('/api/departments', validate({ body: DepartmentBody }), async (req, res) => {
    const body = req.body as z.infer<typeof DepartmentBody>;
    await departmentsRepo.upsert(db, body);
    await auditRepo.record(db, {
      actor: currentUser(res),
      action: 'department_saved',
      target: body.code,
      detail: { name: body.name },
    });
    res.status(201).json(body);
  });

  return router;
}
