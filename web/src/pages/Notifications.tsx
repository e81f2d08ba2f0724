import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { request } from '../api';
import { DataTable, ErrorBox, formatTime, useLoad, useMatters } from '../components';
import zhCN from '../locales/zh-CN';
import type { Notification } from '../types';
import { MarkAllReadButton, MarkReadButton, useOnNotificationsChanged } from '../UnreadBadge';

type Code = keyof typeof zhCN.notifications;
const isKnownCode = (code: string): code is Code => Object.hasOwn(zhCN.notifications, code);
const TIME_PARAMS = ['deadline', 'scheduledAt'];

/** What stands between an application and completion ("rejected:EIA-FORM,…"), by name. */
const attentionReasons = (t: TFunction, reasons: string, matterName: (code: string) => string) =>
  reasons
    .split(',')
    .filter(Boolean)
    .map((r) => {
      const [kind = '', code = ''] = r.split(':');
      return kind === 'rejected' || kind === 'failed'
        ? t(`timeline.attention_${kind}`, { matter: matterName(code) })
        : t('timeline.attention_disagreement');
    })
    .join('；');

/** A notification in the reader's language, from its code and parameters; an unknown code plainly. */
export function notificationText(
  t: TFunction,
  n: Pick<Notification, 'code' | 'params'>,
  matterName: (code: string) => string = (code) => code,
): string {
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(n.params ?? {})) params[k] = v ?? '—';
  if (!isKnownCode(n.code)) {
    const shown = Object.entries(params)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
    return shown ? `${n.code} (${shown})` : n.code;
  }
  for (const k of TIME_PARAMS) if (typeof params[k] === 'string') params[k] = formatTime(String(params[k]));
  if (typeof params.procedure === 'string' && Object.hasOwn(zhCN.procedures, params.procedure)) {
    params.procedure = t(`procedures.${params.procedure as keyof typeof zhCN.procedures}`);
  }
  if (params.kind === 'review_meeting' || params.kind === 'site_inspection') params.kind = t(`sessions.${params.kind}`);
  if (typeof params.reasons === 'string') params.reasons = attentionReasons(t, params.reasons, matterName);
  return t(`notifications.${n.code}`, params);
}

/** The signed-in user's notifications, newest first, each rendered in the reader's language. */
export function NotificationsPage() {
  const { t } = useTranslation();
  const matters = useMatters();
  const { data, error, reload } = useLoad(() => request('get', '/api/notifications'), [], 10_000);
  useOnNotificationsChanged(reload);
  return (
    <section>
      <h1>{t('more.notifications')}</h1>
      <div className="toolbar">
        <MarkAllReadButton />
        <Link to="/settings/notifications">{t('delivery.settings')}</Link>
      </div>
      <ErrorBox error={error} />
      <DataTable
        rows={error ? (data ?? []) : data}
        rowKey={(n) => n.id}
        empty={t('more.noNotifications')}
        rowProps={(n) => ({ 'data-code': n.code, 'data-read': String(!!n.read), className: n.read ? '' : 'unread' })}
        columns={[
          { header: t('fields.at'), cell: (n) => formatTime(n.at) },
          { header: t('fields.event'), cell: (n) => notificationText(t, n, matters.name) },
          {
            header: t('fields.id'),
            cell: (n) =>
              typeof n.params.warningId === 'string' ? (
                <Link to={`/warnings/${n.params.warningId}`}>{n.params.warningId}</Link>
              ) : n.applicationId ? (
                <Link to={`/applications/${n.applicationId}`}>{n.applicationId}</Link>
              ) : typeof n.params.complaintId === 'string' ? (
                <Link to={`/complaints/${n.params.complaintId}`}>{n.params.complaintId}</Link>
              ) : (
                '—'
              ),
          },
          { header: '', cell: (n) => (n.read ? null : <MarkReadButton id={n.id} />) },
        ]}
      />
    </section>
  );
}
