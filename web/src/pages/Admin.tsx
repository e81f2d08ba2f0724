import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api';
import { ErrorBox, Field, useAction, useLoad } from '../components';
import { CatalogEditor, DepartmentsAndUsers } from './AdminCatalog';

/** The general office (综合室): the holiday calendar editor and the users. */
export function AdminPage() {
  const { t } = useTranslation();
  const { error, pending, run } = useAction();
  const [entry, setEntry] = useState({ date: '', workday: false, note: '' });
  const calendar = useLoad(() => api('GET', '/api/calendar'), []);
  const save = () => run(() => api('POST', '/api/calendar/days', entry), calendar.reload);
  const remove = (date: string) => run(() => api('DELETE', `/api/calendar/days/${date}`), calendar.reload);
  const fieldError = (f: string) => (error instanceof ApiError ? error.field(f) : undefined);
  return (
    <section>
      <h1>{t('nav.calendar')}</h1>
      {(calendar.data?.missingYears ?? []).map((y: number) => (
        <p key={y} className="error" role="alert">
          {t('calendarWarning', { year: y })}
        </p>
      ))}
      <div className="form card">
        <Field label={t('fields.date')} error={fieldError('body.date')}>
          <input type="date" value={entry.date} onChange={(e) => setEntry({ ...entry, date: e.target.value })} />
        </Field>
        <label className="check">
          <input
            type="checkbox"
            checked={entry.workday}
            onChange={(e) => setEntry({ ...entry, workday: e.target.checked })}
          />{' '}
          {t('fields.workday')}
        </label>
        <Field label={t('fields.note')} error={fieldError('body.note')}>
          <input value={entry.note} onChange={(e) => setEntry({ ...entry, note: e.target.value })} />
        </Field>
        <button type="button" disabled={pending} onClick={save}>
          {t('actions.save')}
        </button>
        <ErrorBox error={error} />
      </div>
      <table>
        <thead>
          <tr>
            <th>{t('fields.date')}</th>
            <th />
            <th>{t('fields.note')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(calendar.data?.adminEntries ?? []).map((e: any) => (
            <tr key={e.date}>
              <td>{e.date}</td>
              <td>{e.workday ? t('fields.workday') : t('fields.holiday')}</td>
              <td>{e.note}</td>
              <td>
                <button type="button" className="secondary" disabled={pending} onClick={() => remove(e.date)}>
                  {t('actions.remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <CatalogEditor />
      <DepartmentsAndUsers />
    </section>
  );
}
