// The context the web UI shows beside a step on a list row or its page: the project and investor
// by name, the latest urge with its words, the open supervision case. Three reads per list (not
// per row), each by the ids of the rows.
import type { Kysely } from 'kysely';
import { applicationsRepo } from '../../db/repositories/applications';
import { eventsRepo } from '../../db/repositories/events';
import { supervisionRepo } from '../../db/repositories/supervision';
import type { Database, StepRow } from '../../db/schema';
import { toStepContext, type StepContextView } from '../views';

export async function stepContexts(
  db: Kysely<Database>,
  rows: readonly StepRow[],
): Promise<Map<string, StepContextView>> {
  const stepIds = rows.map((r) => r.id);
  const urged = rows.filter((r) => r.last_urged_at !== null).map((r) => r.id);
  const [names, urges, cases] = await Promise.all([
    applicationsRepo.namesOf(
      db,
      rows.map((r) => r.application_id),
    ),
    eventsRepo.latestOfType(db, urged, 'step_urged'),
    supervisionRepo.openForSteps(db, stepIds),
  ]);
  return new Map(rows.map((r) => [r.id, toStepContext(names.get(r.application_id), urges.get(r.id), cases.get(r.id))]));
}

/** The rows' views with their context added. */
export async function withContexts<V extends { id: string }>(
  db: Kysely<Database>,
  rows: readonly StepRow[],
  views: V[],
): Promise<Array<V & StepContextView>> {
  const contexts = await stepContexts(db, rows);
  return views.map((v) => ({ ...v, ...contexts.get(v.id)! }));
}
