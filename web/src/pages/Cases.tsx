import type { TFunction } from 'i18next';
// Supervision cases (督办件): the list by status, and one case with its context (the step, its
// project, the escalation ladder, the step's history) and the department's answer, or the form
// in which the department's window gives it.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { request, type User } from '../api';
import {
  DataTable,
  ErrorBox,
  Field,
  formatDeadline,
  formatTime,
  LightBadge,
  StatusBadge,
  useDepartments,
  useFieldError,
  useLoad,
} from '../components';
import { StepActions } from '../StepActions';
import { AccountabilityPanel } from './Assessment';
import { useSubmit } from '../submit';
import { Timeline } from '../timeline';
import type { SupervisionCase } from '../types';

const outcomeText = (t: TFunction, c: SupervisionCase): string =>
  c.outcome ? t(`caseOutcomes.${c.outcome as 'answered' | 'escalated' | 'decided' | 'cancelled'}`) : '';

export function CasesPage() {
  const { t } = useTranslation();
  const departments = useDepartments();
  const [status, setStatus] = useState<'open' | 'closed'>('open');
  const { data, error } = useLoad(
    () => request('get', '/api/supervision/cases', { query: { status } }),
    [status],
    5000,
  );
  return (
    <section>
      <h1>{t('nav.cases')}</h1>
      <nav className="tabs" aria-label={t('nav.cases')}>
        {(['open', 'closed'] as const).map((s) => (
          <button
            key={s}
            type="button"
            className={s === status ? 'tab active' : 'tab'}
            aria-pressed={s === status}
            onClick={() => setStatus(s)}
          >
            {t(`status.${s}`)}
          </button>
        ))}
      </nav>
      <ErrorBox error={error} />
      <DataTable
        className="responsive"
        rows={error && !data ? [] : data}
        rowKey={(c) => c.id}
        rowProps={(c) => ({ 'data-case': c.id })}
        empty={t('empty.cases')}
        columns={[
          {
            header: t('fields.matter'),
            cell: (c) => (
              <>
                {c.warningId ? (
                  <Link to={`/warnings/${c.warningId}`}>{c.warningId}</Link>
                ) : c.complaintId ? (
                  <Link to={`/complaints/${c.complaintId}`}>{c.complaintId}</Link>
                ) : (
                  <Link to={`/cases/${c.id}`}>{c.matterName ?? c.stepId}</Link>
                )}
                <div className="muted">{c.projectName}</div>
              </>
            ),
          },
          { header: t('fields.department'), cell: (c) => departments.name(c.departmentCode) },
          { header: t('fields.level'), cell: (c) => t('cases.level', { n: c.level }) },
          { header: t('fields.openedAt'), cell: (c) => formatTime(c.openedAt) },
          { header: t('fields.dueAt'), cell: (c) => formatDeadline(c.dueAt) },
          {
            header: t('fields.status'),
            cell: (c) => (
              <>
                <StatusBadge status={c.status} /> {outcomeText(t, c)}
              </>
            ),
          },
        ]}
      />
    </section>
  );
}

/** One case: its context and the answer (read by the supervisor; given by the department's window). */
export function CasePage({ user }: { user: User }) {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const departments = useDepartments();
  const submit = useSubmit();
  const [answer, setAnswer] = useState('');
  const [missing, setMissing] = useState(false);
  const fieldError = useFieldError(submit.error);
  const {
    data: c,
    error,
    reload,
  } = useLoad(() => request('get', '/api/supervision/cases/{id}', { params: { id } }), [id], 5000);
  if (!c) return error ? <ErrorBox error={error} /> : <p className="loading">{t('more.loading')}</p>;
  const canAnswer = user.role === 'staff' && user.departmentCode === c.departmentCode && c.status === 'open';
  const send = () => {
    if (!answer.trim()) {
      setMissing(true);
      document.querySelector<HTMLElement>('[name="answer"]')?.focus();
      return;
    }
    setMissing(false);
    submit.submit({
      identity: ['answer', c.id, answer],
      send: (key) =>
        request('post', '/api/supervision/cases/{id}/answer', {
          params: { id: c.id },
          body: { answer },
          idempotencyKey: key,
        }),
      success: () => t('results.answered', { level: c.level }),
      then: () => {
        setAnswer('');
        reload();
      },
      fields: ['answer'],
    });
  };
  return (
    <section className="case-page">
      <h1>
        {t('cases.title', { level: c.level })} · {c.matterName}
      </h1>
      <p className="muted">
        <Link to={`/applications/${c.applicationId}`}>{c.projectName ?? c.applicationId}</Link>
        {c.step.investorName && ` · ${c.step.investorName}`} · {departments.name(c.departmentCode)}
      </p>
      <dl className="facts">
        <dt>{t('fields.status')}</dt>
        <dd>
          <StatusBadge status={c.status} /> {outcomeText(t, c)}
        </dd>
        <dt>{t('fields.openedAt')}</dt>
        <dd>{formatTime(c.openedAt)}</dd>
        <dt>{t('fields.dueAt')}</dt>
        <dd>{formatDeadline(c.dueAt)}</dd>
        <dt>{t('cases.step')}</dt>
        <dd>
          <StatusBadge status={c.step.status} /> <LightBadge light={c.step.light} /> · {t('fields.deadline')}{' '}
          {formatDeadline(c.step.deadline)}
          {c.step.overdue && <span className="overdue"> {t('fields.overdue')}</span>}
        </dd>
        {c.step.lastUrge && (
          <>
            <dt>{t('board.lastUrge')}</dt>
            <dd>
              {formatTime(c.step.lastUrge.at)} · 「{c.step.lastUrge.message}」
            </dd>
          </>
        )}
      </dl>
      <div className="card case-answer" data-answer={c.answer ? 'given' : 'none'}>
        <h2>{t('cases.answer')}</h2>
        {c.answer ? (
          <p>
            <strong>{c.answer}</strong>
            <br />
            <small className="muted">
              {c.answeredBy} · {formatTime(c.closedAt)}
            </small>
          </p>
        ) : canAnswer ? (
          <form
            className="form"
            onSubmit={(e) => {
              e.preventDefault();
              send();
            }}
          >
            <Field
              label={t('more.answer')}
              hint={t('cases.answerHint')}
              error={missing ? t('reasons.answer_required') : fieldError('answer')}
            >
              <textarea name="answer" rows={4} value={answer} onChange={(e) => setAnswer(e.target.value)} />
            </Field>
            <button type="submit" disabled={submit.pending}>
              {t('cases.submitAnswer')}
            </button>
          </form>
        ) : (
          <p className="muted">{c.status === 'open' ? t('cases.awaitingAnswer') : t('cases.noAnswer')}</p>
        )}
      </div>
      {user.role === 'supervisor' && <StepActions step={c.step} only={['urge', 'extend']} onDone={reload} />}
      {c.ladder.length > 1 && (
        <>
          <h2>{t('cases.ladder')}</h2>
          <ol className="ladder">
            {c.ladder.map((l) => (
              <li key={l.id}>
                {l.id === c.id ? (
                  <strong>{t('cases.level', { n: l.level })}</strong>
                ) : (
                  <Link to={`/cases/${l.id}`}>{t('cases.level', { n: l.level })}</Link>
                )}{' '}
                · {formatTime(l.openedAt)} · {t(`status.${l.status}`)} {outcomeText(t, l)}
              </li>
            ))}
          </ol>
        </>
      )}
      {(user.role === 'supervisor' || user.role === 'admin') && (
        <AccountabilityPanel
          caseId={c.id}
          caseStatus={c.status}
          departmentCode={c.departmentCode}
          canRecord={user.role === 'supervisor'}
        />
      )}
      <h2>{t('inbox.history')}</h2>
      <Timeline events={c.events} matterOfStep={() => undefined} showMatter={false} />
    </section>
  );
}
