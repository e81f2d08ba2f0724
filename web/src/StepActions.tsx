// The actions on one step, exactly those the API lists in the step's allowedActions for the
// caller: a button for each, with the form it needs (reasons, items, days) beside it.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from './api';
import { ErrorBox, Field, useAction, useFieldError, yuan } from './components';
import zhCN from './locales/zh-CN';
import type { Step, StepAction } from './types';

const PROCEDURES = Object.keys(zhCN.procedures) as Array<keyof typeof zhCN.procedures>;
const FIELDS = ['items', 'reason', 'certificateNo', 'note', 'workdays', 'assigneeId', 'message', 'receiptNo'];

export function StepActions({
  step,
  materials = [],
  only,
  onDone,
}: {
  step: Step;
  /** The catalog's required materials, offered as a checklist for corrections (一次性告知). */
  materials?: string[];
  /** Show only these of the allowed actions (the rest are on another page). */
  only?: StepAction[];
  onDone: (action: StepAction) => void;
}) {
  const { t } = useTranslation();
  const { error, pending, run } = useAction();
  const fieldError = useFieldError(error);
  const [items, setItems] = useState('');
  const [checked, setChecked] = useState<string[]>([]);
  const [reason, setReason] = useState('');
  const [certificateNo, setCertificateNo] = useState('');
  const [note, setNote] = useState('');
  const [procedure, setProcedure] = useState<(typeof PROCEDURES)[number]>('expert_review');
  const [workdays, setWorkdays] = useState('');
  const [assigneeId, setAssigneeId] = useState('');
  const [message, setMessage] = useState(() => t('more.urgeMessage'));
  const [receiptNo, setReceiptNo] = useState('');
  const allowed = step.allowedActions.filter((a) => !only || only.includes(a));
  const can = (a: StepAction) => allowed.includes(a);
  if (allowed.length === 0) return null;
  const params = { id: step.id };
  const act = (action: StepAction, call: () => Promise<unknown>) =>
    run(call, () => {
      setItems('');
      setChecked([]);
      setReason('');
      setNote('');
      setWorkdays('');
      setReceiptNo('');
      onDone(action);
    });
  const reasonField = (can('request_supplement') || can('reject') || can('start_special_procedure')) && (
    <Field label={t('actions.reason')} error={fieldError('reason')}>
      <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} />
    </Field>
  );
  return (
    <div className="form step-actions" data-actions={allowed.join(' ')}>
      <ErrorBox error={error} fields={FIELDS} />
      {step.awaitingPayment && (
        <p className="notice awaiting-payment">
          {t('more.awaitingPayment')}
          {step.fee ? ` · ${yuan(step.fee.amountFen)}` : ''}
        </p>
      )}
      {can('accept') && (
        <div className="toolbar">
          <button
            type="button"
            disabled={pending}
            onClick={() => act('accept', () => request('post', '/api/steps/{id}/accept', { params, body: {} }))}
          >
            {t('stepActions.accept')}
          </button>
        </div>
      )}
      {can('request_supplement') && (
        <>
          {materials.length > 0 && (
            <fieldset>
              <legend>{t('fields.materials')}</legend>
              {materials.map((m) => (
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
          )}
          <Field label={t('actions.items')} error={fieldError('items')}>
            <textarea name="items" rows={3} value={items} onChange={(e) => setItems(e.target.value)} />
          </Field>
        </>
      )}
      {can('start_special_procedure') && (
        <Field label={t('more.procedure')} error={fieldError('procedure')}>
          <select value={procedure} onChange={(e) => setProcedure(e.target.value as typeof procedure)}>
            {PROCEDURES.map((p) => (
              <option key={p} value={p}>
                {t(`procedures.${p}`)}
              </option>
            ))}
          </select>
        </Field>
      )}
      {reasonField}
      {can('request_supplement') && (
        <button
          type="button"
          className="secondary"
          disabled={pending}
          onClick={() =>
            act('request_supplement', () =>
              request('post', '/api/steps/{id}/supplement-request', {
                params,
                body: {
                  items: [
                    ...checked,
                    ...items
                      .split('\n')
                      .map((s) => s.trim())
                      .filter(Boolean),
                  ],
                  reason,
                },
              }),
            )
          }
        >
          {t('stepActions.request_supplement')}
        </button>
      )}
      {can('start_special_procedure') && (
        <button
          type="button"
          className="secondary"
          disabled={pending}
          onClick={() =>
            act('start_special_procedure', () =>
              request('post', '/api/steps/{id}/special-procedure', { params, body: { procedure, reason } }),
            )
          }
        >
          {t('stepActions.start_special_procedure')}
        </button>
      )}
      {(can('end_special_procedure') || can('supplement')) && (
        <Field label={t('actions.note')} error={fieldError('note')}>
          <input name="note" value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
      )}
      {can('end_special_procedure') && (
        <button
          type="button"
          disabled={pending}
          onClick={() =>
            act('end_special_procedure', () =>
              request('post', '/api/steps/{id}/special-procedure/end', { params, body: { note } }),
            )
          }
        >
          {t('stepActions.end_special_procedure')}
        </button>
      )}
      {can('supplement') && (
        <>
          {(step.supplementItems ?? []).length > 0 && <p className="muted">{step.supplementItems?.join('；')}</p>}
          <button
            type="button"
            disabled={pending}
            onClick={() =>
              act('supplement', () => request('post', '/api/steps/{id}/supplement', { params, body: { note } }))
            }
          >
            {t('stepActions.supplement')}
          </button>
        </>
      )}
      {can('approve') && (
        <>
          <Field label={t('actions.certificateNo')} error={fieldError('certificateNo')}>
            <input name="certificateNo" value={certificateNo} onChange={(e) => setCertificateNo(e.target.value)} />
          </Field>
          <button
            type="button"
            disabled={pending}
            onClick={() =>
              act('approve', () =>
                request('post', '/api/steps/{id}/decision', {
                  params,
                  body: { outcome: 'approved', ...(certificateNo.trim() ? { certificateNo } : {}) },
                }),
              )
            }
          >
            {t('stepActions.approve')}
          </button>
        </>
      )}
      {can('reject') && (
        <button
          type="button"
          className="danger"
          disabled={pending}
          onClick={() =>
            act('reject', () =>
              request('post', '/api/steps/{id}/decision', {
                params,
                body: { outcome: 'rejected', ...(reason.trim() ? { reason } : {}) },
              }),
            )
          }
        >
          {t('stepActions.reject')}
        </button>
      )}
      {can('reassign') && (
        <div className="toolbar">
          <Field label={t('more.assigneeId')} error={fieldError('assigneeId')}>
            <input name="assigneeId" value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)} />
          </Field>
          <button
            type="button"
            className="secondary"
            disabled={pending || !assigneeId.trim()}
            onClick={() =>
              act('reassign', () => request('post', '/api/steps/{id}/reassign', { params, body: { assigneeId } }))
            }
          >
            {t('stepActions.reassign')}
          </button>
        </div>
      )}
      {can('urge') && (
        <div className="toolbar">
          <Field label={t('stepActions.urge')} error={fieldError('message')}>
            <input name="message" value={message} onChange={(e) => setMessage(e.target.value)} />
          </Field>
          <button
            type="button"
            disabled={pending}
            onClick={() => act('urge', () => request('post', '/api/steps/{id}/urge', { params, body: { message } }))}
          >
            {t('stepActions.urge')}
          </button>
        </div>
      )}
      {can('extend') && (
        <ExtensionForm
          pending={pending}
          fieldError={fieldError}
          workdays={workdays}
          setWorkdays={setWorkdays}
          reason={reason}
          setReason={setReason}
          showReason={!reasonField}
          onSubmit={() =>
            act('extend', () =>
              request('post', '/api/steps/{id}/extension', {
                params,
                body: { workdays: Number(workdays), reason },
              }),
            )
          }
        />
      )}
      {can('record_payment') && step.fee && (
        <div className="toolbar">
          <Field label={t('fields.receiptNo')} error={fieldError('receiptNo')}>
            <input
              name="receiptNo"
              aria-label={t('fields.receiptNo')}
              value={receiptNo}
              onChange={(e) => setReceiptNo(e.target.value)}
            />
          </Field>
          <button
            type="button"
            disabled={pending}
            onClick={() =>
              act('record_payment', () =>
                request('post', '/api/steps/{id}/payment', {
                  params,
                  body: { amountFen: step.fee?.amountFen ?? 0, receiptNo },
                }),
              )
            }
          >
            {t('stepActions.record_payment')} {yuan(step.fee.amountFen)}
          </button>
        </div>
      )}
    </div>
  );
}

function ExtensionForm(props: {
  pending: boolean;
  fieldError: (f: string) => string | undefined;
  workdays: string;
  setWorkdays: (v: string) => void;
  reason: string;
  setReason: (v: string) => void;
  showReason: boolean;
  onSubmit: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="toolbar extension">
      <Field label={t('actions.workdays')} error={props.fieldError('workdays')}>
        <input
          name="workdays"
          type="number"
          min={1}
          value={props.workdays}
          onChange={(e) => props.setWorkdays(e.target.value)}
        />
      </Field>
      {props.showReason && (
        <Field label={t('actions.reason')} error={props.fieldError('reason')}>
          <input name="reason" value={props.reason} onChange={(e) => props.setReason(e.target.value)} />
        </Field>
      )}
      <button type="button" className="secondary" disabled={props.pending} onClick={props.onSubmit}>
        {t('stepActions.extend')}
      </button>
    </div>
  );
}
