// Issued documents and their outbox (migration 0011). Documents are inserted once and never
// changed; queue rows are leased by one issuer at a time and deleted with the documents they issue.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DocumentKind } from '../../domain/documents';
import type { Database, DocumentRow, EventRow } from '../schema';

type Db = Kysely<Database> | Transaction<Database>;

export interface QueuedEvent {
  event_id: string;
  event_seq: number;
  application_id: string;
  attempts: number;
}

export type NewDocument = Omit<DocumentRow, 'created_at'>;

/** A document without its bytes, with the number of the one that replaced it (if any). */
export type DocumentMeta = Omit<DocumentRow, 'pdf'> & { superseded_by: string | null };

export const documentsRepo = {
  /**
   * Leases the next event to issue documents for, for `leaseSeconds`: the oldest whose lease is
   * free, and only the oldest pending event of its application (one issuer at a time per
   * application, in the order of the log, so numbers and supersessions follow the events).
   * Concurrent issuers skip each other's rows. Undefined when nothing is due.
   */
  async lease(db: Db, leaseSeconds: number): Promise<QueuedEvent | undefined> {
    const { rows } = await sql<QueuedEvent>`
      update document_queue q
         set leased_until = now() + ${leaseSeconds}::int * interval '1 second', attempts = q.attempts + 1
       where q.event_id = (
         select c.event_id from document_queue c
          where (c.leased_until is null or c.leased_until < now())
            and not exists (select 1 from document_queue p
                             where p.application_id = c.application_id and p.event_seq < c.event_seq)
          order by c.event_seq
          limit 1
          for update skip locked)
      returning q.event_id, q.event_seq, q.application_id, q.attempts`.execute(db);
    return rows[0];
  },

  /** A failed issue: the row waits `retrySeconds` before another try, with its error kept for the operator. */
  async postpone(db: Db, eventId: string, retrySeconds: number, error: string): Promise<void> {
    await db
      .updateTable('document_queue')
      .set({
        leased_until: sql`now() + ${retrySeconds}::int * interval '1 second'`,
        last_error: error.slice(0, 2000),
      })
      .where('event_id', '=', eventId)
      .execute();
  },

  /** The event a queue row names, from the permanent log. */
  sourceEvent(db: Db, eventId: string): Promise<EventRow | undefined> {
    return db.selectFrom('events').selectAll().where('event_id', '=', eventId).executeTakeFirst();
  },

  /** Takes the queue row for the issuing transaction; undefined when another issuer finished it. */
  async claimForIssue(trx: Transaction<Database>, eventId: string): Promise<boolean> {
    const row = await trx
      .selectFrom('document_queue')
      .select('event_id')
      .where('event_id', '=', eventId)
      .forUpdate()
      .executeTakeFirst();
    return row !== undefined;
  },

  async dequeue(trx: Db, eventId: string): Promise<void> {
    await trx.deleteFrom('document_queue').where('event_id', '=', eventId).execute();
  },

  /** Serialises issuers per application inside a transaction (numbers are per application and kind). */
  async lockApplication(trx: Transaction<Database>, applicationId: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext(${'documents:' + applicationId}))`.execute(trx);
  },

  /** How many documents of `kind` the application has (the next number is one more). */
  async count(db: Db, applicationId: string, kind: DocumentKind): Promise<number> {
    const row = await db
      .selectFrom('documents')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('application_id', '=', applicationId)
      .where('kind', '=', kind)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },

  /** The current document of `kind` for the step (or the application when `stepId` is null): none replaces it yet. */
  async current(db: Db, applicationId: string, stepId: string | null, kind: DocumentKind): Promise<string | undefined> {
    const row = await db
      .selectFrom('documents as d')
      .select('d.id')
      .where('d.application_id', '=', applicationId)
      .where('d.kind', '=', kind)
      .where((eb) => (stepId === null ? eb('d.step_id', 'is', null) : eb('d.step_id', '=', stepId)))
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('documents as n').select('n.id').whereRef('n.supersedes', '=', 'd.id'))),
      )
      .orderBy('d.source_event_seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.id;
  },

  /** Inserts a document once: false when its event already issued one of its kind (or its number is taken). */
  async insert(db: Db, d: NewDocument): Promise<boolean> {
    const r = await db
      .insertInto('documents')
      .values(d)
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    return r !== undefined;
  },

  listByApplication(db: Db, applicationId: string): Promise<DocumentMeta[]> {
    return db
      .selectFrom('documents as d')
      .leftJoin('documents as n', 'n.supersedes', 'd.id')
      .select([
        'd.id',
        'd.application_id',
        'd.step_id',
        'd.kind',
        'd.title',
        'd.source_event_id',
        'd.source_event_seq',
        'd.issued_at',
        'd.created_at',
        'd.sha256',
        'd.size_bytes',
        'd.supersedes',
        'n.id as superseded_by',
      ])
      .where('d.application_id', '=', applicationId)
      .orderBy('d.source_event_seq')
      .orderBy('d.id')
      .execute();
  },

  find(db: Db, id: string): Promise<DocumentRow | undefined> {
    return db.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirst();
  },

  /** The application a document belongs to, without reading its bytes. */
  async applicationOf(db: Db, id: string): Promise<string | undefined> {
    const row = await db.selectFrom('documents').select('application_id').where('id', '=', id).executeTakeFirst();
    return row?.application_id;
  },

  /** Events still waiting for their documents (the outbox's backlog), oldest first. */
  pending(db: Db, limit = 100) {
    return db.selectFrom('document_queue').selectAll().orderBy('event_seq').limit(limit).execute();
  },
};
