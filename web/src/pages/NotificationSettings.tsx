// Each user's own choice (通知方式): notices in the app only, or also by email to their address.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../api';
import { ErrorBox, Field, useAction, useFieldError, useLoad } from '../components';
import type { NotificationSettings } from '../types';

export function NotificationSettingsPage() {
  const { t } = useTranslation();
  const current = useLoad(() => request('get', '/api/me/notification-settings'), []);
  const [form, setForm] = useState<Pick<NotificationSettings, 'email' | 'notifyBy'>>({ email: '', notifyBy: 'in_app' });
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (current.data) setForm({ email: current.data.email ?? '', notifyBy: current.data.notifyBy });
  }, [current.data]);
  const { error, pending, run } = useAction();
  const fieldError = useFieldError(error);
  const save = () =>
    run(
      () =>
        request('put', '/api/me/notification-settings', {
          body: { email: form.email || null, notifyBy: form.notifyBy },
        }),
      () => {
        setSaved(true);
        current.reload();
      },
    );
  return (
    <section>
      <h1>{t('delivery.settings')}</h1>
      <p>{t('delivery.settingsHint')}</p>
      {current.data && !current.data.channels.email && form.notifyBy === 'email' && (
        <p className="error" role="alert">
          {t('delivery.emailOff')}
        </p>
      )}
      <div className="form card">
        <Field label={t('delivery.email')} error={fieldError('email')}>
          <input
            type="email"
            name="email"
            value={form.email ?? ''}
            onChange={(e) => {
              setSaved(false);
              setForm({ ...form, email: e.target.value });
            }}
          />
        </Field>
        <Field label={t('delivery.notifyBy')} error={fieldError('notifyBy')}>
          <select
            name="notifyBy"
            value={form.notifyBy}
            onChange={(e) => {
              setSaved(false);
              setForm({ ...form, notifyBy: e.target.value as NotificationSettings['notifyBy'] });
            }}
          >
            <option value="in_app">{t('delivery.in_app')}</option>
            <option value="email">{t('delivery.byEmail')}</option>
          </select>
        </Field>
        <button type="button" disabled={pending} onClick={save}>
          {t('actions.save')}
        </button>
        {saved && <span role="status">{t('delivery.saved')}</span>}
        <ErrorBox error={error} fields={['email', 'notifyBy']} />
      </div>
    </section>
  );
}
