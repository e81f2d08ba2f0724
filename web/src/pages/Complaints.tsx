// 效能投诉与整改: the supervision office registers (assigns to a department with a reply deadline in
// working days) and closes with a conclusion, each after a confirmation; the department's staff
// reply. Every action offers only what the API's `allowedActions` name and sends the version read,
// so an action on a complaint that changed meanwhile is refused (409) instead of applied blind.
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { request, type User } from '../api';
import {
  ErrorBox,
  Field,
  formatTime,
  LightBadge,
  useAction,
  useDepartments,
  useFieldError,
  useLoad,
} from '../components';
import zhCN from '../locales/zh-CN';
import type { Complaint, ComplaintDetail, ComplaintKind, ComplaintStatus } from '../types';
import { COMPLAINT_STATUSES, ComplaintStages } from './PublicComplaint';
import './complaints.css';
import { AccountabilityPanel } from './Assessment';

const DEFAULT_REPLY_DAYS: Record<ComplaintKind, number> = { complaint: 10, rectification: 5 };

function Facts({ c }: { c: Complaint | ComplaintDetail }) {
  const { t } = useTranslation();
  const departments = useDepartments();
  const row = (label: string, value: ReactNode) =>
    value === null || value === undefined || value === '' ? null : (
      <>
        <dt>{label}</dt>
        <dd>{value}</dd>
      </>
    );
  return (
    <dl className="facts">
      {row(t('complaints.fields.filedAt'), formatTime(c.filedAt))}
      {c.kind === 'complaint' && row(t('complaints.fields.content'), c.content)}
      {c.rating &&
        row(
          t('complaints.fields.rating'),
          `${'★'.repeat(c.rating.score)}${'☆'.repeat(5 - c.rating.score)} ${c.rating.comment ?? ''}`,
        )}
      {'contactName' in c && row(t('complaints.fields.contactName'), c.contactName)}
      {'phone' in c && row(t('complaints.fields.phone'), c.phone)}
      {row(
        t('complaints.fields.caseNo'),
        c.caseNo && c.applicationId ? <Link to={`/applications/${c.applicationId}`}>{c.caseNo}</Link> : c.caseNo,
      )}
      {row(t('complaints.fields.suggested'), c.suggestedDepartment && departments.name(c.suggestedDepartment))}
      {row(
        t('complaints.fields.registerDueAt'),
        c.status === 'filed' && c.registerDueAt ? (
          <span className={c.registrationOverdue ? 'overdue' : ''}>{formatTime(c.registerDueAt)}</span>
        ) : null,
      )}
      {row(t('complaints.fields.department'), c.departmentCode && departments.name(c.departmentCode))}
      {row(
        t('complaints.fields.replyDueAt'),
        c.replyDueAt && `${formatTime(c.replyDueAt)}（${t('complaints.workdays', { n: c.replyWorkdays ?? 0 })}）`,
      )}
      {row(t('complaints.fields.level'), c.escalationLevel > 0 ? c.escalationLevel : null)}
      {row(
        t('complaints.fields.reply'),
        c.reply && (
          <>
            {c.reply}
            <br />
            <small className="muted">
              {c.repliedBy} · {formatTime(c.repliedAt)}
              {c.replyLate && <span className="overdue"> · {t('complaints.replyLate')}</span>}
            </small>
          </>
        ),
      )}
      {c.status === 'closed' &&
        row(
          t('complaints.fields.conclusion'),
          <>
            <strong>{c.upheld ? t('complaints.upheld') : t('complaints.notUpheld')}</strong> {c.conclusion}
            <br />
            <small className="muted">
              {c.closedBy} · {formatTime(c.closedAt)}
            </small>
          </>,
        )}
    </dl>
  );
}

/** Asks before a supervisor's action takes effect. */
function Confirm(props: { text: string; pending: boolean; onYes: () => void; onNo: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="confirm" role="alertdialog" aria-label={props.text}>
      <p>{props.text}</p>
      <button type="button" disabled={props.pending} onClick={props.onYes}>
        {t('complaints.confirm')}
      </button>
      <button type="button" className="secondary" onClick={props.onNo}>
        {t('more.cancel')}
      </button>
    </div>
  );
}

/** The actions the caller may take on the complaint now, each with its form. */
function Actions({ c, onDone }: { c: ComplaintDetail; onDone: () => void }) {
  const { t } = useTranslation();
  const departments = useDepartments();
  const { error, pending, run, clear } = useAction();
  const fieldError = useFieldError(error);
  const [departmentCode, setDepartmentCode] = useState(c.suggestedDepartment ?? '');
  const [replyWorkdays, setReplyWorkdays] = useState(DEFAULT_REPLY_DAYS[c.kind]);
  const [reply, setReply] = useState('');
  const [upheld, setUpheld] = useState<boolean>();
  const [conclusion, setConclusion] = useState('');
  const [confirming, setConfirming] = useState<'assign' | 'close'>();
  const params = { id: c.id };
  const finish = () => {
    setConfirming(undefined);
    setReply('');
    setConclusion('');
    onDone();
  };
  const failed = () => {
    setConfirming(undefined);
    onDone(); // a refusal (changed meanwhile) shows the complaint as it is now
  };
  const assign = () =>
    run(
      () =>
        request('post', '/api/complaints/{id}/assign', {
          params,
          body: { departmentCode, replyWorkdays, version: c.version },
        }),
      finish,
      failed,
    );
  const close = () =>
    run(
      () =>
        request('post', '/api/complaints/{id}/close', {
          params,
          body: { upheld: upheld === true, conclusion, version: c.version },
        }),
      finish,
      failed,
    );
  const sendReply = (e: FormEvent) => {
    e.preventDefault();
    void run(
      () => request('post', '/api/complaints/{id}/reply', { params, body: { reply, version: c.version } }),
      finish,
      failed,
    );
  };
  if (c.allowedActions.length === 0) return null;
  return (
    <div className="actions">
      <ErrorBox error={error} fields={['departmentCode', 'replyWorkdays', 'reply', 'conclusion', 'upheld']} />
      {c.allowedActions.includes('assign') && (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            clear();
            setConfirming('assign');
          }}
        >
          <h3>{t('complaints.assign')}</h3>
          <Field label={t('complaints.fields.department')} error={fieldError('departmentCode')}>
            <select name="departmentCode" value={departmentCode} onChange={(e) => setDepartmentCode(e.target.value)}>
              <option value="">—</option>
              {departments.list.map((d) => (
                <option key={d.code} value={d.code}>
                  {d.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('complaints.fields.replyWorkdays')} error={fieldError('replyWorkdays')}>
            <input
              name="replyWorkdays"
              type="number"
              inputMode="numeric"
              min={1}
              max={30}
              value={replyWorkdays}
              onChange={(e) => setReplyWorkdays(Number(e.target.value))}
            />
          </Field>
          {confirming === 'assign' ? (
            <Confirm
              text={t('complaints.confirmAssign', { department: departments.name(departmentCode), n: replyWorkdays })}
              pending={pending}
              onYes={() => void assign()}
              onNo={() => setConfirming(undefined)}
            />
          ) : (
            <button type="submit" disabled={pending || !departmentCode}>
              {t('complaints.assign')}
            </button>
          )}
        </form>
      )}
      {c.allowedActions.includes('reply') && (
        <form className="form" onSubmit={sendReply}>
          <h3>{t('complaints.replyTitle')}</h3>
          <Field label={t('complaints.fields.reply')} error={fieldError('reply')}>
            <textarea name="reply" rows={4} maxLength={4000} value={reply} onChange={(e) => setReply(e.target.value)} />
          </Field>
          <button type="submit" disabled={pending || !reply.trim()}>
            {t('complaints.sendReply')}
          </button>
        </form>
      )}
      {c.allowedActions.includes('close') && (
        <form
          className="form"
          onSubmit={(e) => {
            e.preventDefault();
            clear();
            setConfirming('close');
          }}
        >
          <h3>{t('complaints.close')}</h3>
          {c.status !== 'replied' && <p className="muted">{t('complaints.closeWithoutReply')}</p>}
          <fieldset className="choice">
            <legend>{t('complaints.fields.upheld')}</legend>
            <label>
              <input type="radio" name="upheld" checked={upheld === true} onChange={() => setUpheld(true)} />
              {t('complaints.upheld')}
            </label>
            <label>
              <input type="radio" name="upheld" checked={upheld === false} onChange={() => setUpheld(false)} />
              {t('complaints.notUpheld')}
            </label>
          </fieldset>
          <Field label={t('complaints.fields.conclusion')} error={fieldError('conclusion')}>
            <textarea
              name="conclusion"
              rows={3}
              maxLength={4000}
              value={conclusion}
              onChange={(e) => setConclusion(e.target.value)}
            />
          </Field>
          {confirming === 'close' ? (
            <Confirm
              text={t(upheld ? 'complaints.confirmCloseUpheld' : 'complaints.confirmCloseNotUpheld', { no: c.id })}
              pending={pending}
              onYes={() => void close()}
              onNo={() => setConfirming(undefined)}
            />
          ) : (
            <button type="submit" disabled={pending || upheld === undefined || !conclusion.trim()}>
              {t('complaints.close')}
            </button>
          )}
        </form>
      )}
    </div>
  );
}

/** One complaint in full: facts, actions, supervision cases and the permanent record. */
function ComplaintCard({ id, onChanged, role }: { id: string; onChanged: () => void; role: User['role'] }) {
  const { t } = useTranslation();
  const eventText = (type: string) =>
    Object.hasOwn(zhCN.complaints.events, type)
      ? t(`complaints.events.${type as keyof typeof zhCN.complaints.events}`)
      : type;
  const {
    data: c,
    error,
    reload,
  } = useLoad(() => request('get', '/api/complaints/{id}', { params: { id } }), [id], 5000);
  if (!c) return error ? <ErrorBox error={error} /> : <p className="loading">{t('more.loading')}</p>;
  return (
    <article className="card complaint-card" data-complaint={c.id} data-status={c.status}>
      <Heading c={c} />
      <ComplaintStages status={c.status} />
      <Facts c={c} />
      <Actions
        key={c.version}
        c={c}
        onDone={() => {
          reload();
          onChanged();
        }}
      />
      {c.cases.length > 0 && (
        <>
          <h3>{t('nav.cases')}</h3>
          <ul>
            {c.cases.map((k) => (
              <li key={k.id}>
                {k.id} · {t('complaints.fields.level')} {k.level} · {t(`status.${k.status}`)}
                {k.answer && <span className="muted"> · {k.answer}</span>}
                {/* The office's accountability records on a complaint's late-reply case. */}
                {(role === 'supervisor' || role === 'admin') && (
                  <AccountabilityPanel
                    caseId={k.id}
                    caseStatus={k.status}
                    departmentCode={k.departmentCode}
                    canRecord={role === 'supervisor'}
                  />
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>{t('complaints.record')}</h3>
      <ol className="timeline">
        {c.events.map((e, i) => (
          <li key={i}>
            {formatTime(e.at)} · {eventText(e.type)} · {e.actor.displayName}
          </li>
        ))}
      </ol>
    </article>
  );
}

function Heading({ c }: { c: Complaint }) {
  const { t } = useTranslation();
  return (
    <h2>
      <span>{c.id}</span>
      <small>{t(`complaints.kinds.${c.kind}`)}</small>
      {c.category && <small>· {t(`complaints.categories.${c.category}`)}</small>}
      {c.light !== 'none' && <LightBadge light={c.light} />}
      {c.overdue && <span className="overdue">{t('complaints.overdue')}</span>}
    </h2>
  );
}

/** The list (the office: all; a department: its own), with the chosen complaint opened. */
export function ComplaintsPage({ user }: { user: User }) {
  const { t } = useTranslation();
  const { id } = useParams();
  const navigate = useNavigate();
  const departments = useDepartments();
  const [status, setStatus] = useState<ComplaintStatus | ''>('');
  const [kind, setKind] = useState<ComplaintKind | ''>('');
  const { data, error, reload } = useLoad(
    () =>
      request('get', '/api/complaints', {
        query: { ...(status ? { status } : {}), ...(kind ? { kind } : {}), pageSize: 100 },
      }),
    [status, kind],
    10_000,
  );
  return (
    <section>
      <h1>{user.role === 'staff' ? t('nav.departmentComplaints') : t('nav.complaints')}</h1>
      <div className="toolbar wrap">
        <select
          aria-label={t('complaints.fields.status')}
          value={status}
          onChange={(e) => setStatus(e.target.value as ComplaintStatus | '')}
        >
          <option value="">{t('complaints.allStatuses')}</option>
          {COMPLAINT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`complaints.status.${s}`)}
            </option>
          ))}
        </select>
        <select
          aria-label={t('complaints.fields.kind')}
          value={kind}
          onChange={(e) => setKind(e.target.value as ComplaintKind | '')}
        >
          <option value="">{t('complaints.allKinds')}</option>
          <option value="complaint">{t('complaints.kinds.complaint')}</option>
          <option value="rectification">{t('complaints.kinds.rectification')}</option>
        </select>
      </div>
      <ErrorBox error={error} />
      {id && <ComplaintCard id={id} onChanged={reload} role={user.role} />}
      {data === undefined && !error && <p className="loading">{t('more.loading')}</p>}
      {data && data.items.length === 0 && <p className="empty">{t('complaints.none')}</p>}
      <div className="complaint-list">
        {data?.items
          .filter((c) => c.id !== id)
          .map((c) => (
            <article key={c.id} className="card complaint-card" data-complaint={c.id} data-status={c.status}>
              <Heading c={c} />
              <p>
                {t(`complaints.status.${c.status}`)}
                {c.departmentCode && <> · {departments.name(c.departmentCode)}</>}
                {c.replyDueAt && c.status === 'assigned' && (
                  <>
                    {' '}
                    · {t('complaints.fields.replyDueAt')} {formatTime(c.replyDueAt)}
                  </>
                )}
                {c.status === 'filed' && c.registerDueAt && (
                  <>
                    {' '}
                    · {t('complaints.fields.registerDueAt')}{' '}
                    <span className={c.registrationOverdue ? 'overdue' : ''}>{formatTime(c.registerDueAt)}</span>
                  </>
                )}
              </p>
              <p className="muted">{(c.content ?? c.rating?.comment ?? '').slice(0, 80)}</p>
              <button type="button" onClick={() => void navigate(`/complaints/${c.id}`)}>
                {c.allowedActions.length > 0 ? t('complaints.handle') : t('actions.open')}
              </button>
            </article>
          ))}
      </div>
    </section>
  );
}
