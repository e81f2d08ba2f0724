import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { ErrorBox, StatusBadge, useAction, useLoad, yuan } from '../components';

/** The center cashier (中心收费处): fees due at the catalog standard, and their payment. */
export function CashierPage() {
  const { t } = useTranslation();
  const { error, pending, run } = useAction();
  const [receipts, setReceipts] = useState<Record<string, string>>({});
  const { data, reload } = useLoad(() => api<any[]>('GET', '/api/fees/due'), [], 5000);
  const pay = (s: any) =>
    run(
      () => api('POST', `/api/steps/${s.id}/payment`, { amountFen: s.fee.amountFen, receiptNo: receipts[s.id] ?? '' }),
      reload,
    );
  return (
    <section>
      <h1>{t('nav.fees')}</h1>
      <ErrorBox error={error} />
      {data && data.length === 0 && <p className="empty">{t('empty.fees')}</p>}
      {data && data.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>{t('fields.matter')}</th>
              <th>{t('fields.id')}</th>
              <th>{t('fields.status')}</th>
              <th>{t('fields.amount')}</th>
              <th>{t('fields.receiptNo')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.map((s) => (
              <tr key={s.id}>
                <td>{s.matterName}</td>
                <td>{s.applicationId}</td>
                <td>
                  <StatusBadge status={s.status} />
                </td>
                <td>{yuan(s.fee.amountFen)}</td>
                <td>
                  <input
                    aria-label={t('fields.receiptNo')}
                    value={receipts[s.id] ?? ''}
                    onChange={(e) => setReceipts({ ...receipts, [s.id]: e.target.value })}
                  />
                </td>
                <td>
                  <button type="button" disabled={pending} onClick={() => pay(s)}>
                    {t('actions.pay')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
