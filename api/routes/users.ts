import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { z } from 'zod';
import { departmentsRepo } from '../../db/repositories/departments';
import { usersRepo } from '../../db/repositories/users';
import { hashPassword } from '../../lib/passwords';
import { toUserView } from '../auth';
import type { AppDeps } from '../deps';
import { badRequest, conflict } from '../errors';
import { CreateUserBody } from '../schemas';
import { validate } from '../validate';

export function createUsersRouter({ db }: AppDeps): Router {
  const router = Router();

  router.get('/api/users', async (_req, res) => {
    res.json((await usersRepo.list(db)).map(toUserView));
  });

  router.post('/api/users', validate({ body: CreateUserBody }), async (req, res) => {
    const body = req.body as z.infer<typeof CreateUserBody>;
    if (body.departmentCode && !(await departmentsRepo.find(db, body.departmentCode))) {
      throw badRequest('unknown department', [{ field: 'body.departmentCode', message: 'unknown department code' }]);
    }
    const id = randomUUID();
    const inserted = await usersRepo.insert(db, {
      id,
      username: body.username,
      passwordHash: await hashPassword(body.password),
      displayName: body.displayName,
      role: body.role,
      departmentCode: body.departmentCode ?? null,
    });
    if (!inserted) throw conflict(`username ${body.username} is taken`);
    res.status(201).json(toUserView((await usersRepo.findById(db, id))!));
  });

  return router;
}
