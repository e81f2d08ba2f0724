// Accounts: every user's own password and sign-in sessions; the admin's account actions on a
// user (disable, enable, reset the password, revoke sessions, the sign-in history) and the audit log.
import { useState, type FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { passwordProblems } from '../../../domain/password-policy';
import { request, session, type User } from '../api';
import { DataTable, ErrorBox, Field, formatTime, useFieldError, useLoad } from '../components';
import { useSubmit } from '../submit';
import type { AuditEntry } from '../types';
import { AdminTabs } from './Admin';

type Translate = TFunction;

/** 修改密码: for every user; the only page after an admin's reset until it is done. */
export function ChangePasswordPage({ user, onChanged }: { user: User; onChanged: (u: User) => void }) {
  const { t } = useTranslation();
  const submit = useSubmit();
  const serverError = useFieldError(submit.error);
  const [form, setForm] = useState({ currentPassword: '', newPassword: '', repeat: '' });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const fieldError = (f: string) => problems[f] ?? serverError(f);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    // The same policy the API applies (domain/password-policy.ts), told before sending.
    const local = passwordProblems(form.newPassword, { username: user.username });
    const found: Record<string, string> = {};
    if (!form.currentPassword) found.currentPassword = t('validation.required');
    if (local.length > 0)
      found.newPassword = local
        .map((p) => t(`validation.password_${p.rule}`, { n: p.params.minimum ?? p.params.maximum ?? '' }))
        .join('；');
    else if (form.repeat !== form.newPassword) found.repeat = t('account.mismatch');
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    const body = { currentPassword: form.currentPassword, newPassword: form.newPassword };
    submit.submit({
      identity: ['password', body],
      send: (key) => request('post', '/api/me/password', { body, idempotencyKey: key }),
      success: () => t('account.changed'),
      then: (u) => {
        setForm({ currentPassword: '', newPassword: '', repeat: '' });
        onChanged(u);
      },
      fields: ['currentPassword', 'newPassword'],
    });
  };
  return (
    <form className="card narrow" onSubmit={onSubmit} data-page="change-password">
      <h1>{t('account.changePassword')}</h1>
      {user.mustChangePassword && <p className="notice">{t('account.mustChange')}</p>}
      <Field label={t('account.currentPassword')} error={fieldError('currentPassword')}>
        <input
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          value={form.currentPassword}
          onChange={(e) => setForm({ ...form, currentPassword: e.target.value })}
        />
      </Field>
      <Field label={t('account.newPassword')} hint={t('account.policy')} error={fieldError('newPassword')}>
        <input
          name="newPassword"
          type="password"
          autoComplete="new-password"
          value={form.newPassword}
          onChange={(e) => setForm({ ...form, newPassword: e.target.value })}
        />
      </Field>
      <Field label={t('account.repeatPassword')} error={problems.repeat}>
        <input
          name="repeat"
          type="password"
          autoComplete="new-password"
          value={form.repeat}
          onChange={(e) => setForm({ ...form, repeat: e.target.value })}
        />
      </Field>
      <button type="submit" disabled={submit.pending}>
        {t('account.changePassword')}
      </button>
    </form>
  );
}

const sessionState = (t: Translate, s: { live: boolean; revokedAt: string | null }) =>
  s.live ? t('account.live') : s.revokedAt ? t('account.revoked') : t('account.expired');

/** 我的会话: the signed-in user's sessions, each revocable. */
export function MySessionsPage() {
  const { t } = useTranslation();
  const submit = useSubmit();
  const sessions = useLoad(() => request('get', '/api/me/sessions'), []);
  return (
    <section>
      <h1>{t('account.sessions')}</h1>
      <p className="muted">{t('account.sessionsIntro')}</p>
      <DataTable
        className="responsive"
        rows={sessions.error && !sessions.data ? [] : sessions.data}
        rowKey={(s) => s.id}
        rowProps={(s) => ({ 'data-session': s.id })}
        columns={[
          {
            header: t('account.issuedAt'),
            cell: (s) => (
              <>
                {formatTime(s.issuedAt)} {s.current && <strong>{t('account.current')}</strong>}
              </>
            ),
          },
          { header: t('account.expiresAt'), cell: (s) => formatTime(s.expiresAt) },
          { header: t('account.address'), cell: (s) => s.address ?? '—' },
          { header: t('account.userAgent'), cell: (s) => s.userAgent ?? '—' },
          { header: t('account.state'), cell: (s) => sessionState(t, s) },
          {
            header: '',
            cell: (s) =>
              s.live && !s.current ? (
                <button
                  type="button"
                  className="secondary"
                  disabled={submit.pending}
                  onClick={() =>
                    submit.submit({
                      confirm: {
                        title: t('account.revokeTitle'),
                        lines: () => [t('account.revokeLine', { device: s.userAgent ?? s.address ?? s.id })],
                        confirmLabel: t('account.revoke'),
                        danger: true,
                      },
                      identity: ['revoke', s.id],
                      send: (key) =>
                        request('post', '/api/me/sessions/{id}/revoke', { params: { id: s.id }, idempotencyKey: key }),
                      success: () => t('account.revokedResult'),
                      then: () => sessions.reload(),
                    })
                  }
                >
                  {t('account.revoke')}
                </button>
              ) : null,
          },
        ]}
      />
      {sessions.error !== undefined && <ErrorBox error={sessions.error} />}
      {submit.dialog}
    </section>
  );
}

type AdminUser = User & { disabled: boolean };

/** The admin's account actions on one user's row, each asking first; a reset shows its temporary password. */
export function UserAccountActions(props: {
  user: AdminUser;
  onChanged: () => void;
  onReset: (answer: { username: string; temporaryPassword: string | null }) => void;
  onHistory: () => void;
  historyOpen: boolean;
}) {
  const { t } = useTranslation();
  const submit = useSubmit();
  const u = props.user;
  const name = u.displayName;
  const toggle = u.disabled ? 'enable' : 'disable';
  const history = (
    <button type="button" className="link" aria-expanded={props.historyOpen} onClick={props.onHistory}>
      {t(props.historyOpen ? 'account.hideHistory' : 'account.history')}
    </button>
  );
  // An admin does not disable or reset their own account (the API refuses it too).
  if (u.id === session.user?.id)
    return (
      <span className="row-actions" data-user={u.username}>
        {history}
      </span>
    );
  return (
    <span className="row-actions" data-user={u.username}>
      <button
        type="button"
        className={u.disabled ? 'secondary' : 'secondary danger'}
        disabled={submit.pending}
        onClick={() =>
          submit.submit({
            confirm: {
              title: t(u.disabled ? 'account.enableTitle' : 'account.disableTitle', { name }),
              lines: () => [t(u.disabled ? 'account.enableLine' : 'account.disableLine')],
              confirmLabel: t(`account.${toggle}`),
              danger: !u.disabled,
            },
            identity: [toggle, u.id],
            send: (key) =>
              u.disabled
                ? request('post', '/api/users/{id}/enable', { params: { id: u.id }, idempotencyKey: key })
                : request('post', '/api/users/{id}/disable', { params: { id: u.id }, idempotencyKey: key }),
            success: () => t(u.disabled ? 'account.enabledResult' : 'account.disabledResult', { name }),
            then: props.onChanged,
            otherwise: props.onChanged,
          })
        }
      >
        {t(`account.${toggle}`)}
      </button>
      <button
        type="button"
        className="secondary"
        disabled={submit.pending}
        onClick={() =>
          submit.submit({
            confirm: {
              title: t('account.resetTitle', { name }),
              lines: () => [t('account.resetLine')],
              confirmLabel: t('account.resetPassword'),
              danger: true,
            },
            identity: ['reset', u.id],
            send: (key) =>
              request('post', '/api/users/{id}/reset-password', { params: { id: u.id }, idempotencyKey: key }),
            success: () => t('account.resetResult', { name }),
            then: (answer) => props.onReset(answer),
          })
        }
      >
        {t('account.resetPassword')}
      </button>
      <button
        type="button"
        className="secondary"
        disabled={submit.pending}
        onClick={() =>
          submit.submit({
            confirm: {
              title: t('account.revokeAllTitle', { name }),
              lines: () => [t('account.revokeAllLine')],
              confirmLabel: t('account.revokeAll'),
              danger: true,
            },
            identity: ['revoke-all', u.id],
            send: (key) =>
              request('post', '/api/users/{id}/sessions/revoke', { params: { id: u.id }, idempotencyKey: key }),
            success: (a) => t('account.revokeAllResult', { n: a.revoked }),
          })
        }
      >
        {t('account.revokeAll')}
      </button>
      {history}
      {submit.dialog}
    </span>
  );
}

const failureText = (t: Translate, reason: string | null) =>
  reason && ['wrong_password', 'unknown_user', 'account_disabled', 'rate_limited'].includes(reason)
    ? t(`account.failure_${reason as 'wrong_password' | 'unknown_user' | 'account_disabled' | 'rate_limited'}`)
    : (reason ?? '');

/** One user's sign-in history (successes and failures), newest first. */
export function SignInHistory({ user }: { user: AdminUser }) {
  const { t } = useTranslation();
  const history = useLoad(() => request('get', '/api/users/{id}/sign-ins', { params: { id: user.id } }), [user.id]);
  return (
    <section className="card" data-history={user.username}>
      <h2>{t('account.historyOf', { name: user.displayName })}</h2>
      <DataTable
        className="responsive"
        rows={history.error && !history.data ? [] : history.data}
        rowKey={(a) => String(a.id)}
        columns={[
          { header: t('account.time'), cell: (a) => formatTime(a.at) },
          {
            header: t('account.result'),
            cell: (a) =>
              a.succeeded ? t('account.success') : `${t('account.failure')}（${failureText(t, a.reason)}）`,
          },
          { header: t('account.address'), cell: (a) => a.address ?? '—' },
          { header: t('account.userAgent'), cell: (a) => a.userAgent ?? '—' },
        ]}
      />
      {history.error !== undefined && <ErrorBox error={history.error} />}
    </section>
  );
}

/** The temporary password of a reset, shown once (until dismissed or the page is left). */
export function TemporaryPassword(props: {
  reset: { username: string; temporaryPassword: string | null };
  onDismiss: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="card notice temporary-password" role="status" data-temporary-password>
      {props.reset.temporaryPassword ? (
        <p>
          {props.reset.username} · {t('account.temporaryPassword')}{' '}
          <code className="secret">{props.reset.temporaryPassword}</code>
        </p>
      ) : (
        <p>{t('account.temporaryAgain')}</p>
      )}
      <button type="button" className="link" onClick={props.onDismiss}>
        {t('submit.dismiss')}
      </button>
    </div>
  );
}

const PAGE_SIZE = 50;
const AUDIT_ACTIONS = [
  'user_created',
  'user_disabled',
  'user_enabled',
  'password_reset',
  'password_changed',
  'sessions_revoked',
  'department_saved',
  'matter_saved',
  'calendar_day_saved',
  'calendar_day_removed',
  'delivery_requeued',
  'notification_settings_changed',
] as const;

const actionText = (t: Translate, action: string) =>
  (AUDIT_ACTIONS as readonly string[]).includes(action)
    ? t(`account.actions.${action as (typeof AUDIT_ACTIONS)[number]}`)
    : action;

/** 操作日志: the audit log with filters (actor, action, target, date range) and paging. */
export function AuditPage() {
  const { t } = useTranslation();
  const blank = { actor: '', action: '', target: '', from: '', to: '' };
  const [draft, setDraft] = useState(blank);
  const [filter, setFilter] = useState(blank);
  const [page, setPage] = useState(1);
  const users = useLoad(() => request('get', '/api/users'), []);
  const rows = useLoad(
    () => request('get', '/api/audit', { query: { ...filter, page, pageSize: PAGE_SIZE } }),
    [JSON.stringify(filter), page],
  );
  const err = useFieldError(rows.error);
  return (
    <section>
      <h1>{t('account.audit')}</h1>
      <AdminTabs />
      <p className="muted">{t('account.auditIntro')}</p>
      <form
        className="filters audit-filters"
        onSubmit={(e) => {
          e.preventDefault();
          setPage(1);
          setFilter(draft);
        }}
      >
        <Field label={t('account.actor')}>
          <select name="actor" value={draft.actor} onChange={(e) => setDraft({ ...draft, actor: e.target.value })}>
            <option value="">{t('account.anyActor')}</option>
            {(users.data ?? [])
              .filter((u) => u.role === 'admin')
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.displayName}
                </option>
              ))}
          </select>
        </Field>
        <Field label={t('account.action')}>
          <select name="action" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })}>
            <option value="">{t('account.anyAction')}</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {actionText(t, a)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('account.target')} error={err('target')}>
          <input name="target" value={draft.target} onChange={(e) => setDraft({ ...draft, target: e.target.value })} />
        </Field>
        <Field label={t('account.from')} error={err('from')}>
          <input
            name="from"
            type="date"
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
          />
        </Field>
        <Field label={t('account.to')} error={err('to')}>
          <input name="to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </Field>
        <button type="submit">{t('account.filter')}</button>
      </form>
      <DataTable
        className="responsive"
        rows={rows.error && !rows.data ? [] : rows.data}
        rowKey={(r: AuditEntry) => String(r.id)}
        rowProps={(r) => ({ 'data-action': r.action })}
        columns={[
          { header: t('account.time'), cell: (r) => formatTime(r.at) },
          { header: t('account.actor'), cell: (r) => r.actor.displayName },
          { header: t('account.action'), cell: (r) => actionText(t, r.action) },
          { header: t('account.target'), cell: (r) => r.target },
          {
            header: t('account.detail'),
            cell: (r) => (Object.keys(r.detail).length ? <code>{JSON.stringify(r.detail)}</code> : '—'),
          },
        ]}
      />
      {rows.error !== undefined && !err('from') && !err('to') && <ErrorBox error={rows.error} />}
      <nav className="pager">
        <button type="button" className="secondary" disabled={page === 1} onClick={() => setPage(page - 1)}>
          {t('account.previous')}
        </button>
        <span>{t('account.page', { n: page })}</span>
        <button
          type="button"
          className="secondary"
          disabled={(rows.data?.length ?? 0) < PAGE_SIZE}
          onClick={() => setPage(page + 1)}
        >
          {t('account.next')}
        </button>
      </nav>
    </section>
  );
}
