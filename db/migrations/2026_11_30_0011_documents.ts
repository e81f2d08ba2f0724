// Frozen: the center's documents (受理通知书, 补正通知书, 不予受理/不予许可决定书, 缴费通知书,
// 办结通知书) as issued PDFs, and the outbox that issues them.
// - documents: one row per issued document, its bytes and their SHA-256, kept unchanged (a trigger
//   refuses updates and deletes, as on the event log). Unique (source_event_id, kind): an event
//   gives at most one document of each kind however often the issuer runs. A newer document of
//   the same kind for the same step names the one it replaces in `supersedes` (at most one successor).
// - document_queue: the outbox. A trigger on the event log enqueues each event that issues a
//   document, in the transaction that writes the event, so the hot path adds one small insert and
//   nothing is lost; the API's issuer leases a row, renders, stores the documents and deletes the
//   row in one transaction. Events written before this migration are enqueued here.
import { sql, type Kysely } from 'kysely';

/** The event types that issue documents, as of this migration (domain/documents.ts keeps the live list). */
export const DOCUMENT_SOURCE_EVENT_TYPES = [
  'step_accepted',
  'step_deemed_accepted',
  'supplement_requested',
  'step_rejected',
  'step_refused_acceptance',
  'application_completed',
] as const;

const typeList = sql.join(DOCUMENT_SOURCE_EVENT_TYPES.map((t) => sql.lit(t)));

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('application_id', 'text', (c) => c.notNull().references('applications.id'))
    .addColumn('step_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('source_event_id', 'text', (c) => c.notNull().references('events.event_id'))
    .addColumn('source_event_seq', 'bigint', (c) => c.notNull())
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('pdf', 'bytea', (c) => c.notNull())
    .addColumn('supersedes', 'text', (c) => c.references('documents.id').unique())
    .addUniqueConstraint('documents_source_kind', ['source_event_id', 'kind'])
    .execute();
  await db.schema
    .createIndex('documents_application')
    .on('documents')
    .columns(['application_id', 'kind', 'source_event_seq'])
    .execute();
  await sql`
    create function documents_unchanged() returns trigger language plpgsql as $$
    begin
      raise exception 'an issued document is kept unchanged';
    end $$`.execute(db);
  await sql`
    create trigger documents_no_update_or_delete before update or delete on documents
    for each row execute function documents_unchanged()`.execute(db);

  await db.schema
    .createTable('document_queue')
    .addColumn('event_id', 'text', (c) => c.primaryKey().references('events.event_id'))
    .addColumn('event_seq', 'bigint', (c) => c.notNull())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('leased_until', 'timestamptz')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('enqueued_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('document_queue_application')
    .on('document_queue')
    .columns(['application_id', 'event_seq'])
    .execute();
  await db.schema.createIndex('document_queue_seq').on('document_queue').column('event_seq').execute();

  await sql`
    create function events_enqueue_documents() returns trigger language plpgsql as $$
    begin
      insert into document_queue (event_id, event_seq, application_id)
      values (new.event_id, new.id, new.application_id)
      on conflict do nothing;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger events_enqueue_documents after insert on events
    for each row when (new.type in (${typeList}))
    execute function events_enqueue_documents()`.execute(db);

  await sql`
    insert into document_queue (event_id, event_seq, application_id)
    select event_id, id, application_id from events where type in (${typeList})`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger events_enqueue_documents on events`.execute(db);
  await sql`drop function events_enqueue_documents`.execute(db);
  await db.schema.dropTable('document_queue').execute();
  await db.schema.dropTable('documents').execute();
  await sql`drop function documents_unchanged`.execute(db);
}
