// Frozen: what the assessment (量化考核) reads.
// - step_decisions: one row per decision of a step attempt (approved, rejected, refused at the
//   window), written by a trigger on the event log when the decision's event is logged, with the
//   state of the step as that same transaction left it (working days used, promised limit, overdue)
//   and who decided (the event's actor). The steps table keeps only a step's latest attempt, so a
//   rejection followed by a resubmission would otherwise vanish from the figures. Existing decisions
//   are copied in below. The trigger never fails the projection that logs the event: an error is
//   a warning in the server's log, not a stuck workflow.
// - supervision_cases_opened_at, complaints_upheld_closed_at: the cases opened and the complaints
//   upheld in a period.
// - assessment_weights: every published set of weights, one version per change, with who and
//   when (append-only); the newest version is in force. None yet = the built-in defaults.
import { sql, type Kysely } from 'kysely';

const DECISION_TYPES = sql.join(['step_approved', 'step_rejected', 'step_refused_acceptance'].map((t) => sql.lit(t)));

/** The columns of a decision, from event `e` and its step `s` (shared by the trigger and the copy). */
const decisionColumns = (e: string) =>
  sql.raw(`
  ${e}.event_id,
  s.id,
  s.application_id,
  coalesce(nullif(substring(${e}.event_id from '#a([0-9]+)#'), '')::integer, s.attempt),
  s.department_code,
  ${e}.actor_id,
  ${e}.actor_name,
  ${e}.at,
  case ${e}.type when 'step_approved' then 'approved' when 'step_rejected' then 'rejected' else 'refused_acceptance' end,
  case ${e}.detail -> 'overdue' when 'true'::jsonb then true when 'false'::jsonb then false else s.overdue end,
  case when s.attempt = coalesce(nullif(substring(${e}.event_id from '#a([0-9]+)#'), '')::integer, s.attempt)
       then s.workdays_used end,
  s.promised_limit_days,
  s.extension_days`);

const COLUMNS = sql.raw(`event_id, step_id, application_id, attempt, department_code, decided_by, decided_by_name,
  decided_at, outcome, overdue, workdays_used, promised_limit_days, extension_days`);

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('step_decisions')
    .addColumn('event_id', 'text', (c) => c.primaryKey().references('events.event_id'))
    .addColumn('step_id', 'text', (c) => c.notNull())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('department_code', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_by_name', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('overdue', 'boolean', (c) => c.notNull())
    .addColumn('workdays_used', 'integer')
    .addColumn('promised_limit_days', 'integer', (c) => c.notNull())
    .addColumn('extension_days', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('step_decisions_decided_at').on('step_decisions').column('decided_at').execute();
  await db.schema
    .createIndex('step_decisions_department')
    .on('step_decisions')
    .columns(['department_code', 'decided_at'])
    .execute();
  await db.schema
    .createIndex('step_decisions_decided_by')
    .on('step_decisions')
    .columns(['decided_by', 'decided_at'])
    .execute();
  await db.schema.createIndex('step_decisions_step').on('step_decisions').columns(['step_id', 'attempt']).execute();

  await sql`
    create function events_record_decision() returns trigger language plpgsql as $$
    begin
      begin
        insert into step_decisions (${COLUMNS})
        select ${decisionColumns('new')} from steps s where s.id = new.step_id
        on conflict (event_id) do nothing;
      exception when others then
        raise warning 'step_decisions: decision % not recorded: %', new.event_id, sqlerrm;
      end;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger events_record_decision after insert on events
    for each row when (new.type in (${DECISION_TYPES}) and new.step_id is not null)
    execute function events_record_decision()`.execute(db);
  await sql`
    insert into step_decisions (${COLUMNS})
    select ${decisionColumns('e')} from events e join steps s on s.id = e.step_id
    where e.type in (${DECISION_TYPES})
    on conflict (event_id) do nothing`.execute(db);

  await db.schema.createIndex('supervision_cases_opened_at').on('supervision_cases').column('opened_at').execute();
  await sql`create index complaints_upheld_closed_at on complaints (closed_at) where upheld`.execute(db);

  await db.schema
    .createTable('assessment_weights')
    .addColumn('version', 'integer', (c) => c.primaryKey().check(sql`version > 0`))
    .addColumn('weights', 'jsonb', (c) => c.notNull())
    .addColumn('changed_by', 'text', (c) => c.notNull())
    .addColumn('changed_by_name', 'text', (c) => c.notNull())
    .addColumn('changed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`
    create function assessment_weights_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'published assessment weights are kept unchanged; publish a new version';
    end $$`.execute(db);
  await sql`
    create trigger assessment_weights_no_update_or_delete before update or delete on assessment_weights
    for each row execute function assessment_weights_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('assessment_weights').execute();
  await sql`drop function assessment_weights_append_only`.execute(db);
  await sql`drop index complaints_upheld_closed_at`.execute(db);
  await sql`drop index supervision_cases_opened_at`.execute(db);
  await sql`drop trigger events_record_decision on events`.execute(db);
  await sql`drop function events_record_decision`.execute(db);
  await db.schema.dropTable('step_decisions').execute();
}
