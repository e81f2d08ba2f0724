import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../api';
import { DataTable, ErrorBox, formatDate, formatTime, StatusBadge, useDepartments, useLoad, yuan } from '../components';
import { StepActions } from '../StepActions';

/** The center cashier (中心收费处): fees due at the catalog standard by payer and project, and the day's payments. */
export function CashierPage() {
  const { t } = useTranslation();
  const departments = useDepartments();
  const today = formatDate(new Date().toISOString());
  const [date, setDate] = useState(today);
  const due = useLoad(() => request('get', '/api/fees/due'), [], 5000);
  const paid = useLoad(() => request('get', '/api/fees/paid', { query: { date } }), [date], 10_000);
  return (
    <section>
      <h1>{t('nav.fees')}</h1>
      <h2>{t('cashier.due')}</h2>
      <ErrorBox error={due.error} />
      <DataTable
        className="responsive fees"
        rows={due.error && !due.data ? [] : due.data}
        rowKey={(s) => s.id}
        rowProps={(s) => ({ 'data-step': s.matterCode })}
        empty={t('empty.fees')}
        columns={[
          { header: t('cashier.payer'), cell: (s) => s.payerName ?? '—' },
          {
            header: t('fields.project'),
            cell: (s) => (
              <>
                {s.projectName ?? '—'}
                <br />
                <small className="code">{s.applicationId}</small>
              </>
            ),
          },
          {
            header: t('fields.matter'),
            cell: (s) => (
              <>
                {s.matterName}
                <div className="muted">{departments.name(s.departmentCode)}</div>
              </>
            ),
          },
          { header: t('fields.status'), cell: (s) => <StatusBadge status={s.status} /> },
          { header: t('fields.amount'), cell: (s) => (s.fee ? yuan(s.fee.amountFen) : '—') },
          {
            header: t('fields.actions'),
            cell: (s) => (
              <StepActions
                step={s}
                only={['record_payment']}
                onDone={() => {
                  due.reload();
                  paid.reload();
                }}
              />
            ),
          },
        ]}
      />
      <h2>
        {t('cashier.paid')}{' '}
        <input
          type="date"
          aria-label={t('fields.date')}
          value={date}
          max={today}
          onChange={(e) => setDate(e.target.value || today)}
        />
      </h2>
      <ErrorBox error={paid.error} />
      {paid.data && (
        <p className="summary" data-total={paid.data.totalFen}>
          {t('cashier.total', { n: paid.data.count, amount: yuan(paid.data.totalFen), date: paid.data.date })}
        </p>
      )}
      <DataTable
        className="responsive payments"
        rows={paid.error && !paid.data ? [] : paid.data?.items}
        rowKey={(p) => p.stepId}
        rowProps={(p) => ({ 'data-receipt': p.receiptNo ?? '' })}
        empty={t('cashier.nonePaid')}
        columns={[
          { header: t('fields.at'), cell: (p) => formatTime(p.paidAt) },
          { header: t('fields.receiptNo'), cell: (p) => p.receiptNo ?? '—' },
          { header: t('cashier.payer'), cell: (p) => p.payerName ?? '—' },
          {
            header: t('fields.project'),
            cell: (p) => p.projectName ?? p.applicationId,
          },
          { header: t('fields.matter'), cell: (p) => p.matterName },
          { header: t('fields.amount'), cell: (p) => yuan(p.amountFen) },
          { header: t('cashier.recordedBy'), cell: (p) => p.recordedBy ?? '—' },
        ]}
      />
    </section>
  );
}
