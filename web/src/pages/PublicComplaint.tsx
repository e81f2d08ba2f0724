// The public's efficiency complaint (效能投诉): filing it (the number and password are shown once
// afterwards) and following it with them. No sign-in; usable on a phone.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ApiError, request } from '../api';
import { ErrorBox, Field, formatTime, useAction, useDepartments, useFieldError } from '../components';
import zhCN from '../locales/zh-CN';
import type { ComplaintCategory, ComplaintStatus, PublicComplaint } from '../types';
import './complaints.css';

// The lists, in the domain's order: the locale's groups are typed against domain/complaints.ts
// (`satisfies Record<ComplaintCategory, string>`), so nothing of the server is bundled.
export const COMPLAINT_CATEGORIES = Object.keys(zhCN.complaints.categories) as ComplaintCategory[];
export const COMPLAINT_STATUSES = Object.keys(zhCN.complaints.status) as ComplaintStatus[];

/** The stages of a complaint, the current one marked. */
export function ComplaintStages({ status }: { status: ComplaintStatus }) {
  const { t } = useTranslation();
  const at = COMPLAINT_STATUSES.indexOf(status);
  return (
    <ol className="stages" aria-label={t('complaints.fields.status')}>
      {COMPLAINT_STATUSES.map((s, i) => (
        <li
          key={s}
          className={i < at ? 'done' : i === at ? 'current' : ''}
          aria-current={i === at ? 'step' : undefined}
        >
          {t(`complaints.status.${s}`)}
        </li>
      ))}
    </ol>
  );
}

type InvalidField = keyof typeof zhCN.complaints.invalid;

/** The API's complaint about a field, worded for the public in the reader's language. */
export function usePublicFieldError(error: unknown) {
  const { t } = useTranslation();
  const apiFieldError = useFieldError(error);
  return (name: InvalidField): string | undefined =>
    apiFieldError(name) ? t(`complaints.invalid.${name}`) : undefined;
}

/** 我要投诉: the form, then the complaint number and password to keep. */
export function ComplaintFilePage() {
  const { t } = useTranslation();
  const departments = useDepartments();
  const [category, setCategory] = useState<ComplaintCategory>('delay');
  const [content, setContent] = useState('');
  const [contactName, setContactName] = useState('');
  const [phone, setPhone] = useState('');
  const [caseNo, setCaseNo] = useState('');
  const [departmentCode, setDepartmentCode] = useState('');
  const [filed, setFiled] = useState<{ complaintNo: string; password: string }>();
  const { error, pending, run } = useAction();
  const fieldError = usePublicFieldError(error);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(
      () =>
        request('post', '/api/public/complaints', {
          body: {
            category,
            content,
            contactName,
            phone,
            ...(caseNo.trim() ? { caseNo: caseNo.trim() } : {}),
            ...(departmentCode ? { departmentCode } : {}),
          },
        }),
      setFiled,
    );
  };

  if (filed) {
    return (
      <section className="public-page">
        <div className="card" role="status" data-complaint-no={filed.complaintNo}>
          <h1>{t('complaints.filedTitle')}</h1>
          <dl className="facts">
            <dt>{t('complaints.fields.complaintNo')}</dt>
            <dd className="secret">{filed.complaintNo}</dd>
            <dt>{t('complaints.fields.password')}</dt>
            <dd className="secret">{filed.password}</dd>
          </dl>
          <p className="notice">{t('complaints.keepThem')}</p>
          <p>
            <Link to={`/public/complaint/follow?no=${encodeURIComponent(filed.complaintNo)}`}>
              {t('nav.followComplaint')}
            </Link>
          </p>
        </div>
      </section>
    );
  }

  return (
    <section className="public-page">
      <h1>{t('nav.fileComplaint')}</h1>
      <p className="muted">{t('complaints.intro')}</p>
      <form className="card form" onSubmit={submit} noValidate>
        <Field label={t('complaints.fields.category')} error={fieldError('category')}>
          <select name="category" value={category} onChange={(e) => setCategory(e.target.value as ComplaintCategory)}>
            {COMPLAINT_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`complaints.categories.${c}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('complaints.fields.content')} error={fieldError('content')}>
          <textarea
            name="content"
            rows={6}
            maxLength={4000}
            required
            value={content}
            placeholder={t('complaints.contentHint')}
            onChange={(e) => setContent(e.target.value)}
          />
        </Field>
        <Field label={t('complaints.fields.contactName')} error={fieldError('contactName')}>
          <input
            name="contactName"
            autoComplete="name"
            required
            value={contactName}
            onChange={(e) => setContactName(e.target.value)}
          />
        </Field>
        <Field label={t('complaints.fields.phone')} error={fieldError('phone')}>
          <input
            name="phone"
            type="tel"
            inputMode="tel"
            autoComplete="tel"
            required
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
          />
        </Field>
        <Field label={t('complaints.fields.caseNoOptional')} error={fieldError('caseNo')}>
          <input
            name="caseNo"
            autoCapitalize="characters"
            placeholder="GH-2026-000123"
            value={caseNo}
            onChange={(e) => setCaseNo(e.target.value)}
          />
        </Field>
        <Field label={t('complaints.fields.departmentOptional')} error={fieldError('departmentCode')}>
          <select name="departmentCode" value={departmentCode} onChange={(e) => setDepartmentCode(e.target.value)}>
            <option value="">{t('complaints.notSure')}</option>
            {departments.list.map((d) => (
              <option key={d.code} value={d.code}>
                {d.name}
              </option>
            ))}
          </select>
        </Field>
        <p className="muted">{t('complaints.privacy')}</p>
        <ErrorBox error={error} fields={['category', 'content', 'contactName', 'phone', 'caseNo', 'departmentCode']} />
        <button type="submit" disabled={pending}>
          {t('complaints.submit')}
        </button>
      </form>
    </section>
  );
}

/** 投诉查询: the complaint's stage, the department's reply and the office's conclusion. */
export function ComplaintFollowPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const [no, setNo] = useState(params.get('no') ?? '');
  const [password, setPassword] = useState('');
  const [found, setFound] = useState<PublicComplaint>();
  const { error, pending, run } = useAction();
  const fieldError = usePublicFieldError(error);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFound(undefined);
    void run(
      () =>
        request('get', '/api/public/complaints/{no}', {
          params: { no: no.trim() },
          query: { password: password.trim() },
        }),
      setFound,
    );
  };
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <section className="public-page">
      <h1>{t('nav.followComplaint')}</h1>
      <form className="card form" onSubmit={submit} noValidate>
        <Field label={t('complaints.fields.complaintNo')} error={fieldError('no')}>
          <input
            name="complaintNo"
            autoCapitalize="characters"
            placeholder="TS-2026-000123"
            value={no}
            onChange={(e) => setNo(e.target.value)}
          />
        </Field>
        <Field label={t('complaints.fields.password')} error={fieldError('password')}>
          <input
            name="password"
            autoCapitalize="characters"
            autoComplete="off"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        {notFound ? (
          <div className="error" role="alert">
            {t('complaints.notFound')}
          </div>
        ) : (
          <ErrorBox error={error} fields={['no', 'password']} />
        )}
        <button type="submit" disabled={pending || !no.trim() || !password.trim()}>
          {t('complaints.lookUp')}
        </button>
      </form>
      {found && (
        <article className="card" data-status={found.status}>
          <h2>
            {found.complaintNo}{' '}
            <small>
              {found.category ? t(`complaints.categories.${found.category}`) : t('complaints.kinds.complaint')}
            </small>
          </h2>
          <ComplaintStages status={found.status} />
          <dl className="facts">
            <dt>{t('complaints.fields.filedAt')}</dt>
            <dd>{formatTime(found.filedAt)}</dd>
            {found.replyDueAt && (
              <>
                <dt>{t('complaints.fields.replyDueAt')}</dt>
                <dd>{formatTime(found.replyDueAt)}</dd>
              </>
            )}
            {found.reply && (
              <>
                <dt>{t('complaints.fields.reply')}</dt>
                <dd>{found.reply}</dd>
              </>
            )}
            {found.status === 'closed' && (
              <>
                <dt>{t('complaints.fields.upheld')}</dt>
                <dd>{found.upheld ? t('complaints.upheld') : t('complaints.notUpheld')}</dd>
                <dt>{t('complaints.fields.conclusion')}</dt>
                <dd>{found.conclusion}</dd>
              </>
            )}
          </dl>
          {found.status === 'filed' && <p className="muted">{t('complaints.waitingRegistration')}</p>}
        </article>
      )}
    </section>
  );
}
