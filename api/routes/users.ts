import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { z } from 'zod';
import { auditRepo } from '../../db/repositories/audit';
import { departmentsRepo } from '../../db/repositories/departments';
import { usersRepo } from '../../db/repositories/users';
import { hashPassword } from '../../lib/passwords';
import { currentUser, toUserView } from '../auth';
import type { AppDeps } from '../deps';
import { badRequest, conflict } from '../errors';
import { CreateUserBody, InboxQuery } from '../schemas';
import { validate } from '../validate';

export function createUsersRouter({ db }: AppDeps): Router {
  const router = Router();

  router.get('/api/audit', validate({ query: InboxQuery }), async (_req, res) => {
    const q = res.locals.query as z.infer<typeof InboxQuery>;
    const rows = await auditRepo.list(db, q.pageSize, (q.page - 1) * q.pageSize);
    res.json(
      rows.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actor: { id: r.actor_id, displayName: r.actor_name },
        action: r.action,
        target: r.target,
        detail: r.detail,
      })),
    );
  });

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
    await auditRepo.record(db, {
      actor: currentUser(res),
      action: 'user_created',
      target: body.username,
      detail: { role: body.role, departmentCode: body.departmentCode ?? null },
    });
    res.status(201).json(toUserView((await usersRepo.findById(db, id))!));
  });

  return router;
}
