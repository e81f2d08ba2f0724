// Migration 0010 numbers the applications launched before it, per Beijing year, and the counters
// continue from there.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { Client } from 'pg';
import { migrator, openDatabase, type DatabaseHandle } from '../../db/database';
import { applicationsRepo } from '../../db/repositories/applications';
import { seedDemoBeforeVersions } from '../helpers/legacy-seed';
import { baseDatabaseUrl } from '../helpers/database';

const name = `ja_test_${randomBytes(6).toString('hex')}`;
let handle: DatabaseHandle;

async function admin(query: string) {
  const client = new Client({ connectionString: baseDatabaseUrl() });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await admin(`create database ${name}`);
  const url = new URL(baseDatabaseUrl());
  url.pathname = `/${name}`;
  handle = await openDatabase({ databaseUrl: url.toString() });
});

afterAll(async () => {
  await handle?.close();
  await admin(`drop database if exists ${name} with (force)`);
});

it('when applications exist before the migration, then they are numbered in launch order per Beijing year and new launches continue the count', async () => {
  const { db } = handle;
  const before = await migrator(db).migrateTo('2026_11_30_0008_board_index');
  expect(before.error).toBeUndefined();
  await seedDemoBeforeVersions(db);
  const officer = await db.selectFrom('users').select('id').where('username', '=', 'officer').executeTakeFirstOrThrow();
  // 2025-12-31T16:30Z is already 2026 in Beijing.
  const launched: Array<[string, string]> = [
    ['A1', '2025-12-31T10:00:00Z'],
    ['A2', '2025-12-31T16:30:00Z'],
    ['A3', '2026-03-01T02:00:00Z'],
  ];
  for (const [id, at] of launched) {
    await sql`insert into applications (id, status, project, investor, officer_id, created_at, updated_at, workflow_started_at)
              values (${id}, 'in_progress', '{}'::jsonb, '{}'::jsonb, ${officer.id}, ${at}, ${at}, ${at})`.execute(db);
  }

  const after = await migrator(db).migrateToLatest();
  expect(after.error).toBeUndefined();
  const rows = await db.selectFrom('applications').select(['id', 'case_no', 'query_password']).orderBy('id').execute();
  expect(rows.map((r) => [r.id, r.case_no])).toEqual([
    ['A1', 'GH-2025-000001'],
    ['A2', 'GH-2026-000001'],
    ['A3', 'GH-2026-000002'],
  ]);
  for (const r of rows) expect(r.query_password).toMatch(/^[0-9A-F]{6}$/);
  expect(await applicationsRepo.nextCaseNo(db, new Date('2026-06-01T00:00:00Z'))).toBe('GH-2026-000003');
  expect(await applicationsRepo.nextCaseNo(db, new Date('2027-01-05T00:00:00Z'))).toBe('GH-2027-000001');
});
