import { Router } from 'express';
import type { z } from 'zod';
import { notificationsRepo } from '../../db/repositories/notifications';
import { stepsRepo } from '../../db/repositories/steps';
import { currentUser } from '../auth';
import type { AppDeps } from '../deps';
import { InboxQuery } from '../schemas';
import { toStepView } from '../views';
import { validate } from '../validate';

export function createNotificationsRouter({ db }: AppDeps): Router {
  const router = Router();

  router.get('/api/notifications', validate({ query: InboxQuery }), async (_req, res) => {
    const q = res.locals.query as z.infer<typeof InboxQuery>;
    const rows = await notificationsRepo.forUser(db, currentUser(res), q.pageSize, (q.page - 1) * q.pageSize);
    res.json(
      rows.map((n) => ({
        id: n.id,
        type: n.type,
        message: n.message,
        applicationId: n.application_id,
        stepId: n.step_id,
        at: n.created_at.toISOString(),
      })),
    );
  });

  // The cashier's list: steps whose catalog fee is due (收费处).
  router.get('/api/fees/due', async (_req, res) => {
    res.json((await stepsRepo.feesDue(db)).map(toStepView));
  });

  return router;
}
