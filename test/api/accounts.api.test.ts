// Account administration on the real stack: disabling and enabling users, password resets with a
// forced change, the password policy, sign-in sessions (sign-out, revoke, expiry), the sign-in
// history, disable/enable racing, the audit log with its filters, and passwords kept out of logs.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { createApp } from '../../api/app';
import { createLogger } from '../../lib/logger';
import { ApiClient, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let admin: ApiClient;
const anonymous = () => new ApiClient(stack.baseUrl);

beforeAll(async () => {
  stack = await startStack();
  admin = await ApiClient.login(stack.baseUrl, 'admin');
});

afterAll(async () => {
  await stack?.stop();
});

let seq = 0;
/** A fresh officer account for one test: its id, username and password. */
async function newUser(prefix = 'acc'): Promise<{ id: string; username: string; password: string }> {
  const username = `${prefix}${Date.now().toString(36)}${seq++}`;
  const password = 'start-pass-1';
  const r = await admin.post('/api/users', { username, password, displayName: '测试用户', role: 'officer' });
  expect(r.status).toBe(201);
  return { id: r.body.id, username, password };
}

const signIn = (username: string, password: string, userAgent = 'jest-accounts') =>
  anonymous().post('/api/auth/login', { username, password }, { 'User-Agent': userAgent });

async function clientOf(username: string, password: string): Promise<ApiClient> {
  const r = await signIn(username, password);
  expect(r.status).toBe(200);
  return new ApiClient(stack.baseUrl, r.body.token);
}

describe('when the admin disables a user', () => {
  it('then their existing token gets 401 account_disabled on the next request, and after enabling they sign in again', async () => {
    const u = await newUser();
    const client = await clientOf(u.username, u.password);
    expect((await client.get('/api/me')).status).toBe(200);

    const disabled = await admin.post(`/api/users/${u.id}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);

    const refused = await client.get('/api/notifications/unread-count');
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ code: 'unauthenticated', reason: 'account_disabled' });
    const signInDisabled = await signIn(u.username, u.password);
    expect(signInDisabled.status).toBe(401);
    expect(signInDisabled.body.error.reason).toBe('account_disabled');
    // A wrong password says nothing about the account's state.
    const wrong = await signIn(u.username, 'wrong-pass-1');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.reason).toBeUndefined();

    expect((await admin.post(`/api/users/${u.id}/disable`)).status).toBe(409);
    expect((await admin.post(`/api/users/${u.id}/enable`)).status).toBe(200);
    // Disabling ended the old session for good; a new sign-in works.
    expect((await client.get('/api/me')).body.error.reason).toBe('session_revoked');
    const again = await clientOf(u.username, u.password);
    expect((await again.get('/api/me')).body.username).toBe(u.username);
    const listed = (await admin.get('/api/users')).body.find((x: { id: string }) => x.id === u.id);
    expect(listed.disabled).toBe(false);
  });

  it('then the admin may not disable or reset themselves, and an unknown user is a 404', async () => {
    const me = (await admin.get('/api/me')).body;
    const self = await admin.post(`/api/users/${me.id}/disable`);
    expect(self.status).toBe(400);
    expect(self.body.error.details[0]).toMatchObject({ field: 'params.id', params: { problem: 'own_account' } });
    expect((await admin.post(`/api/users/${me.id}/reset-password`)).status).toBe(400);
    expect((await admin.post('/api/users/no-such-user/disable')).status).toBe(404);
  });
});

describe('when a disable and an enable race', () => {
  it('then every round ends in one state that matches the last action applied, with no 5xx', async () => {
    const u = await newUser('race');
    for (let round = 0; round < 6; round++) {
      const [d, e] = await Promise.all([
        admin.post(`/api/users/${u.id}/disable`),
        admin.post(`/api/users/${u.id}/enable`),
      ]);
      for (const r of [d, e]) expect([200, 409]).toContain(r.status);
      expect([d.status, e.status]).toContain(200);
      const audit = await admin.get(`/api/audit?target=${u.username}&pageSize=1`);
      const last = audit.body[0].action;
      const listed = (await admin.get('/api/users')).body.find((x: { id: string }) => x.id === u.id);
      expect(listed.disabled).toBe(last === 'user_disabled');
      // Every applied action (200) has exactly one audit row: nothing applied twice or silently.
    }
    const all = await admin.get(`/api/audit?target=${u.username}&pageSize=200`);
    const toggles = all.body.filter((r: { action: string }) => r.action !== 'user_created');
    // Applied actions alternate: never two disables (or two enables) in a row.
    for (let i = 1; i < toggles.length; i++) expect(toggles[i].action).not.toBe(toggles[i - 1].action);
  });
});

describe('when the admin resets a password', () => {
  it('then the user signs in with the temporary one, must change it, other routes answer 403 until then', async () => {
    const u = await newUser();
    const before = await clientOf(u.username, u.password);
    const reset = await admin.post(`/api/users/${u.id}/reset-password`);
    expect(reset.status).toBe(200);
    const temporary: string = reset.body.temporaryPassword;
    expect(temporary).toMatch(/^(?=.*[A-Za-z])(?=.*\d).{12}$/);
    // The reset ends the old sessions, and the old password no longer works.
    expect((await before.get('/api/me')).body.error.reason).toBe('session_revoked');
    expect((await signIn(u.username, u.password)).status).toBe(401);

    const login = await signIn(u.username, temporary);
    expect(login.status).toBe(200);
    expect(login.body.mustChangePassword).toBe(true);
    const client = new ApiClient(stack.baseUrl, login.body.token);
    expect((await client.get('/api/me')).body.mustChangePassword).toBe(true);
    const blocked = await client.get('/api/applications');
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.reason).toBe('password_change_required');
    expect((await client.get('/api/me/sessions')).status).toBe(403);

    // Weak new passwords: a 400 naming the field and the rule.
    const cases: Array<[string, string]> = [
      ['short1', 'too_short'],
      ['onlyletters', 'letters_and_digits'],
      ['12345678', 'letters_and_digits'],
      [`${u.username}9`, 'contains_username'],
      [temporary, 'same_as_current'],
    ];
    for (const [newPassword, rule] of cases) {
      const r = await client.post('/api/me/password', { currentPassword: temporary, newPassword });
      expect(r.status).toBe(400);
      expect(r.body.error.details).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'body.newPassword', params: expect.objectContaining({ problem: rule }) }),
        ]),
      );
    }
    const wrongCurrent = await client.post('/api/me/password', {
      currentPassword: 'not-it-1',
      newPassword: 'fresh-pass-2',
    });
    expect(wrongCurrent.status).toBe(400);
    expect(wrongCurrent.body.error.details[0]).toMatchObject({ field: 'body.currentPassword' });

    const changed = await client.post('/api/me/password', { currentPassword: temporary, newPassword: 'fresh-pass-2' });
    expect(changed.status).toBe(200);
    expect(changed.body.mustChangePassword).toBe(false);
    // The same session carries on, now with every route open.
    expect((await client.get('/api/applications')).status).toBe(200);
    expect((await signIn(u.username, temporary)).status).toBe(401);
    const relogin = await signIn(u.username, 'fresh-pass-2');
    expect(relogin.status).toBe(200);
    expect(relogin.body.mustChangePassword).toBe(false);
  });

  it('then a replay of the same reset (Idempotency-Key) does not show the temporary password again', async () => {
    const u = await newUser();
    const key = `reset-${u.id}`;
    const first = await admin.post(`/api/users/${u.id}/reset-password`, {}, { 'Idempotency-Key': key });
    const replay = await admin.post(`/api/users/${u.id}/reset-password`, {}, { 'Idempotency-Key': key });
    expect(first.body.temporaryPassword).toEqual(expect.any(String));
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.temporaryPassword).toBeNull();
    // Applied once: the first temporary password still works.
    expect((await signIn(u.username, first.body.temporaryPassword)).status).toBe(200);
  });

  it('then creating a user applies the same policy', async () => {
    const r = await admin.post('/api/users', {
      username: 'weakling',
      password: 'weakling1',
      displayName: '弱口令',
      role: 'cashier',
    });
    expect(r.status).toBe(400);
    expect(r.body.error.details).toEqual([
      expect.objectContaining({ field: 'body.password', params: { problem: 'contains_username' } }),
    ]);
  });
});

describe('when a session is ended', () => {
  it('then sign-out makes that token 401 at once and leaves other sessions live', async () => {
    const u = await newUser();
    const a = await clientOf(u.username, u.password);
    const b = await clientOf(u.username, u.password);
    const out = await a.post('/api/auth/logout', {}, { 'Idempotency-Key': `logout-${u.id}` });
    expect(out.status).toBe(200);
    expect(out.body.signedOut).toBe(true);
    const after = await a.get('/api/me');
    expect(after.status).toBe(401);
    expect(after.body.error.reason).toBe('session_revoked');
    expect((await b.get('/api/me')).status).toBe(200);
  });

  it('then revoking one of my sessions makes its token 401, and the list shows it revoked', async () => {
    const u = await newUser();
    const phone = await clientOf(u.username, u.password);
    const desk = await clientOf(u.username, u.password);
    const sessions = (await desk.get('/api/me/sessions')).body;
    expect(sessions).toHaveLength(2);
    const current = sessions.find((s: { current: boolean }) => s.current);
    const other = sessions.find((s: { current: boolean }) => !s.current);
    expect(current).toMatchObject({ live: true, userAgent: 'jest-accounts' });
    const revoked = await desk.post(`/api/me/sessions/${other.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ live: false, revokedAt: expect.any(String) });
    expect((await phone.get('/api/me')).body.error.reason).toBe('session_revoked');
    expect((await desk.get('/api/me')).status).toBe(200);
    // Another user's session is not mine to revoke.
    const stranger = await newUser();
    const theirs = await clientOf(stranger.username, stranger.password);
    const theirId = (await theirs.get('/api/me/sessions')).body[0].id;
    expect((await desk.post(`/api/me/sessions/${theirId}/revoke`)).status).toBe(404);
    expect((await theirs.get('/api/me')).status).toBe(200);
  });

  it('then the admin revoking all sessions of a user makes every token of theirs 401', async () => {
    const u = await newUser();
    const a = await clientOf(u.username, u.password);
    const b = await clientOf(u.username, u.password);
    const r = await admin.post(`/api/users/${u.id}/sessions/revoke`);
    expect(r.body).toEqual({ revoked: 2 });
    for (const c of [a, b]) expect((await c.get('/api/me')).status).toBe(401);
  });

  it('then a token past its time is refused as session_expired', async () => {
    const u = await newUser();
    const c = await clientOf(u.username, u.password);
    await stack.db.db
      .updateTable('auth_sessions')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('user_id', '=', u.id)
      .execute();
    const r = await c.get('/api/me');
    expect(r.status).toBe(401);
    expect(r.body.error.reason).toBe('session_expired');
  });
});

describe('when the admin reads the sign-in history', () => {
  it('then it lists failures and successes with time, address and user agent, never a password', async () => {
    const u = await newUser();
    expect((await signIn(u.username, 'wrong-pass-7', 'Browser/1.0')).status).toBe(401);
    expect((await signIn(u.username, u.password, 'Browser/2.0')).status).toBe(200);
    const r = await admin.get(`/api/users/${u.id}/sign-ins`);
    expect(r.status).toBe(200);
    expect(r.body.slice(0, 2)).toEqual([
      expect.objectContaining({ succeeded: true, reason: null, userAgent: 'Browser/2.0', address: expect.any(String) }),
      expect.objectContaining({ succeeded: false, reason: 'wrong_password', userAgent: 'Browser/1.0' }),
    ]);
    expect(Date.parse(r.body[0].at)).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.stringify(r.body)).not.toContain('wrong-pass-7');
    const asOfficer = await (await ApiClient.login(stack.baseUrl, 'officer')).get(`/api/users/${u.id}/sign-ins`);
    expect(asOfficer.status).toBe(403);
  });
});

describe('when the admin reads the audit log', () => {
  it('then each account action is listed and the actor, action, target, date and paging filters narrow it', async () => {
    const u = await newUser('audit');
    await admin.post(`/api/users/${u.id}/disable`);
    await admin.post(`/api/users/${u.id}/enable`);
    await admin.post(`/api/users/${u.id}/reset-password`);
    await admin.post(`/api/users/${u.id}/sessions/revoke`);
    const me = (await admin.get('/api/me')).body;

    const forTarget = await admin.get(`/api/audit?target=${u.username}`);
    expect(forTarget.body.map((r: { action: string }) => r.action)).toEqual([
      'sessions_revoked',
      'password_reset',
      'user_enabled',
      'user_disabled',
      'user_created',
    ]);
    expect(forTarget.body[0]).toMatchObject({ actor: { id: me.id }, target: u.username });
    expect(JSON.stringify(forTarget.body)).not.toMatch(/temporaryPassword|start-pass-1/);

    const resets = await admin.get(`/api/audit?action=password_reset&target=${u.username}`);
    expect(resets.body).toHaveLength(1);
    const byActor = await admin.get(`/api/audit?actor=${me.id}&target=${u.username}&pageSize=2&page=2`);
    expect(byActor.body.map((r: { action: string }) => r.action)).toEqual(['user_enabled', 'user_disabled']);
    expect((await admin.get(`/api/audit?actor=nobody&target=${u.username}`)).body).toEqual([]);
    const beijingToday = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    expect(
      (await admin.get(`/api/audit?target=${u.username}&from=${beijingToday}&to=${beijingToday}`)).body,
    ).toHaveLength(5);
    expect((await admin.get(`/api/audit?target=${u.username}&to=2020-01-01`)).body).toEqual([]);

    const bad = await admin.get('/api/audit?from=yesterday&to=2020-01-01');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { field: string }) => d.field)).toContain('query.from');
    const reversed = await admin.get('/api/audit?from=2026-12-01&to=2026-11-01');
    expect(reversed.status).toBe(400);
    expect(reversed.body.error.details[0].field).toBe('query.to');
  });
});

describe('when passwords pass through the API', () => {
  it('then no password, temporary password or token reaches the log', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const app = createApp({
      config: stack.config,
      db: stack.db.db,
      temporal: stack.client,
      log: createLogger('debug', sink),
    });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const logged = await new ApiClient(base).post('/api/auth/login', { username: 'admin', password: 'demo1234' });
      const a = new ApiClient(base, logged.body.token);
      const created = await a.post('/api/users', {
        username: `logcheck${seq++}`,
        password: 'secret-create-1',
        displayName: '日志',
        role: 'cashier',
      });
      const reset = await a.post(`/api/users/${created.body.id}/reset-password`);
      const t = reset.body.temporaryPassword as string;
      const userLogin = await new ApiClient(base).post('/api/auth/login', {
        username: created.body.username,
        password: t,
      });
      const u = new ApiClient(base, userLogin.body.token);
      expect((await u.post('/api/me/password', { currentPassword: t, newPassword: 'secret-new-2' })).status).toBe(200);
      expect((await u.post('/api/me/password', { currentPassword: 'secret-wrong-3', newPassword: 'x' })).status).toBe(
        400,
      );
      // The logger itself redacts the password fields wherever a handler might log them.
      createLogger('info', sink).info(
        { body: { currentPassword: 'secret-direct-4', newPassword: 'secret-direct-5' } },
        'x',
      );
      await new Promise((r) => setImmediate(r));
      const text = lines.join('');
      expect(lines.length).toBeGreaterThan(5);
      for (const secret of [
        'demo1234',
        'secret-create-1',
        t,
        'secret-new-2',
        'secret-wrong-3',
        'secret-direct-4',
        'secret-direct-5',
        logged.body.token,
        userLogin.body.token,
      ])
        expect(text).not.toContain(secret);
      expect(text).toContain('[redacted]');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
