import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, NavLink, useParams } from 'react-router-dom';
import { request } from '../api';
import {
  DataTable,
  ErrorBox,
  formatDeadline,
  formatTime,
  LightBadge,
  Named,
  StatusBadge,
  useDepartments,
  useLoad,
  useMatters,
  yuan,
  Pager,
  WORK_LIST_PAGE_SIZE,
} from '../components';
import { StepActions } from '../StepActions';
import { Timeline } from '../timeline';
import type { Step } from '../types';
import { IssueWarningButton, WarningBanners } from './Warnings';

/** The urge and the open supervision case of a step, with their words, as a banner. */
export function StepBanners({ step, compact = false }: { step: Step; compact?: boolean }) {
  const { t } = useTranslation();
  if (!step.lastUrge && !step.openCase) return null;
  return (
    <div className={`banners${compact ? ' compact' : ''}`}>
      {step.lastUrge && (
        <p className="banner banner-urge" role={compact ? undefined : 'note'} data-banner="urge">
          {t('banners.urged', { by: step.lastUrge.by, at: formatTime(step.lastUrge.at) })}
          {step.lastUrge.message && <strong>「{step.lastUrge.message}」</strong>}
        </p>
      )}
      {step.openCase && (
        <p className="banner banner-case" role={compact ? undefined : 'note'} data-banner="case">
          {t('banners.case', { level: step.openCase.level, due: formatDeadline(step.openCase.dueAt) })}{' '}
          <Link to={`/cases/${step.openCase.id}`}>{t('banners.openCase')}</Link>
        </p>
      )}
    </div>
  );
}

/** The special procedures a step has been through: which, from when to when, how they ended, the days they stopped the clock. */
export function SpecialProcedureRecords({ step }: { step: Step }) {
  const { t } = useTranslation();
  return (
    <ul className="procedure-records">
      {step.specialProcedures.map((p) => (
        <li key={p.startedAt} data-procedure={p.procedure} data-ended-by={p.endedBy}>
          {t('inbox.procedureRecord', {
            procedure: t(`procedures.${p.procedure}`),
            from: formatTime(p.startedAt),
            to: formatTime(p.endedAt),
            n: p.pausedWorkdays,
            how: t(`inbox.endedBy_${p.endedBy}`),
          })}
          <div className="muted">
            {p.reason} · {t('timeline.approvedBy', { name: p.approvedBy })}
            {p.note ? ` · ${p.note}` : ''}
          </div>
        </li>
      ))}
    </ul>
  );
}

/** The project and investor of a step's row, with the application number as secondary text. */
const projectCell = (s: Step) => (
  <>
    {s.projectName ?? '—'}
    {s.investorName && <div className="muted">{s.investorName}</div>}
    <small className="code">{s.caseNo ?? s.applicationId}</small>
  </>
);

function InboxTabs() {
  const { t } = useTranslation();
  return (
    <nav className="tabs" aria-label={t('nav.inbox')}>
      <NavLink to="/inbox" end>
        {t('nav.inbox')}
      </NavLink>
      <NavLink to="/inbox/done">{t('nav.done')}</NavLink>
    </nav>
  );
}

const dueText = (t: TFunction, s: Step) =>
  s.status === 'submitted'
    ? t('inbox.acceptBy', { at: formatDeadline(s.acceptanceDeadline) })
    : s.deadline
      ? formatDeadline(s.deadline)
      : s.status === 'awaiting_supplement'
        ? t('inbox.paused')
        : '—';

/** The department's inbox (待办): open steps, soonest deadline first, with lights and banners. */
export function InboxPage() {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const { data, error } = useLoad(
    () => request('get', '/api/inbox', { query: { page, pageSize: WORK_LIST_PAGE_SIZE } }),
    [page],
    3000,
  );
  return (
    <section>
      <h1>{t('nav.inbox')}</h1>
      <InboxTabs />
      <WarningBanners />
      <ErrorBox error={error} />
      <DataTable
        className="responsive inbox"
        rows={error && !data ? [] : data}
        rowKey={(s) => s.id}
        rowProps={(s) => ({
          'data-step': s.matterCode,
          className: s.openCase ? 'row-case' : s.lastUrge ? 'row-urged' : undefined,
        })}
        empty={t('empty.inbox')}
        columns={[
          {
            header: t('fields.matter'),
            cell: (s) => (
              <>
                <Link to={`/steps/${s.id}`}>{s.matterName}</Link>
                <StepBanners step={s} compact />
              </>
            ),
          },
          { header: t('fields.project'), cell: projectCell },
          {
            header: t('fields.status'),
            cell: (s) => (
              <>
                <StatusBadge status={s.status} />
                {s.awaitingPayment && <span className="awaiting-payment"> {t('more.awaitingPayment')}</span>}
              </>
            ),
          },
          { header: t('fields.light'), cell: (s) => <LightBadge light={s.light} /> },
          { header: t('fields.deadline'), cell: (s) => dueText(t, s) },
          { header: t('fields.remaining'), cell: (s) => s.remainingWorkdays ?? '—' },
        ]}
      />
      <Pager page={page} hasNext={(data?.length ?? 0) === WORK_LIST_PAGE_SIZE} onPage={setPage} />
    </section>
  );
}

/** 已办: what the department has finished, the most recent first. */
export function DonePage() {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const { data, error } = useLoad(
    () => request('get', '/api/inbox/done', { query: { page, pageSize: WORK_LIST_PAGE_SIZE } }),
    [page],
    10_000,
  );
  return (
    <section>
      <h1>{t('nav.done')}</h1>
      <InboxTabs />
      <ErrorBox error={error} />
      <DataTable
        className="responsive"
        rows={error && !data ? [] : data}
        rowKey={(s) => s.id}
        rowProps={(s) => ({ 'data-step': s.matterCode })}
        empty={t('empty.done')}
        columns={[
          { header: t('fields.matter'), cell: (s) => <Link to={`/steps/${s.id}`}>{s.matterName}</Link> },
          { header: t('fields.project'), cell: projectCell },
          {
            header: t('fields.status'),
            cell: (s) => (
              <>
                <StatusBadge status={s.status} />
                {s.overdue && <span className="overdue"> {t('fields.overdue')}</span>}
              </>
            ),
          },
          {
            header: t('inbox.result'),
            cell: (s) =>
              s.certificateNo
                ? t('timeline.certificate', { no: s.certificateNo })
                : s.reason
                  ? t('timeline.reason', { text: s.reason })
                  : '—',
          },
          { header: t('application.decidedAt'), cell: (s) => formatTime(s.decidedAt) },
        ]}
      />
      <Pager page={page} hasNext={(data?.length ?? 0) === WORK_LIST_PAGE_SIZE} onPage={setPage} />
    </section>
  );
}

/** One step at the window: its context, the urge and case banners, the actions allowed now, its history. */
export function StepPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const departments = useDepartments();
  const matters = useMatters();
  const [warned, setWarned] = useState<string>();
  const {
    data: step,
    error,
    reload,
  } = useLoad(() => request('get', '/api/steps/{id}', { params: { id } }), [id], 3000);
  // The step runs on its catalog version: its required materials are that version's, not today's.
  const versions = useLoad(
    () =>
      step?.matterVersion
        ? request('get', '/api/matters/{code}/versions', { params: { code: step.matterCode } })
        : Promise.resolve(undefined),
    [step?.matterCode, step?.matterVersion],
  );
  const history = useLoad(
    () =>
      step
        ? request('get', '/api/applications/{id}/timeline', { params: { id: step.applicationId } })
        : Promise.resolve(undefined),
    [step?.applicationId, step?.status, step?.lastUrgedAt],
  );
  if (!step) return error ? <ErrorBox error={error} /> : <p className="loading">{t('more.loading')}</p>;
  const events = (history.data ?? []).filter((e) => e.stepId === step.id);
  const materials =
    versions.data?.find((v) => v.version === step.matterVersion)?.materials ??
    matters.find(step.matterCode)?.materials ??
    [];
  return (
    <section className="step-page">
      <h1>
        <Named name={step.matterName} code={step.matterCode} />
      </h1>
      <p className="muted">
        <Link to={`/applications/${step.applicationId}`}>{step.projectName ?? step.applicationId}</Link>
        {step.investorName && ` · ${step.investorName}`} · {departments.name(step.departmentCode)}
        {step.attempt > 1 && ` · ${t('fields.attempt', { n: step.attempt })}`}
      </p>
      <StepBanners step={step} />
      <WarningBanners stepId={step.id} refresh={warned} />
      <dl className="facts">
        <dt>{t('fields.status')}</dt>
        <dd>
          <StatusBadge status={step.status} /> <LightBadge light={step.light} />
          {step.overdue && <span className="overdue"> {t('fields.overdue')}</span>}
        </dd>
        <dt>{t('fields.deadline')}</dt>
        <dd>
          {dueText(t, step)}
          {typeof step.remainingWorkdays === 'number' &&
            ` · ${t('application.daysLeft', { n: step.remainingWorkdays })}`}
        </dd>
        <dt>{t('fields.promised')}</dt>
        <dd>
          {step.promisedLimitDays} {t('fields.days')}
          {step.statutoryLimitDays !== null && ` (${t('fields.statutory')} ${step.statutoryLimitDays})`}
          {step.extensionDays > 0 && ` · ${t('inbox.extended', { n: step.extensionDays })}`}
          {step.pausedWorkdays > 0 && ` · ${t('timeline.paused', { n: step.pausedWorkdays })}`}
          {step.deemedConsentPolicy && (
            <div className="muted" data-deemed-consent-policy>
              {t('inbox.deemedConsentPolicy')}
            </div>
          )}
        </dd>
        {step.matterVersion !== null && (
          <>
            <dt>{t('fields.matterVersion')}</dt>
            <dd data-matter-version={step.matterVersion}>{t('inbox.version', { n: step.matterVersion })}</dd>
          </>
        )}
        {(step.extension || step.extensionDaysAllowed !== null) && (
          <>
            <dt>{t('stepActions.extend')}</dt>
            <dd data-extension>
              {step.extension
                ? t('inbox.extensionRecord', {
                    n: step.extension.workdays,
                    reason: step.extension.reason,
                    approvedBy: step.extension.approvedBy,
                  })
                : t('inbox.extensionAllowed', { n: step.extensionDaysAllowed ?? 0 })}
            </dd>
          </>
        )}
        {step.deemedConsent && (
          <>
            <dt>{t('inbox.result')}</dt>
            <dd data-deemed-consent>{t('inbox.deemedConsent')}</dd>
          </>
        )}
        {step.fee && (
          <>
            <dt>{t('fields.fee')}</dt>
            <dd>
              {yuan(step.fee.amountFen)} ·{' '}
              {step.fee.paidAt ? t('application.paid', { no: step.fee.receiptNo ?? '' }) : t('more.awaitingPayment')}
            </dd>
          </>
        )}
        {step.assignee && (
          <>
            <dt>{t('more.assignee')}</dt>
            <dd>{step.assignee.displayName}</dd>
          </>
        )}
        {step.pause && (
          <>
            <dt>{t('inbox.pause')}</dt>
            <dd>
              {step.pause.kind === 'special' ? (
                <span data-running-procedure={step.pause.procedure}>
                  {t('panels.procedureRunning', {
                    procedure: t(`procedures.${step.pause.procedure}`),
                    reason: step.pause.reason,
                  })}
                  <br />
                  {t('panels.procedureDetails', {
                    approvedBy: step.pause.approvedBy,
                    n: step.pause.limitDays,
                    endsAt: formatDeadline(step.pause.endsAt),
                  })}
                </span>
              ) : (
                `${t('application.missingNow')} ${(step.supplementItems ?? []).join('；')}`
              )}
            </dd>
          </>
        )}
        {step.specialProcedures.length > 0 && (
          <>
            <dt>{t('inbox.specialProcedures')}</dt>
            <dd>
              <SpecialProcedureRecords step={step} />
            </dd>
          </>
        )}
        {step.certificateNo && (
          <>
            <dt>{t('actions.certificateNo')}</dt>
            <dd>{step.certificateNo}</dd>
          </>
        )}
        {step.reason && (
          <>
            <dt>{t('application.rejectionReason')}</dt>
            <dd>{step.reason}</dd>
          </>
        )}
      </dl>
      <StepActions step={step} materials={materials} onDone={reload} />
      <IssueWarningButton
        target={{ stepId: step.id, matterName: step.matterName, departmentCode: step.departmentCode }}
        onDone={(w) => setWarned(w.id)}
      />
      <h2>{t('inbox.history')}</h2>
      <Timeline events={events} matterOfStep={() => undefined} showMatter={false} />
    </section>
  );
}
