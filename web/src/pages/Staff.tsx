import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, ApiError } from '../api';
import { ErrorBox, Field, formatTime, LightBadge, StatusBadge, useAction, useLoad, yuan } from '../components';

/** The department's inbox: open steps, soonest deadline first, with lights. */
export function InboxPage() {
  const { t } = useTranslation();
  const { data, error } = useLoad(() => api<any[]>('GET', '/api/inbox'), [], 3000);
  return (
    <section>
      <h1>{t('nav.inbox')}</h1>
      <ErrorBox error={error} />
      {data && data.length === 0 && <p className="empty">{t('empty.inbox')}</p>}
      {data && data.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('fields.matter')}</th>
              <th>{t('fields.id')}</th>
              <th>{t('fields.status')}</th>
              <th>{t('fields.light')}</th>
              <th>{t('fields.deadline')}</th>
              <th>{t('fields.remaining')}</th>
            </tr>
          </thead>
          <tbody>
            {data.map((s) => (
              <tr key={s.id} data-step={s.matterCode}>
                <td>
                  <Link to={`/steps/${s.id}`}>{s.matterName}</Link>
                </td>
                <td>{s.applicationId}</td>
                <td>
                  <StatusBadge status={s.status} />
                </td>
                <td>
                  <LightBadge light={s.light} />
                </td>
                <td>{formatTime(s.deadline ?? s.acceptanceDeadline)}</td>
                <td>{s.remainingWorkdays ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** One step at the window: accept, ask for corrections (every missing item at once), decide. */
export function StepPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const { error, pending, run } = useAction();
  const [items, setItems] = useState('');
  const [reason, setReason] = useState('');
  const [certificateNo, setCertificateNo] = useState('');
  const [checked, setChecked] = useState<string[]>([]);
  const { data: step, reload } = useLoad(() => api('GET', `/api/steps/${id}`), [id], 3000);
  // The catalog's required materials as a checklist: every missing item is told at once (一次性告知).
  const matter = useLoad(
    () => (step ? api('GET', `/api/matters/${step.matterCode}`) : Promise.resolve(undefined)),
    [step?.matterCode],
  );
  const act = (path: string, body: unknown) => run(() => api('POST', `/api/steps/${id}/${path}`, body), reload);
  const fieldError = (f: string) => (error instanceof ApiError ? error.field(f) : undefined);
  if (!step) return <p>…</p>;
  return (
    <section className="card">
      <h1>
        {step.matterName} <small>{step.id}</small>
      </h1>
      <p>
        <StatusBadge status={step.status} /> <LightBadge light={step.light} /> {t('fields.deadline')}：
        {formatTime(step.deadline ?? step.acceptanceDeadline)}
        {step.fee && (
          <span>
            {' '}
            · {t('fields.fee')} {yuan(step.fee.amountFen)} {step.fee.paidAt ? '✓' : ''}
          </span>
        )}
      </p>
      <p>
        <Link to={`/applications/${step.applicationId}`}>{step.applicationId}</Link>
      </p>
      <ErrorBox error={error} />
      {step.status === 'submitted' && (
        <button type="button" disabled={pending} onClick={() => act('accept', {})}>
          {t('actions.accept')}
        </button>
      )}
      {(step.status === 'submitted' || step.status === 'in_review') && (
        <div className="form">
          <fieldset>
            <legend>{t('fields.materials')}</legend>
            {(matter.data?.materials ?? []).map((m: string) => (
              <label key={m} className="check">
                <input
                  type="checkbox"
                  checked={checked.includes(m)}
                  onChange={(e) => setChecked(e.target.checked ? [...checked, m] : checked.filter((x) => x !== m))}
                />
                {m}
              </label>
            ))}
          </fieldset>
          <Field label={t('actions.items')} error={fieldError('body.items')}>
            <textarea name="items" rows={3} value={items} onChange={(e) => setItems(e.target.value)} />
          </Field>
          <Field label={t('actions.reason')} error={fieldError('body.reason')}>
            <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </Field>
          <button
            type="button"
            className="secondary"
            disabled={pending}
            onClick={() =>
              act('supplement-request', {
                items: [
                  ...checked,
                  ...items
                    .split('\n')
                    .map((s) => s.trim())
                    .filter(Boolean),
                ],
                reason,
              })
            }
          >
            {t('actions.requestSupplement')}
          </button>
          {step.status === 'in_review' && (
            <>
              <Field label={t('actions.certificateNo')} error={fieldError('body.certificateNo')}>
                <input name="certificateNo" value={certificateNo} onChange={(e) => setCertificateNo(e.target.value)} />
              </Field>
              <button
                type="button"
                disabled={pending}
                onClick={() =>
                  act('decision', { outcome: 'approved', ...(certificateNo.trim() ? { certificateNo } : {}) })
                }
              >
                {t('actions.approve')}
              </button>
            </>
          )}
          <button
            type="button"
            className="danger"
            disabled={pending}
            onClick={() => act('decision', { outcome: 'rejected', ...(reason.trim() ? { reason } : {}) })}
          >
            {t('actions.reject')}
          </button>
        </div>
      )}
    </section>
  );
}
