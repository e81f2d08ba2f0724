// The general office's view of notification deliveries (消息投递): every email and SMS with its
// status, attempts and last error; a failed or skipped one can be sent again (same id, so the
// channel still sees one message).
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { request } from '../api';
import { DataTable, ErrorBox, formatTime, useAction, useLoad } from '../components';
import zhCN from '../locales/zh-CN';
import type { Delivery, DeliveryStatus } from '../types';
import { notificationText } from './Notifications';

const STATUSES: DeliveryStatus[] = ['pending', 'sending', 'sent', 'failed', 'skipped'];

/** What a delivery is about: the notice it emails, or the investor message it texts. */
function kindText(t: TFunction, d: Delivery): string {
  if (d.channel === 'sms' && Object.hasOwn(zhCN.delivery.investorKinds, d.kind)) {
    return t(`delivery.investorKinds.${d.kind as keyof typeof zhCN.delivery.investorKinds}`);
  }
  return d.subject ?? notificationText(t, { code: d.kind, params: {} });
}

export function DeliveriesPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const list = useLoad(
    () => request('get', '/api/deliveries', { query: status ? { status, pageSize: 200 } : { pageSize: 200 } }),
    [status],
    10_000,
  );
  const { error, pending, run } = useAction();
  const retry = (id: string) =>
    run(() => request('post', '/api/deliveries/{id}/retry', { params: { id }, body: {} }), list.reload);
  const channels = list.data?.channels;
  return (
    <section>
      <h1>{t('delivery.title')}</h1>
      {channels &&
        (['email', 'sms'] as const)
          .filter((c) => !channels[c])
          .map((c) => (
            <p key={c} className="error" role="alert">
              {t('delivery.channelOff', { channel: t(`delivery.channels.${c}`) })}
            </p>
          ))}
      <div className="toolbar" role="group" aria-label={t('fields.status')}>
        <button type="button" className={status === '' ? '' : 'secondary'} onClick={() => setStatus('')}>
          {t('delivery.all')}
        </button>
        {STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            className={status === s ? '' : 'secondary'}
            data-status={s}
            onClick={() => setStatus(s)}
          >
            {t(`delivery.statuses.${s}`)} ({list.data?.counts[s] ?? 0})
          </button>
        ))}
      </div>
      <ErrorBox error={list.error ?? error} />
      <DataTable
        rows={list.error && !list.data ? [] : list.data?.items}
        rowKey={(d) => d.id}
        rowProps={(d) => ({ 'data-delivery': d.id, 'data-status': d.status })}
        columns={[
          { header: t('fields.at'), cell: (d) => formatTime(d.createdAt) },
          { header: t('delivery.channel'), cell: (d) => t(`delivery.channels.${d.channel}`) },
          {
            header: t('delivery.recipient'),
            cell: (d) => (
              <>
                {d.recipientUser?.displayName ?? (d.channel === 'sms' ? t('delivery.investor') : '')}
                <br />
                <small>{d.recipient}</small>
              </>
            ),
          },
          { header: t('delivery.kind'), cell: (d) => <span title={d.text}>{kindText(t, d)}</span> },
          {
            header: t('fields.id'),
            // A complaint's notice names its complaint number in the subject, shown on hover of the kind.
            cell: (d) =>
              d.applicationId ? <Link to={`/applications/${d.applicationId}`}>{d.applicationId}</Link> : '—',
          },
          { header: t('fields.status'), cell: (d) => t(`delivery.statuses.${d.status}`) },
          { header: t('delivery.attempts'), cell: (d) => d.attempts },
          {
            header: t('delivery.sentAt'),
            cell: (d) =>
              d.sentAt
                ? formatTime(d.sentAt)
                : d.nextAttemptAt
                  ? `${t('delivery.nextAttemptAt')} ${formatTime(d.nextAttemptAt)}`
                  : '—',
          },
          { header: t('delivery.lastError'), cell: (d) => <span className="error-detail">{d.lastError ?? ''}</span> },
          {
            header: '',
            cell: (d) =>
              d.status === 'failed' || d.status === 'skipped' ? (
                <button type="button" className="secondary" disabled={pending} onClick={() => retry(d.id)}>
                  {t('delivery.retry')}
                </button>
              ) : null,
          },
        ]}
      />
    </section>
  );
}
