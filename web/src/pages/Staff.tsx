import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { request } from '../api';
import { DataTable, ErrorBox, formatTime, LightBadge, StatusBadge, useDepartments, useLoad, yuan } from '../components';
import { StepActions } from '../StepActions';

/** The department's inbox: open steps, soonest deadline first, with lights. */
export function InboxPage() {
  const { t } = useTranslation();
  const { data, error } = useLoad(() => request('get', '/api/inbox'), [], 3000);
  return (
    <section>
      <h1>{t('nav.inbox')}</h1>
      <ErrorBox error={error} />
      <DataTable
        rows={error && !data ? [] : data}
        rowKey={(s) => s.id}
        rowProps={(s) => ({ 'data-step': s.matterCode })}
        empty={t('empty.inbox')}
        columns={[
          { header: t('fields.matter'), cell: (s) => <Link to={`/steps/${s.id}`}>{s.matterName}</Link> },
          { header: t('fields.id'), cell: (s) => s.applicationId },
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
          { header: t('fields.deadline'), cell: (s) => formatTime(s.deadline ?? s.acceptanceDeadline) },
          { header: t('fields.remaining'), cell: (s) => s.remainingWorkdays ?? '—' },
        ]}
      />
    </section>
  );
}

/** One step at the window: the actions the API allows the caller now, each with its form. */
export function StepPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const departments = useDepartments();
  const {
    data: step,
    error,
    reload,
  } = useLoad(() => request('get', '/api/steps/{id}', { params: { id } }), [id], 3000);
  // The catalog's required materials as a checklist: every missing item is told at once (一次性告知).
  const matter = useLoad(
    () =>
      step ? request('get', '/api/matters/{code}', { params: { code: step.matterCode } }) : Promise.resolve(undefined),
    [step?.matterCode],
  );
  if (!step) return error ? <ErrorBox error={error} /> : <p className="loading">{t('more.loading')}</p>;
  return (
    <section className="card">
      <h1>
        {step.matterName} <small>{step.id}</small>
      </h1>
      <p>
        <StatusBadge status={step.status} /> <LightBadge light={step.light} /> {t('fields.deadline')}：
        {formatTime(step.deadline ?? step.acceptanceDeadline)} · {departments.name(step.departmentCode)}
        {step.fee && (
          <span>
            {' '}
            · {t('fields.fee')} {yuan(step.fee.amountFen)} {step.fee.paidAt ? '✓' : ''}
          </span>
        )}
        {step.awaitingPayment && <span className="awaiting-payment"> · {t('more.awaitingPayment')}</span>}
        {step.assignee && (
          <span>
            {' '}
            · {t('more.assignee')} {step.assignee.displayName}
          </span>
        )}
      </p>
      <p>
        <Link to={`/applications/${step.applicationId}`}>{step.applicationId}</Link>
      </p>
      <StepActions step={step} materials={matter.data?.materials ?? []} onDone={reload} />
    </section>
  );
}
