import type { Kysely } from 'kysely';
import type { Role } from '../../domain/model';
import type { Database, UserRow } from '../schema';

export interface NewUser {
  id: string;
  username: string;
  passwordHash: string;
  displayName: string;
  role: Role;
  departmentCode: string | null;
}

export const usersRepo = {
  findByUsername(db: Kysely<Database>, username: string): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  },
  findById(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  },
  /** Inserts the user unless the username exists; returns whether it was inserted. */
  async insert(db: Kysely<Database>, u: NewUser): Promise<boolean> {
    const r = await db
      .insertInto('users')
      .values({
        id: u.id,
        username: u.username,
        password_hash: u.passwordHash,
        display_name: u.displayName,
        role: u.role,
        department_code: u.departmentCode,
      })
      .onConflict((oc) => oc.column('username').doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
  },
  list(db: Kysely<Database>): Promise<UserRow[]> {
    return db.selectFrom('users').selectAll().orderBy('username').execute();
  },
};
