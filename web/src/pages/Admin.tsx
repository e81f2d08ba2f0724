import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../api';
import { DataTable, ErrorBox, Field, useAction, useFieldError, useLoad } from '../components';
import { CatalogEditor, DepartmentsAndUsers } from './AdminCatalog';

/** The general office (综合室): the holiday calendar editor and the users. */
export function AdminPage() {
  const { t } = useTranslation();
  const { error, pending, run } = useAction();
  const [entry, setEntry] = useState({ date: '', workday: false, note: '' });
  const calendar = useLoad(() => request('get', '/api/calendar'), []);
  const save = () => run(() => request('post', '/api/calendar/days', { body: entry }), calendar.reload);
  const remove = (date: string) =>
    run(() => request('delete', '/api/calendar/days/{date}', { params: { date } }), calendar.reload);
  const fieldError = useFieldError(error);
  return (
    <section>
      <h1>{t('nav.calendar')}</h1>
      {(calendar.data?.missingYears ?? []).map((y) => (
        <p key={y} className="error" role="alert">
          {t('calendarWarning', { year: y })}
        </p>
      ))}
      <div className="form card">
        <Field label={t('fields.date')} error={fieldError('date')}>
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
        <Field label={t('fields.note')} error={fieldError('note')}>
          <input value={entry.note} onChange={(e) => setEntry({ ...entry, note: e.target.value })} />
        </Field>
        <button type="button" disabled={pending} onClick={save}>
          {t('actions.save')}
        </button>
        <ErrorBox error={error} fields={['date', 'note']} />
      </div>
      <DataTable
        rows={calendar.error && !calendar.data ? [] : calendar.data?.adminEntries}
        rowKey={(e) => e.date}
        columns={[
          { header: t('fields.date'), cell: (e) => e.date },
          { header: '', cell: (e) => (e.workday ? t('fields.workday') : t('fields.holiday')) },
          { header: t('fields.note'), cell: (e) => e.note },
          {
            header: '',
            cell: (e) => (
              <button type="button" className="secondary" disabled={pending} onClick={() => remove(e.date)}>
                {t('actions.remove')}
              </button>
            ),
          },
        ]}
      />
      <CatalogEditor />
      <DepartmentsAndUsers />
    </section>
  );
}
