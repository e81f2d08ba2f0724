// The unread count beside 消息 in the navigation, and the buttons that mark notifications read.
// The count is asked of the API (GET /api/notifications/unread-count) every 15 s and at once when
// this page marks something read, so the badge and the list agree.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from './api';
import { useAction, useLoad } from './components';

const CHANGED = 'ja:notifications-read';

/** Tells the badge (and any list) that notifications were marked read. */
export const notificationsChanged = () => window.dispatchEvent(new Event(CHANGED));

/** Reloads `reload` whenever this page marks notifications read. */
export function useOnNotificationsChanged(reload: () => void) {
  useEffect(() => {
    window.addEventListener(CHANGED, reload);
    return () => window.removeEventListener(CHANGED, reload);
  }, [reload]);
}

export function UnreadBadge() {
  const { t } = useTranslation();
  const { data, reload } = useLoad(() => request('get', '/api/notifications/unread-count'), [], 15_000);
  useOnNotificationsChanged(reload);
  const count = data?.unread ?? 0;
  if (count === 0) return null;
  return (
    <span className="unread-badge" data-unread={count} aria-label={t('delivery.unread', { count })}>
      {count > 99 ? '99+' : count}
    </span>
  );
}

/** Marks one notification read. */
export function MarkReadButton({ id }: { id: string | number }) {
  const { t } = useTranslation();
  const { pending, run } = useAction();
  return (
    <button
      type="button"
      className="secondary"
      disabled={pending}
      onClick={() =>
        run(
          () => request('post', '/api/notifications/{id}/read', { params: { id: Number(id) }, body: {} }),
          notificationsChanged,
        )
      }
    >
      {t('delivery.markRead')}
    </button>
  );
}

/** Marks every notification so far read. */
export function MarkAllReadButton() {
  const { t } = useTranslation();
  const { pending, run } = useAction();
  return (
    <button
      type="button"
      className="secondary"
      disabled={pending}
      onClick={() => run(() => request('post', '/api/notifications/read-all', { body: {} }), notificationsChanged)}
    >
      {t('delivery.markAllRead')}
    </button>
  );
}
