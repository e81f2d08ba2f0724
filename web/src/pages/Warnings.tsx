// 督办通知 (warnings issued by hand): the supervision office issues one on a step (from the board or
// the step page) or on a department (here), reads every warning with its replies and returns, and
// accepts or returns a reply in a dialog; a department's staff see theirs, with a banner on the
// inbox and the step, and reply in a form. Every action offers only what the API's
// `allowedActions` name and sends the version read, so an action on a warning that changed
// meanwhile is refused (409) instead of applied blind.
import type { TFunction } from 'i18next';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import {
  DEFAULT_WARNING_REPLY_WORKDAYS,
  issueWarningRefusal,
  MAX_WARNING_REPLY_WORKDAYS,
  MIN_WARNING_REPLY_WORKDAYS,
  WARNING_STATUSES,
} from '../../../domain/warnings';
import { request, session, type User } from '../api';
import {
  ErrorBox,
  Field,
  formatDeadline,
  formatTime,
  LightBadge,
  useDepartments,
  useFieldError,
  useLoad,
} from '../components';
import { useSubmit } from '../submit';
import { eventDetails, eventName } from '../timeline';
import type { Warning, WarningDetail, WarningStatus } from '../types';
import './complaints.css';

/** What a warning is issued on: a step (its department answers) or a department as a whole. */
export type WarningTarget = { stepId: string; matterName: string; departmentCode: string } | { departmentCode: string };

/** The supervision office's button that issues a warning, asking the reason and the days in a dialog. */
export function IssueWarningButton({
  target,
  label,
  onDone,
  successPath,
  disabled = false,
}: {
  target: WarningTarget;
  label?: string;
  onDone?: (w: Warning) => void;
  /** The page the result message is for, when `onDone` opens another one. */
  successPath?: (w: Warning) => string;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const departments = useDepartments();
  const submit = useSubmit();
  const user = session.user;
  if (!user || issueWarningRefusal(user) !== null) return null;
  const department = departments.name(target.departmentCode);
  const onStep = 'stepId' in target;
  return (
    <>
      {submit.dialog}
      <button
        type="button"
        className="secondary issue-warning"
        data-action="issue-warning"
        disabled={disabled || submit.pending}
        onClick={() =>
          submit.submit({
            identity: ['issue-warning', target],
            confirm: {
              title: t('warnings.issueTitle'),
              lines: () => [
                onStep
                  ? t('warnings.issueLineStep', { matter: target.matterName, department })
                  : t('warnings.issueLineDepartment', { department }),
                t('warnings.issueEffect'),
              ],
              confirmLabel: t('warnings.confirmIssue'),
              inputs: [
                { name: 'reason', label: t('warnings.reason'), kind: 'textarea', required: true },
                {
                  name: 'replyWorkdays',
                  label: t('warnings.replyWorkdays'),
                  kind: 'number',
                  initial: String(DEFAULT_WARNING_REPLY_WORKDAYS),
                  min: MIN_WARNING_REPLY_WORKDAYS,
                  max: MAX_WARNING_REPLY_WORKDAYS,
                  required: true,
                  hint: t('warnings.replyWorkdaysHint', {
                    min: MIN_WARNING_REPLY_WORKDAYS,
                    max: MAX_WARNING_REPLY_WORKDAYS,
                  }),
                },
              ],
            },
            send: (key, values) =>
              request('post', '/api/warnings', {
                body: {
                  ...(onStep ? { stepId: target.stepId } : { departmentCode: target.departmentCode }),
                  reason: values.reason ?? '',
                  replyWorkdays: Number(values.replyWorkdays),
                },
                idempotencyKey: key,
              }),
            success: (w) => t('warnings.issued', { no: w.id, department, deadline: formatDeadline(w.replyDueAt) }),
            successPath,
            then: onDone,
            fields: ['reason', 'replyWorkdays'],
          })
        }
      >
        {label ?? (onStep ? t('warnings.issueOnStep') : t('warnings.issue'))}
      </button>
    </>
  );
}

/**
 * The open warnings as banners: for a department's staff, those awaiting their reply (of one step,
 * or all of the department's) with a link to reply; for the supervision office on a step's page,
 * the step's warnings not yet closed.
 */
export function WarningBanners({
  stepId,
  refresh,
}: {
  stepId?: string;
  /** Reloads when it changes. */ refresh?: unknown;
}) {
  const { t } = useTranslation();
  const user = session.user;
  const staff = user?.role === 'staff';
  const office = !!stepId && (user?.role === 'supervisor' || user?.role === 'admin');
  const { data } = useLoad(
    () =>
      staff || office
        ? request('get', '/api/warnings', {
            query: {
              ...(staff ? { status: 'awaiting_reply' as const } : {}),
              ...(stepId ? { stepId } : {}),
              pageSize: 20,
            },
          })
        : Promise.resolve(undefined),
    [staff, office, stepId, refresh],
    10_000,
  );
  const open = (data?.items ?? []).filter((w) => w.status !== 'closed');
  if (open.length === 0) return null;
  return (
    <div className="banners warnings-banners">
      {open.map((w) => (
        <p
          key={w.id}
          className="banner banner-case banner-warning"
          role="note"
          data-banner="warning"
          data-warning={w.id}
        >
          {w.status === 'replied'
            ? t('warnings.bannerReplied', { no: w.id, reason: w.reason })
            : w.overdue
              ? t('warnings.bannerOverdue', { no: w.id, reason: w.reason })
              : t('warnings.banner', { no: w.id, reason: w.reason, deadline: formatDeadline(w.replyDueAt) })}
          {!stepId && w.matterName && <span className="muted"> · {w.matterName}</span>}{' '}
          <Link to={`/warnings/${w.id}`}>{staff ? t('warnings.bannerReply') : t('warnings.open')}</Link>
        </p>
      ))}
    </div>
  );
}

const statusText = (t: TFunction, s: WarningStatus): string => t(`warnings.status.${s}` as 'warnings.status.closed');

function Heading({ w }: { w: Warning }) {
  const { t } = useTranslation();
  const departments = useDepartments();
  return (
    <h2>
      <span>{w.id}</span>
      <small>
        {t(`warnings.subjects.${w.subject}` as 'warnings.subjects.step')} · {w.matterName ? `${w.matterName} · ` : ''}
        {departments.name(w.departmentCode)}
      </small>
      {w.light !== 'none' && <LightBadge light={w.light} />}
      {w.overdue && w.status === 'awaiting_reply' && <span className="overdue">{t('warnings.overdue')}</span>}
      {w.escalationLevel > 0 && <small>{t('warnings.level', { n: w.escalationLevel })}</small>}
    </h2>
  );
}

function Facts({ w }: { w: Warning }) {
  const { t } = useTranslation();
  const row = (label: string, value: ReactNode) =>
    value === null || value === undefined || value === '' || value === false ? null : (
      <>
        <dt>{label}</dt>
        <dd>{value}</dd>
      </>
    );
  return (
    <dl className="facts">
      {row(t('fields.status'), statusText(t, w.status))}
      {row(
        t('fields.project'),
        w.applicationId && (
          <Link to={`/applications/${w.applicationId}`}>{w.projectName ?? w.caseNo ?? w.applicationId}</Link>
        ),
      )}
      {row(t('warnings.reason'), w.reason)}
      {row(t('warnings.issuedLabel'), t('warnings.issuedBy', { by: w.issuedBy, at: formatTime(w.issuedAt) }))}
      {row(
        t('warnings.deadline'),
        w.status === 'awaiting_reply' &&
          `${formatDeadline(w.replyDueAt)} · ${t('complaints.workdays', { n: w.replyWorkdays })}${
            w.round > 1 ? ` · ${t('warnings.round', { n: w.round })}` : ''
          }`,
      )}
      {row(
        t('warnings.closedLabel'),
        w.status === 'closed' && t('warnings.closedBy', { by: w.closedBy ?? '', at: formatTime(w.closedAt) }),
      )}
    </dl>
  );
}

/** Every round: its deadline, the department's reply (late or not), the office's return. */
function Rounds({ w }: { w: Warning }) {
  const { t } = useTranslation();
  const answered = w.rounds.filter((r) => r.reply || r.returnReason);
  if (answered.length === 0) return null;
  return (
    <ol className="warning-rounds">
      {answered.map((r) => (
        <li key={r.round} data-round={r.round}>
          <strong>{t('warnings.round', { n: r.round })}</strong>
          {r.reply && (
            <div>
              {t('warnings.reply')}：{r.reply}
              <br />
              <small className="muted">
                {t('warnings.repliedBy', { by: r.repliedBy?.displayName ?? '', at: formatTime(r.repliedAt) })}
                {r.late && <span className="overdue"> · {t('warnings.late')}</span>}
              </small>
            </div>
          )}
          {r.returnReason && (
            <div className="returned">
              {t('warnings.returnedBy', {
                by: r.returnedBy?.displayName ?? '',
                at: formatTime(r.returnedAt),
                reason: r.returnReason,
              })}
            </div>
          )}
        </li>
      ))}
    </ol>
  );
}

/** The actions the caller may take on the warning now, each with its form or dialog. */
function Actions({ w, onDone }: { w: Warning; onDone: () => void }) {
  const { t } = useTranslation();
  const departments = useDepartments();
  const submit = useSubmit();
  const fieldError = useFieldError(submit.error);
  const [reply, setReply] = useState('');
  const params = { id: w.id };
  const department = departments.name(w.departmentCode);
  if (w.allowedActions.length === 0) return submit.dialog;
  return (
    <div className="actions" data-actions={w.allowedActions.join(' ')}>
      {submit.dialog}
      {w.allowedActions.includes('reply') && (
        <form
          className="form"
          data-form="warning-reply"
          onSubmit={(e) => {
            e.preventDefault();
            submit.submit({
              identity: ['warning-reply', w.id, reply],
              send: (key) =>
                request('post', '/api/warnings/{id}/reply', {
                  params,
                  body: { reply, version: w.version },
                  idempotencyKey: key,
                }),
              success: () => t('warnings.replied'),
              then: () => {
                setReply('');
                onDone();
              },
              otherwise: onDone,
              fields: ['reply'],
            });
          }}
        >
          <h3>{t('warnings.reply')}</h3>
          <Field label={t('warnings.reply')} hint={t('warnings.replyHint')} error={fieldError('reply')}>
            <textarea name="reply" rows={4} maxLength={4000} value={reply} onChange={(e) => setReply(e.target.value)} />
          </Field>
          <button type="submit" disabled={submit.pending || !reply.trim()}>
            {t('warnings.sendReply')}
          </button>
        </form>
      )}
      {(w.allowedActions.includes('accept') || w.allowedActions.includes('return')) && (
        <div className="toolbar">
          {w.allowedActions.includes('accept') && (
            <button
              type="button"
              data-action="accept-warning"
              disabled={submit.pending}
              onClick={() =>
                submit.submit({
                  identity: ['warning-accept', w.id, w.version],
                  confirm: {
                    title: t('warnings.acceptTitle'),
                    lines: () => [w.reply ?? '', t('warnings.acceptLine', { department, no: w.id })],
                    confirmLabel: t('warnings.accept'),
                  },
                  send: (key) =>
                    request('post', '/api/warnings/{id}/accept', {
                      params,
                      body: { version: w.version },
                      idempotencyKey: key,
                    }),
                  success: () => t('warnings.accepted', { no: w.id }),
                  then: onDone,
                  otherwise: onDone,
                })
              }
            >
              {t('warnings.accept')}
            </button>
          )}
          {w.allowedActions.includes('return') && (
            <button
              type="button"
              className="secondary"
              data-action="return-warning"
              disabled={submit.pending}
              onClick={() =>
                submit.submit({
                  identity: ['warning-return', w.id, w.version],
                  confirm: {
                    title: t('warnings.returnTitle'),
                    lines: () => [w.reply ?? '', t('warnings.returnLine', { department, n: w.replyWorkdays })],
                    confirmLabel: t('warnings.return'),
                    danger: true,
                    inputs: [{ name: 'reason', label: t('warnings.returnReason'), kind: 'textarea', required: true }],
                  },
                  send: (key, values) =>
                    request('post', '/api/warnings/{id}/return', {
                      params,
                      body: { reason: values.reason ?? '', version: w.version },
                      idempotencyKey: key,
                    }),
                  success: (answer) =>
                    t('warnings.returned', { no: w.id, deadline: formatDeadline(answer.replyDueAt) }),
                  then: onDone,
                  otherwise: onDone,
                })
              }
            >
              {t('warnings.return')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/** One warning in full: facts, rounds, actions, supervision cases and the permanent record. */
function WarningCard({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const departments = useDepartments();
  const {
    data: w,
    error,
    reload,
  } = useLoad(() => request('get', '/api/warnings/{id}', { params: { id } }), [id], 5000);
  if (!w) return error ? <ErrorBox error={error} /> : <p className="loading">{t('more.loading')}</p>;
  const names = { department: departments.name, matter: (code: string) => code };
  return (
    <article className="card complaint-card warning-card" data-warning={w.id} data-status={w.status}>
      <Heading w={w} />
      <Facts w={w} />
      <Rounds w={w} />
      <Actions
        key={w.version}
        w={w}
        onDone={() => {
          reload();
          onChanged();
        }}
      />
      {w.cases.length > 0 && (
        <>
          <h3>{t('warnings.cases')}</h3>
          <ul>
            {w.cases.map((k) => (
              <li key={k.id}>
                {k.id} · {t('cases.level', { n: k.level })} · {t(`status.${k.status}`)}
                {k.status === 'open' && <> · {formatDeadline(k.dueAt)}</>}
                {k.answer && <span className="muted"> · {k.answer}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>{t('warnings.record')}</h3>
      <ol className="timeline">
        {(w as WarningDetail).events.map((e, i) => {
          const details = eventDetails(t, e, names);
          return (
            <li key={i} data-event={e.type}>
              <time>{formatTime(e.at)}</time> <strong>{eventName(t, e.type)}</strong>
              <span className="muted"> · {e.actor.displayName}</span>
              {details.length > 0 && <div className="timeline-detail">{details.join(' · ')}</div>}
            </li>
          );
        })}
      </ol>
    </article>
  );
}

/** The supervision office's form to warn a department as a whole. */
function IssueOnDepartment({ onDone }: { onDone: (w: Warning) => void }) {
  const { t } = useTranslation();
  const departments = useDepartments();
  const [departmentCode, setDepartmentCode] = useState('');
  return (
    <div className="toolbar wrap issue-on-department">
      <select
        aria-label={t('fields.department')}
        name="departmentCode"
        value={departmentCode}
        onChange={(e) => setDepartmentCode(e.target.value)}
      >
        <option value="">{t('fields.department')}</option>
        {departments.list.map((d) => (
          <option key={d.code} value={d.code}>
            {d.name}
          </option>
        ))}
      </select>
      <IssueWarningButton
        target={{ departmentCode: departmentCode || '-' }}
        label={t('warnings.issueOnDepartment')}
        disabled={!departmentCode}
        successPath={(w) => `/warnings/${w.id}`}
        onDone={onDone}
      />
    </div>
  );
}

/** The list (the office: all; a department: its own), with the chosen warning opened. */
export function WarningsPage({ user }: { user: User }) {
  const { t } = useTranslation();
  const { id } = useParams();
  const navigate = useNavigate();
  const departments = useDepartments();
  const [status, setStatus] = useState<WarningStatus | ''>(user.role === 'staff' ? 'awaiting_reply' : '');
  const { data, error, reload } = useLoad(
    () => request('get', '/api/warnings', { query: { ...(status ? { status } : {}), pageSize: 100 } }),
    [status],
    10_000,
  );
  return (
    <section>
      <h1>{t('warnings.title')}</h1>
      <p className="muted">{t('warnings.intro')}</p>
      {user.role === 'supervisor' && <IssueOnDepartment onDone={(w) => void navigate(`/warnings/${w.id}`)} />}
      <div className="toolbar wrap">
        <select
          aria-label={t('fields.status')}
          value={status}
          onChange={(e) => setStatus(e.target.value as WarningStatus | '')}
        >
          <option value="">{t('warnings.allStatuses')}</option>
          {WARNING_STATUSES.map((s) => (
            <option key={s} value={s}>
              {statusText(t, s)}
            </option>
          ))}
        </select>
      </div>
      <ErrorBox error={error} />
      {id && <WarningCard id={id} onChanged={reload} />}
      {data === undefined && !error && <p className="loading">{t('more.loading')}</p>}
      {data && data.items.length === 0 && <p className="empty">{t('warnings.none')}</p>}
      <div className="complaint-list">
        {data?.items
          .filter((w) => w.id !== id)
          .map((w) => (
            <article key={w.id} className="card complaint-card warning-card" data-warning={w.id} data-status={w.status}>
              <Heading w={w} />
              <p>
                {statusText(t, w.status)} · {departments.name(w.departmentCode)}
                {w.status === 'awaiting_reply' && w.replyDueAt && (
                  <>
                    {' '}
                    · {t('warnings.deadline')} {formatDeadline(w.replyDueAt)}
                  </>
                )}
                {w.round > 1 && <> · {t('warnings.round', { n: w.round })}</>}
              </p>
              <p className="muted">{w.reason.slice(0, 80)}</p>
              {w.reply && (
                <p className="muted">
                  {t('warnings.reply')}：{w.reply.slice(0, 80)}
                </p>
              )}
              <button type="button" onClick={() => void navigate(`/warnings/${w.id}`)}>
                {w.allowedActions.length > 0 ? t('warnings.handle') : t('warnings.open')}
              </button>
            </article>
          ))}
      </div>
    </section>
  );
}
