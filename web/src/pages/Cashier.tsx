import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../api';
import { DataTable, ErrorBox, StatusBadge, useDepartments, useLoad, yuan } from '../components';
import { StepActions } from '../StepActions';

/** The center cashier (中心收费处): fees due at the catalog standard, and their payment. */
export function CashierPage() {
  const { t } = useTranslation();
  const departments = useDepartments();
  const [paid, setPaid] = useState<string>();
  const { data, error, reload } = useLoad(() => request('get', '/api/fees/due'), [], 5000);
  return (
    <section>
      <h1>{t('nav.fees')}</h1>
      <ErrorBox error={error} />
      {paid && (
        <p className="notice" role="status">
          {paid}
        </p>
      )}
      <DataTable
        rows={error && !data ? [] : data}
        rowKey={(s) => s.id}
        rowProps={(s) => ({ 'data-step': s.matterCode })}
        empty={t('empty.fees')}
        columns={[
          { header: t('fields.matter'), cell: (s) => s.matterName },
          { header: t('fields.department'), cell: (s) => departments.name(s.departmentCode) },
          { header: t('fields.id'), cell: (s) => s.applicationId },
          { header: t('fields.status'), cell: (s) => <StatusBadge status={s.status} /> },
          { header: t('fields.amount'), cell: (s) => (s.fee ? yuan(s.fee.amountFen) : '—') },
          {
            header: t('fields.actions'),
            cell: (s) => (
              <StepActions
                step={s}
                only={['record_payment']}
                onDone={(a) => {
                  setPaid(t('more.done', { matter: s.matterName, action: t(`stepActions.${a}`) }));
                  reload();
                }}
              />
            ),
          },
        ]}
      />
    </section>
  );
}
