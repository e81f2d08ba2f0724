import type { Kysely, Transaction } from 'kysely';
import type { Role } from '../../domain/model';
import type { Database, UserRow } from '../schema';

/** A connection or a transaction: the caller owns the transaction (an admin write commits with its audit row). */
type Db = Kysely<Database> | Transaction<Database>;

export interface NewUser {
  id: string;
  username: string;
  passwordHash: string;
  displayName: string;
  role: Role;
  departmentCode: string | null;
}

export const usersRepo = {
  findByUsername(db: Db, username: string): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  },
  findById(db: Db, id: string): Promise<UserRow | undefined> {
    return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  },
  /** Inserts the user unless the username exists; returns whether it was inserted. */
  async insert(db: Db, u: NewUser): Promise<boolean> {
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
  /** Active staff of one department, by name (whom a step can be reassigned to). */
  staffOf(db: Db, departmentCode: string): Promise<UserRow[]> {
    return db
      .selectFrom('users')
      .selectAll()
      .where('role', '=', 'staff')
      .where('department_code', '=', departmentCode)
      .where('disabled', '=', false)
      .orderBy('display_name')
      .execute();
  },
  list(db: Db): Promise<UserRow[]> {
    return db.selectFrom('users').selectAll().orderBy('username').execute();
  },
};
