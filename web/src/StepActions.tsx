// The actions on one step, exactly those the API lists in the step's allowedActions for the
// caller. One form per action, each with its own fields in its own panel (a rejection's reasons
// are not the correction request's); the irreversible ones ask first in a dialog that says what
// will happen; every result is told from the answer (the new deadline, the items asked for).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SPECIAL_PROCEDURE_LIMIT_DAYS } from '../../domain/special-procedures';
import { request } from './api';
import { Field, formatDeadline, useFieldError, useLoad, yuan } from './components';
import zhCN from './locales/zh-CN';
import { useSubmit } from './submit';
import type { Step, StepAction } from './types';

const PROCEDURES = Object.keys(zhCN.procedures) as Array<keyof typeof zhCN.procedures>;

const lines = (text: string) =>
  text
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);

export function StepActions({
  step,
  materials = [],
  only,
  onDone,
}: {
  step: Step & { payerName?: string | null };
  /** The catalog's required materials, offered as a checklist of what is missing (一次性告知). */
  materials?: string[];
  /** Show only these of the allowed actions (the rest are on another page). */
  only?: StepAction[];
  onDone: (action: StepAction, answer: unknown) => void;
}) {
  const { t } = useTranslation();
  const submit = useSubmit();
  // Which form sent the last request: its fields show the errors, the others stay clean.
  const [active, setActive] = useState<StepAction>();
  const fieldError = useFieldError(submit.error);
  const errorOf = (action: StepAction, name: string) => (active === action ? fieldError(name) : undefined);
  const [local, setLocal] = useState<{ action: StepAction; field: string; text: string }>();
  const localError = (action: StepAction, name: string) =>
    local?.action === action && local.field === name ? local.text : undefined;
  const shown = (action: StepAction, name: string) => localError(action, name) ?? errorOf(action, name);

  const [missing, setMissing] = useState<string[]>([]);
  const [otherItems, setOtherItems] = useState('');
  const [correctionReason, setCorrectionReason] = useState('');
  const [rejectReason, setRejectReason] = useState('');
  const [certificateNo, setCertificateNo] = useState('');
  const [supplementNote, setSupplementNote] = useState('');
  const [procedure, setProcedure] = useState<(typeof PROCEDURES)[number]>('expert_review');
  const [procedureReason, setProcedureReason] = useState('');
  const [procedureApprover, setProcedureApprover] = useState('');
  const [endNote, setEndNote] = useState('');
  const [assigneeId, setAssigneeId] = useState('');
  const [receiptNo, setReceiptNo] = useState('');

  const allowed = step.allowedActions.filter((a) => !only || only.includes(a));
  const can = (a: StepAction) => allowed.includes(a);
  const colleagues = useLoad(
    () => (can('reassign') ? request('get', '/api/users/colleagues') : Promise.resolve([])),
    [can('reassign')],
  );
  if (allowed.length === 0) return submit.dialog;

  const params = { id: step.id };
  const matter = step.matterName;
  const done = (action: StepAction) => (answer: unknown) => {
    setLocal(undefined);
    onDone(action, answer);
  };
  /** A form check before anything is sent: the message goes next to the field, focus to it. */
  const check = (action: StepAction, field: string, ok: boolean, text: string): boolean => {
    if (ok) return true;
    setActive(action);
    setLocal({ action, field, text });
    document.querySelector<HTMLElement>(`[data-form="${action}"] [name="${field}"]`)?.focus();
    return false;
  };
  const start = (action: StepAction) => {
    setActive(action);
    setLocal(undefined);
  };
  const rejecting = step.status === 'submitted' ? 'refuse' : 'reject';

  return (
    <div className="step-actions" data-actions={allowed.join(' ')}>
      {submit.dialog}
      {step.awaitingPayment && (
        <p className="notice awaiting-payment">
          {t('more.awaitingPayment')}
          {step.fee ? ` · ${yuan(step.fee.amountFen)}` : ''}
        </p>
      )}

      {can('accept') && (
        <section className="action-panel" data-form="accept">
          <h3>{t('stepActions.accept')}</h3>
          <p className="muted">{t('panels.acceptHint', { n: step.promisedLimitDays })}</p>
          <button
            type="button"
            disabled={submit.pending}
            onClick={() => {
              start('accept');
              submit.submit({
                identity: ['accept', step.id],
                send: (key) => request('post', '/api/steps/{id}/accept', { params, body: {}, idempotencyKey: key }),
                success: (s) => t('results.accepted', { matter, deadline: formatDeadline(s.deadline) }),
                then: done('accept'),
              });
            }}
          >
            {t('stepActions.accept')}
          </button>
        </section>
      )}

      {can('request_supplement') && (
        <section className="action-panel" data-form="request_supplement">
          <h3>{t('stepActions.request_supplement')}</h3>
          {materials.length > 0 && (
            <fieldset>
              <legend>{t('panels.missingLegend')}</legend>
              {materials.map((m) => (
                <label key={m} className="check">
                  <input
                    type="checkbox"
                    name="missing"
                    value={m}
                    checked={missing.includes(m)}
                    onChange={(e) => setMissing(e.target.checked ? [...missing, m] : missing.filter((x) => x !== m))}
                  />
                  {t('panels.missingItem', { item: m })}
                </label>
              ))}
            </fieldset>
          )}
          <Field label={t('panels.otherMissing')} error={shown('request_supplement', 'items')}>
            <textarea name="items" rows={3} value={otherItems} onChange={(e) => setOtherItems(e.target.value)} />
          </Field>
          <Field label={t('panels.correctionReason')} error={shown('request_supplement', 'reason')}>
            <input name="reason" value={correctionReason} onChange={(e) => setCorrectionReason(e.target.value)} />
          </Field>
          <button
            type="button"
            className="secondary"
            disabled={submit.pending}
            onClick={() => {
              const items = [...missing, ...lines(otherItems)];
              if (!check('request_supplement', 'items', items.length > 0, t('reasons.items_required'))) return;
              if (!check('request_supplement', 'reason', !!correctionReason.trim(), t('validation.required'))) return;
              start('request_supplement');
              submit.submit({
                identity: ['supplement-request', step.id, items, correctionReason],
                confirm: {
                  title: t('stepActions.request_supplement'),
                  lines: () => [
                    `${matter} · ${t('panels.missingCount', { n: items.length })}`,
                    <ol key="items" className="dialog-list">
                      {items.map((i) => (
                        <li key={i}>{i}</li>
                      ))}
                    </ol>,
                    `${t('panels.correctionReason')}：${correctionReason}`,
                    t('panels.correctionEffect'),
                  ],
                  confirmLabel: t('panels.confirmCorrection'),
                },
                send: (key) =>
                  request('post', '/api/steps/{id}/supplement-request', {
                    params,
                    body: { items, reason: correctionReason },
                    idempotencyKey: key,
                  }),
                success: () => t('results.correctionRequested', { n: items.length }),
                then: (answer) => {
                  setMissing([]);
                  setOtherItems('');
                  setCorrectionReason('');
                  done('request_supplement')(answer);
                },
                fields: ['items', 'reason'],
              });
            }}
          >
            {t('panels.requestCorrection')}
          </button>
        </section>
      )}

      {can('supplement') && (
        <section className="action-panel" data-form="supplement">
          <h3>{t('stepActions.supplement')}</h3>
          {(step.supplementItems ?? []).length > 0 && (
            <div className="requested">
              <strong>{t('panels.requestedItems')}</strong>
              <ul>
                {step.supplementItems?.map((i) => (
                  <li key={i}>{i}</li>
                ))}
              </ul>
            </div>
          )}
          <Field label={t('panels.supplementNote')} error={shown('supplement', 'note')}>
            <textarea name="note" rows={2} value={supplementNote} onChange={(e) => setSupplementNote(e.target.value)} />
          </Field>
          <button
            type="button"
            disabled={submit.pending}
            onClick={() => {
              if (!check('supplement', 'note', !!supplementNote.trim(), t('reasons.note_required'))) return;
              start('supplement');
              submit.submit({
                identity: ['supplement', step.id, supplementNote],
                send: (key) =>
                  request('post', '/api/steps/{id}/supplement', {
                    params,
                    body: { note: supplementNote },
                    idempotencyKey: key,
                  }),
                success: (s) => t('results.supplied', { matter, deadline: formatDeadline(s.deadline) }),
                then: (answer) => {
                  setSupplementNote('');
                  done('supplement')(answer);
                },
                fields: ['note'],
              });
            }}
          >
            {t('stepActions.supplement')}
          </button>
        </section>
      )}

      {can('start_special_procedure') && (
        <section className="action-panel" data-form="start_special_procedure">
          <h3>{t('stepActions.start_special_procedure')}</h3>
          <Field label={t('more.procedure')}>
            <select
              name="procedure"
              value={procedure}
              onChange={(e) => setProcedure(e.target.value as typeof procedure)}
            >
              {PROCEDURES.map((p) => (
                <option key={p} value={p}>
                  {t('panels.procedureOption', {
                    procedure: t(`procedures.${p}`),
                    n: SPECIAL_PROCEDURE_LIMIT_DAYS[p],
                  })}
                </option>
              ))}
            </select>
          </Field>
          <p className="muted">{t('panels.procedureLimit', { n: SPECIAL_PROCEDURE_LIMIT_DAYS[procedure] })}</p>
          <Field label={t('panels.procedureReason')} error={shown('start_special_procedure', 'reason')}>
            <input name="reason" value={procedureReason} onChange={(e) => setProcedureReason(e.target.value)} />
          </Field>
          <Field
            label={t('panels.procedureApprover')}
            hint={t('panels.procedureApproverHint')}
            error={shown('start_special_procedure', 'approvedBy')}
          >
            <input name="approvedBy" value={procedureApprover} onChange={(e) => setProcedureApprover(e.target.value)} />
          </Field>
          <button
            type="button"
            className="secondary"
            disabled={submit.pending}
            onClick={() => {
              if (!check('start_special_procedure', 'reason', !!procedureReason.trim(), t('reasons.reason_required')))
                return;
              if (
                !check(
                  'start_special_procedure',
                  'approvedBy',
                  !!procedureApprover.trim(),
                  t('reasons.approver_required'),
                )
              )
                return;
              start('start_special_procedure');
              const name = t(`procedures.${procedure}`);
              submit.submit({
                identity: ['special', step.id, procedure, procedureReason],
                confirm: {
                  title: t('stepActions.start_special_procedure'),
                  lines: () => [
                    `${matter} · ${name}`,
                    `${t('panels.procedureReason')}：${procedureReason}`,
                    `${t('panels.procedureApprover')}：${procedureApprover}`,
                    t('panels.procedureLimit', { n: SPECIAL_PROCEDURE_LIMIT_DAYS[procedure] }),
                    t('panels.procedureEffect'),
                  ],
                  confirmLabel: t('panels.confirmProcedure', { procedure: name }),
                },
                send: (key) =>
                  request('post', '/api/steps/{id}/special-procedure', {
                    params,
                    body: { procedure, reason: procedureReason, approvedBy: procedureApprover },
                    idempotencyKey: key,
                  }),
                success: () => t('results.procedureStarted', { procedure: name }),
                then: (answer) => {
                  setProcedureReason('');
                  setProcedureApprover('');
                  done('start_special_procedure')(answer);
                },
                fields: ['reason', 'approvedBy'],
              });
            }}
          >
            {t('stepActions.start_special_procedure')}
          </button>
        </section>
      )}

      {can('end_special_procedure') && (
        <section className="action-panel" data-form="end_special_procedure">
          <h3>{t('stepActions.end_special_procedure')}</h3>
          {step.pause?.kind === 'special' && (
            <p className="muted" data-running-procedure={step.pause.procedure}>
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
            </p>
          )}
          <Field label={t('panels.procedureResult')} error={shown('end_special_procedure', 'note')}>
            <input name="note" value={endNote} onChange={(e) => setEndNote(e.target.value)} />
          </Field>
          <button
            type="button"
            disabled={submit.pending}
            onClick={() => {
              if (!check('end_special_procedure', 'note', !!endNote.trim(), t('reasons.note_required'))) return;
              start('end_special_procedure');
              submit.submit({
                identity: ['special-end', step.id, endNote],
                send: (key) =>
                  request('post', '/api/steps/{id}/special-procedure/end', {
                    params,
                    body: { note: endNote },
                    idempotencyKey: key,
                  }),
                success: (s) => t('results.procedureEnded', { deadline: formatDeadline(s.deadline) }),
                then: (answer) => {
                  setEndNote('');
                  done('end_special_procedure')(answer);
                },
                fields: ['note'],
              });
            }}
          >
            {t('stepActions.end_special_procedure')}
          </button>
        </section>
      )}

      {can('approve') && (
        <section className="action-panel" data-form="approve">
          <h3>{t('stepActions.approve')}</h3>
          <Field
            label={t('actions.certificateNo')}
            hint={t('panels.certificateHint')}
            error={shown('approve', 'certificateNo')}
          >
            <input name="certificateNo" value={certificateNo} onChange={(e) => setCertificateNo(e.target.value)} />
          </Field>
          <button
            type="button"
            disabled={submit.pending}
            onClick={() => {
              start('approve');
              const cert = certificateNo.trim();
              const feeBearing = !!step.fee && step.fee.amountFen > 0;
              submit.submit({
                identity: ['approve', step.id, cert],
                confirm: {
                  title: t('stepActions.approve'),
                  lines: () => [
                    `${t('stepActions.approve')} · ${matter}`,
                    cert ? t('panels.withCertificate', { no: cert }) : t('panels.withoutCertificate'),
                  ],
                  warning: !cert && feeBearing ? t('panels.certificateFollows') : undefined,
                  confirmLabel: !cert && feeBearing ? t('panels.confirmApproveLater') : t('panels.confirmApprove'),
                },
                send: (key) =>
                  request('post', '/api/steps/{id}/decision', {
                    params,
                    body: { outcome: 'approved', ...(cert ? { certificateNo: cert } : {}) },
                    idempotencyKey: key,
                  }),
                success: () =>
                  cert
                    ? t('results.approvedWith', { matter, no: cert })
                    : feeBearing
                      ? t('results.approvedWithout', { matter })
                      : t('results.approved', { matter }),
                then: (answer) => {
                  setCertificateNo('');
                  done('approve')(answer);
                },
                fields: ['certificateNo'],
              });
            }}
          >
            {t('panels.approve')}
          </button>
        </section>
      )}

      {can('reject') && (
        <section className="action-panel danger-panel" data-form="reject">
          <h3>{t(`panels.${rejecting}Title`)}</h3>
          <Field label={t(`panels.${rejecting}Reason`)} error={shown('reject', 'reason')}>
            <textarea name="reason" rows={2} value={rejectReason} onChange={(e) => setRejectReason(e.target.value)} />
          </Field>
          <button
            type="button"
            className="danger"
            disabled={submit.pending}
            onClick={() => {
              if (!check('reject', 'reason', !!rejectReason.trim(), t(`panels.${rejecting}ReasonRequired`))) return;
              start('reject');
              submit.submit({
                identity: ['reject', step.id, rejectReason],
                confirm: {
                  title: t(`panels.${rejecting}Title`),
                  lines: () => [
                    `${t(`panels.${rejecting}Title`)} · ${matter}`,
                    `${t('actions.reason')}：${rejectReason}`,
                    t('panels.remedies'),
                  ],
                  danger: true,
                  confirmLabel: t(`panels.${rejecting}Confirm`),
                },
                send: (key) =>
                  request('post', '/api/steps/{id}/decision', {
                    params,
                    body: { outcome: 'rejected', reason: rejectReason },
                    idempotencyKey: key,
                  }),
                success: () => t(rejecting === 'refuse' ? 'results.refused' : 'results.rejected', { matter }),
                then: (answer) => {
                  setRejectReason('');
                  done('reject')(answer);
                },
                fields: ['reason'],
              });
            }}
          >
            {t(`panels.${rejecting}Title`)}
          </button>
        </section>
      )}

      {can('reassign') && (
        <section className="action-panel" data-form="reassign">
          <h3>{t('stepActions.reassign')}</h3>
          <Field label={t('panels.reassignTo')} error={shown('reassign', 'assigneeId')}>
            <select name="assigneeId" value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)}>
              <option value="">—</option>
              {(colleagues.data ?? [])
                .filter((c) => c.id !== step.assignee?.id)
                .map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.displayName}
                  </option>
                ))}
            </select>
          </Field>
          <button
            type="button"
            className="secondary"
            disabled={submit.pending || !assigneeId}
            onClick={() => {
              const name = colleagues.data?.find((c) => c.id === assigneeId)?.displayName ?? assigneeId;
              start('reassign');
              submit.submit({
                identity: ['reassign', step.id, assigneeId],
                send: (key) =>
                  request('post', '/api/steps/{id}/reassign', { params, body: { assigneeId }, idempotencyKey: key }),
                success: () => t('results.reassigned', { name }),
                then: (answer) => {
                  setAssigneeId('');
                  done('reassign')(answer);
                },
                fields: ['assigneeId'],
              });
            }}
          >
            {t('stepActions.reassign')}
          </button>
        </section>
      )}

      {(can('urge') || can('extend')) && (
        <div className="toolbar">
          {can('urge') && (
            <button
              type="button"
              disabled={submit.pending}
              onClick={() => {
                start('urge');
                submit.submit({
                  identity: ['urge', step.id],
                  confirm: {
                    title: t('stepActions.urge'),
                    lines: () => [
                      `${t('stepActions.urge')} · ${matter}${step.projectName ? ` · ${step.projectName}` : ''}`,
                      t('panels.urgeEffect'),
                    ],
                    inputs: [
                      {
                        name: 'message',
                        label: t('panels.urgeMessage'),
                        initial: t('more.urgeMessage'),
                        required: true,
                      },
                    ],
                    confirmLabel: t('panels.confirmUrge'),
                  },
                  send: (key, v) =>
                    request('post', '/api/steps/{id}/urge', {
                      params,
                      body: { message: v.message ?? '' },
                      idempotencyKey: key,
                    }),
                  success: (_a, v) => t('results.urged', { matter, message: v.message }),
                  then: done('urge'),
                });
              }}
            >
              {t('stepActions.urge')}
            </button>
          )}
          {can('extend') && (
            <button
              type="button"
              className="secondary"
              disabled={submit.pending}
              onClick={() => {
                start('extend');
                submit.submit({
                  identity: ['extend', step.id],
                  confirm: {
                    title: t('stepActions.extend'),
                    lines: (v) => [
                      `${t('stepActions.extend')} · ${matter}`,
                      t('panels.extendEffect', {
                        n: v.workdays || '—',
                        deadline: formatDeadline(step.deadline),
                      }),
                    ],
                    inputs: [
                      {
                        name: 'workdays',
                        label: t('actions.workdays'),
                        kind: 'number',
                        min: 1,
                        max: step.extensionDaysAllowed ?? undefined,
                        required: true,
                        hint:
                          step.extensionDaysAllowed === null
                            ? undefined
                            : t('panels.extendHint', {
                                max: step.extensionDaysAllowed,
                                statutory: step.statutoryLimitDays ?? '—',
                                promised: step.promisedLimitDays,
                              }),
                      },
                      { name: 'reason', label: t('panels.extendReason'), kind: 'textarea', required: true },
                      {
                        name: 'approvedBy',
                        label: t('panels.extendApprover'),
                        required: true,
                        hint: t('panels.extendApproverHint'),
                      },
                    ],
                    confirmLabel: t('panels.confirmExtend'),
                  },
                  send: (key, v) =>
                    request('post', '/api/steps/{id}/extension', {
                      params,
                      body: {
                        workdays: Number(v.workdays),
                        reason: v.reason ?? '',
                        approvedBy: v.approvedBy ?? '',
                      },
                      idempotencyKey: key,
                    }),
                  success: (s, v) =>
                    t('results.extended', { matter, n: v.workdays, deadline: formatDeadline(s.deadline) }),
                  then: done('extend'),
                });
              }}
            >
              {t('stepActions.extend')}
            </button>
          )}
        </div>
      )}

      {can('record_payment') && step.fee && (
        <div className="toolbar payment" data-form="record_payment">
          <Field label={t('fields.receiptNo')} error={shown('record_payment', 'receiptNo')}>
            <input
              name="receiptNo"
              aria-label={t('fields.receiptNo')}
              value={receiptNo}
              onChange={(e) => setReceiptNo(e.target.value)}
            />
          </Field>
          <button
            type="button"
            disabled={submit.pending}
            onClick={() => {
              const fee = step.fee!;
              if (!check('record_payment', 'receiptNo', !!receiptNo.trim(), t('reasons.receipt_required'))) return;
              start('record_payment');
              submit.submit({
                identity: ['payment', step.id, receiptNo],
                confirm: {
                  title: t('stepActions.record_payment'),
                  lines: () => [
                    `${t('stepActions.record_payment')} · ${matter}`,
                    t('panels.paymentAmount', { amount: yuan(fee.amountFen) }),
                    t('panels.paymentPayer', {
                      payer: step.payerName ?? step.investorName ?? '—',
                      project: step.projectName ?? '—',
                    }),
                    `${t('fields.receiptNo')}：${receiptNo}`,
                  ],
                  confirmLabel: t('panels.confirmPayment', { amount: yuan(fee.amountFen) }),
                },
                send: (key) =>
                  request('post', '/api/steps/{id}/payment', {
                    params,
                    body: { amountFen: fee.amountFen, receiptNo },
                    idempotencyKey: key,
                  }),
                success: () => t('results.paid', { matter, amount: yuan(fee.amountFen), receiptNo }),
                then: (answer) => {
                  setReceiptNo('');
                  done('record_payment')(answer);
                },
                fields: ['receiptNo'],
              });
            }}
          >
            {t('stepActions.record_payment')} {yuan(step.fee.amountFen)}
          </button>
        </div>
      )}
    </div>
  );
}
