// The business gauges of GET /metrics: small grouped counts over indexed columns, read at scrape time.
import { sql, type Kysely } from 'kysely';
import { OPEN_STEP_STATUSES } from '../../domain/step-rules';
import type { Database } from '../schema';

export const metricsRepo = {
  /** Open steps per department and light. */
  openSteps(db: Kysely<Database>) {
    return db
      .selectFrom('steps')
      .select((eb) => ['department_code', 'light', eb.fn.countAll<string>().as('n')])
      .where('status', 'in', OPEN_STEP_STATUSES)
      .groupBy(['department_code', 'light'])
      .execute();
  },

  /** Open supervision cases per level. */
  openCases(db: Kysely<Database>) {
    return db
      .selectFrom('supervision_cases')
      .select((eb) => ['level', eb.fn.countAll<string>().as('n')])
      .where('status', '=', 'open')
      .groupBy('level')
      .execute();
  },

  applicationsByStatus(db: Kysely<Database>) {
    return db
      .selectFrom('applications')
      .select((eb) => ['status', eb.fn.countAll<string>().as('n')])
      .groupBy('status')
      .execute();
  },

  /**
   * Work written but not yet carried out, per outbox: launches whose workflow has not started,
   * notification deliveries not yet sent (pending or in flight), events whose documents are not
   * yet issued. Each count is served by a partial or small index.
   */
  async outboxBacklog(db: Kysely<Database>): Promise<Array<{ outbox: string; n: number }>> {
    const { rows } = await sql<{ outbox: string; n: string }>`
      select 'launch' as outbox, count(*) as n from applications where workflow_started_at is null
      union all
      select 'deliveries', count(*) from deliveries where status in ('pending', 'sending')
      union all
      select 'documents', count(*) from document_queue`.execute(db);
    return rows.map((r) => ({ outbox: r.outbox, n: Number(r.n) }));
  },
};
