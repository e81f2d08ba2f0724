// The statistics' table of decided steps per department and day (migration 0055) always equals
// the aggregate of `steps` itself, whatever statements change the steps: bulk inserts, updates of
// many rows, a projection writing the same row twice, a step moved to another department or day,
// deletes, and concurrent transactions counting into the same day. On PostgreSQL and on PGlite.
import { sql } from 'kysely';
import { openDatabase, migrateToLatest, type DatabaseHandle } from '../../db/database';
import { statsRepo } from '../../db/repositories/stats';
import { seedDemo } from '../../db/seed';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

type Db = DatabaseHandle['db'];

/** The figures computed from `steps` directly, as the statistics did before the table. */
async function fromSteps(db: Db) {
  const { rows } = await sql<{
    department_code: string;
    decided: number;
    on_time: number;
    overdue: number;
    avg: number | null;
  }>`
    select department_code, count(*)::integer as decided,
           count(*) filter (where not overdue)::integer as on_time,
           count(*) filter (where overdue)::integer as overdue,
           avg(workdays_used)::float8 as avg
    from steps where decided_at is not null group by department_code order by department_code`.execute(db);
  return rows.map((r) => ({ ...r, avg: r.avg === null ? null : Math.round(r.avg * 1e6) / 1e6 }));
}

async function fromTable(db: Db) {
  return (await statsRepo.departments(db, {})).map((r) => ({
    department_code: r.department_code,
    decided: r.decided,
    on_time: r.on_time,
    overdue: r.overdue,
    avg: r.avg_workdays === null ? null : Math.round(Number(r.avg_workdays) * 1e6) / 1e6,
  }));
}

async function monthlyFromSteps(db: Db) {
  const { rows } = await sql<{ month: string; department_code: string; decided: number; on_time: number }>`
    select to_char(decided_at at time zone 'Asia/Shanghai', 'YYYY-MM') as month, department_code,
           count(*)::integer as decided, count(*) filter (where not overdue)::integer as on_time
    from steps where decided_at >= timestamptz '2026-06-01T00:00:00+08:00'
    group by 1, 2 order by 1, 2`.execute(db);
  return rows;
}

async function exercise(db: Db) {
  await seedDemo(db, 'admin');
  await sql`insert into departments (code, name) values ('S1', '甲'), ('S2', '乙'), ('S3', '丙')`.execute(db);
  await sql`insert into users (id, username, password_hash, display_name, role) values ('u-stats', 'stats', 'x', '统计', 'officer')`.execute(
    db,
  );
  await sql`
    insert into applications (id, case_no, query_password, status, project, investor, officer_id, updated_at)
    select 'ST' || g, 'GH-1998-' || lpad(g::text, 6, '0'), 'ABC234', 'in_progress', '{}'::jsonb, '{}'::jsonb, 'u-stats', now()
    from generate_series(1, 400) g`.execute(db);
  const expectEqual = async (when: string) => {
    const [table, steps] = [await fromTable(db), await fromSteps(db)];
    if (JSON.stringify(table) !== JSON.stringify(steps))
      throw new Error(`${when}: ${JSON.stringify({ table, steps })}`);
  };

  // One statement inserting 400 steps, half of them decided over several months and days.
  await sql`
    insert into steps (id, application_id, matter_code, department_code, prerequisites, status, light, decided_at, overdue, workdays_used, updated_at)
    select 'ST' || g || '-S', 'ST' || g, 'PROJECT-FILING', (array['S1','S2','S3'])[1 + g % 3], '[]'::jsonb,
           case when g % 2 = 0 then 'approved' else 'in_review' end, 'none',
           case when g % 2 = 0 then timestamptz '2026-11-30T23:30:00+08:00' - (g * 13 || ' hours')::interval end,
           g % 7 = 0, case when g % 5 <> 0 then g % 11 end, now()
    from generate_series(1, 400) g`.execute(db);
  await expectEqual('after the bulk insert');
  expect((await fromSteps(db)).reduce((n, r) => n + r.decided, 0)).toBe(200);

  // Open steps decided by one statement; a projection writing the same values again.
  await sql`update steps set decided_at = now(), status = 'approved', workdays_used = 3 where id in ('ST1-S', 'ST3-S', 'ST5-S')`.execute(
    db,
  );
  await sql`update steps set decided_at = decided_at, overdue = overdue, workdays_used = workdays_used where id like 'ST%'`.execute(
    db,
  );
  await expectEqual('after decisions and a repeated write');
  // Moved between departments, days and on-time/overdue; a decision taken back (a resubmission).
  await sql`update steps set department_code = 'S3', overdue = not overdue where id in ('ST2-S', 'ST4-S', 'ST14-S')`.execute(
    db,
  );
  await sql`update steps set decided_at = decided_at - interval '40 days' where id = 'ST6-S'`.execute(db);
  await sql`update steps set decided_at = null, status = 'in_review', workdays_used = null where id = 'ST8-S'`.execute(
    db,
  );
  await expectEqual('after moves and a decision taken back');
  await sql`delete from steps where id in ('ST10-S', 'ST11-S')`.execute(db);
  await expectEqual('after deletes');

  // Concurrent transactions counting into the same department and day.
  await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      db.transaction().execute(async (trx) => {
        await sql`update steps set decided_at = timestamptz '2026-11-20T10:00:00+08:00', overdue = ${i % 2 === 0}, workdays_used = ${i}
                  where id = ${`ST${101 + 2 * i}-S`}`.execute(trx);
      }),
    ),
  );
  await expectEqual('after concurrent decisions');

  // The period filter is by Shanghai day, both ends included, and the monthly figures match.
  const { rows: nov20 } = await sql<{ n: number }>`
    select count(*)::integer as n from steps
    where decided_at >= timestamptz '2026-11-20T00:00:00+08:00' and decided_at < timestamptz '2026-11-21T00:00:00+08:00'`.execute(
    db,
  );
  const day = await statsRepo.departments(db, { from: '2026-11-20', to: '2026-11-20' });
  expect(day.reduce((n, r) => n + r.decided, 0)).toBe(nov20[0]!.n);
  expect(nov20[0]!.n).toBeGreaterThanOrEqual(8);
  const monthly = await statsRepo.monthly(db, 6, new Date('2026-11-30T12:00:00+08:00'));
  expect(monthly.map((r) => ({ ...r }))).toEqual(await monthlyFromSteps(db));
  expect(new Set(monthly.map((r) => r.month)).size).toBe(6);
}

describe('decided steps per department and day', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  it('when steps are inserted, decided, moved, written twice and deleted, then the table equals the aggregate of the steps (PostgreSQL)', async () => {
    await exercise(db.db);
  });
});

describe('decided steps per department and day on embedded PGlite', () => {
  let db: DatabaseHandle;
  beforeAll(async () => {
    db = await openDatabase({ inMemory: true });
    await migrateToLatest(db.db);
  });
  afterAll(async () => {
    await db?.close();
  });
  it('when the same statements run on PGlite, then the same holds', async () => {
    await exercise(db.db);
  });
});
