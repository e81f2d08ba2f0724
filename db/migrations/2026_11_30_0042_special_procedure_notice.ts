// Frozen: the special procedure notice (特别程序告知书) is issued like the other documents: the
// documents outbox trigger of migration 0011 also enqueues `special_procedure_started` events.
import { sql, type Kysely } from 'kysely';

const BEFORE = [
  'step_accepted',
  'step_deemed_accepted',
  'supplement_requested',
  'step_rejected',
  'step_refused_acceptance',
  'application_completed',
] as const;
/** The event types that issue documents, as of this migration (domain/documents.ts keeps the live list). */
export const DOCUMENT_SOURCE_EVENT_TYPES = [...BEFORE, 'special_procedure_started'] as const;

async function enqueueOn(db: Kysely<any>, types: readonly string[]): Promise<void> {
  await sql`drop trigger events_enqueue_documents on events`.execute(db);
  await sql`
    create trigger events_enqueue_documents after insert on events
    for each row when (new.type in (${sql.join(types.map((t) => sql.lit(t)))}))
    execute function events_enqueue_documents()`.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  await enqueueOn(db, DOCUMENT_SOURCE_EVENT_TYPES);
}

export async function down(db: Kysely<any>): Promise<void> {
  await enqueueOn(db, BEFORE);
}
