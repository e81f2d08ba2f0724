import type { Kysely, Transaction } from 'kysely';
import type { Role } from '../../domain/model';
import type { Database, NotifyBy, UserRow } from '../schema';

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
  /** Disables or enables the user unless already so; returns the user, or undefined when nothing changed. */
  setDisabled(db: Db, id: string, disabled: boolean): Promise<UserRow | undefined> {
    return db
      .updateTable('users')
      .set({ disabled })
      .where('id', '=', id)
      .where('disabled', '=', !disabled)
      .returningAll()
      .executeTakeFirst();
  },
  /** A new password hash; `mustChange` after an admin's reset, cleared when the user sets their own. */
  async setPassword(db: Db, id: string, passwordHash: string, mustChange: boolean): Promise<void> {
    await db
      .updateTable('users')
      .set({ password_hash: passwordHash, must_change_password: mustChange })
      .where('id', '=', id)
      .execute();
  },
  list(db: Db): Promise<UserRow[]> {
    return db.selectFrom('users').selectAll().orderBy('username').execute();
  },

  /** Sets where the user's notices are also emailed; returns the user, or undefined when unknown. */
  setNotificationSettings(
    db: Db,
    id: string,
    s: { email: string | null; notifyBy: NotifyBy },
  ): Promise<UserRow | undefined> {
    return db
      .updateTable('users')
      .set({ email: s.email, notify_by: s.notifyBy })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  },

  /**
   * The active users who asked for the notices of this audience by email (an audience is a user,
   * a role, or a department's staff, as the in-app list reads it).
   */
  emailSubscribers(
    db: Db,
    audience: { userId: string | null; role: Role | null; departmentCode: string | null },
  ): Promise<Array<{ id: string; display_name: string; email: string }>> {
    if (!audience.userId && !audience.role && !audience.departmentCode) return Promise.resolve([]);
    return db
      .selectFrom('users')
      .select(['id', 'display_name', 'email'])
      .where('disabled', '=', false)
      .where('notify_by', '=', 'email')
      .where('email', 'is not', null)
      .where((eb) =>
        eb.or([
          ...(audience.userId ? [eb('id', '=', audience.userId)] : []),
          ...(audience.role ? [eb('role', '=', audience.role)] : []),
          ...(audience.departmentCode ? [eb('department_code', '=', audience.departmentCode)] : []),
        ]),
      )
      .orderBy('id')
      .execute() as Promise<Array<{ id: string; display_name: string; email: string }>>;
  },
};
