import { Router } from 'express';
import type { z } from 'zod';
import { departmentsRepo } from '../../db/repositories/departments';

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
    res.status(201).json(body);
  });

  return router;
}
