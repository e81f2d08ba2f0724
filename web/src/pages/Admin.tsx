import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router-dom';
import { request } from '../api';
import { DataTable, ErrorBox, Field, formatDate, useFieldError, useLoad } from '../components';
import { useSubmit } from '../submit';

/** The general office's pages: calendar, catalog, departments, users. */
export function AdminTabs() {
  const { t } = useTranslation();
  return (
    <nav className="tabs" aria-label={t('roles.admin')}>
      <NavLink to="/admin" end>
        {t('nav.calendar')}
      </NavLink>
      <NavLink to="/admin/catalog">{t('admin.catalog')}</NavLink>
      <NavLink to="/admin/departments">{t('admin.departments')}</NavLink>
      <NavLink to="/admin/users">{t('nav.users')}</NavLink>
      <NavLink to="/admin/audit">{t('nav.audit')}</NavLink>
    </nav>
  );
}

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];
const weekdayOf = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

/** The holiday calendar: the admin's entries beside the State Council's published days of the year. */
export function AdminPage() {
  const { t, i18n } = useTranslation();
  const thisYear = Number(formatDate(new Date().toISOString()).slice(0, 4));
  const [year, setYear] = useState(thisYear);
  const [entry, setEntry] = useState({ date: '', workday: false, note: '' });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const submit = useSubmit();
  const serverError = useFieldError(submit.error);
  const fieldError = (f: string) => problems[f] ?? serverError(f);
  const calendar = useLoad(() => request('get', '/api/calendar', { query: { year } }), [year]);
  const weekday = (date: string) =>
    i18n.language === 'en'
      ? new Date(`${date}T00:00:00Z`).toLocaleDateString('en', { weekday: 'short', timeZone: 'UTC' })
      : `周${WEEKDAYS[weekdayOf(date)]}`;
  const kind = (workday: boolean) => (workday ? t('fields.workday') : t('fields.holiday'));
  const publishedOn = (date: string) => calendar.data?.published.find((d) => d.date === date);
  const festival = (d: { name: string; nameEn: string }) => (i18n.language === 'en' ? d.nameEn : d.name);

  const save = () => {
    const found: Record<string, string> = {};
    if (!entry.date) found.date = t('validation.required');
    if (!entry.note.trim()) found.note = t('validation.required');
    setProblems(found);
    if (Object.keys(found).length) return;
    const published = publishedOn(entry.date);
    submit.submit({
      identity: ['calendar', entry],
      confirm: {
        title: t('calendar.saveTitle'),
        lines: () => [
          t('calendar.saveLine', {
            date: entry.date,
            weekday: weekday(entry.date),
            kind: kind(entry.workday),
            note: entry.note,
          }),
          published ? t('calendar.publishedSays', { name: festival(published), kind: kind(published.workday) }) : '',
          t('calendar.recomputeEffect'),
        ],
        confirmLabel: t('calendar.confirmSave'),
      },
      send: (key) => request('post', '/api/calendar/days', { body: entry, idempotencyKey: key }),
      success: (r) => t('results.calendarSaved', { date: r.date, kind: kind(r.workday), n: r.openStepsRecomputed }),
      then: () => {
        setEntry({ date: '', workday: false, note: '' });
        calendar.reload();
      },
      fields: ['date', 'note'],
    });
  };
  const remove = (e: { date: string; workday: boolean; note: string }) =>
    submit.submit({
      identity: ['calendar-remove', e.date],
      confirm: {
        title: t('calendar.removeTitle'),
        lines: () => [
          t('calendar.saveLine', { date: e.date, weekday: weekday(e.date), kind: kind(e.workday), note: e.note }),
          t('calendar.removeEffect'),
          t('calendar.recomputeEffect'),
        ],
        danger: true,
        confirmLabel: t('calendar.confirmRemove'),
      },
      send: (key) => request('delete', '/api/calendar/days/{date}', { params: { date: e.date }, idempotencyKey: key }),
      success: (r) => t('results.calendarRemoved', { date: r.date, n: r.openStepsRecomputed }),
      then: calendar.reload,
    });

  return (
    <section>
      {submit.dialog}
      <h1>{t('nav.calendar')}</h1>
      <AdminTabs />
      {(calendar.data?.missingYears ?? []).map((y) => (
        <p key={y} className="error" role="alert">
          {t('calendarWarning', { year: y })}
        </p>
      ))}
      <div className="form card calendar-form">
        <h2>{t('calendar.add')}</h2>
        <Field label={t('fields.date')} error={fieldError('date')}>
          <input
            type="date"
            name="date"
            value={entry.date}
            onChange={(e) => setEntry({ ...entry, date: e.target.value })}
          />
        </Field>
        {entry.date && publishedOn(entry.date) && (
          <p className="muted">
            {t('calendar.publishedSays', {
              name: festival(publishedOn(entry.date)!),
              kind: kind(publishedOn(entry.date)!.workday),
            })}
          </p>
        )}
        <fieldset className="inline">
          <legend>{t('calendar.kind')}</legend>
          <label className="check">
            <input
              type="radio"
              name="workday"
              checked={!entry.workday}
              onChange={() => setEntry({ ...entry, workday: false })}
            />{' '}
            {t('calendar.holidayChoice')}
          </label>
          <label className="check">
            <input
              type="radio"
              name="workday"
              checked={entry.workday}
              onChange={() => setEntry({ ...entry, workday: true })}
            />{' '}
            {t('calendar.workdayChoice')}
          </label>
        </fieldset>
        <Field label={t('fields.note')} hint={t('calendar.noteHint')} error={fieldError('note')}>
          <input name="note" value={entry.note} onChange={(e) => setEntry({ ...entry, note: e.target.value })} />
        </Field>
        <button type="button" disabled={submit.pending} onClick={save}>
          {t('actions.save')}
        </button>
      </div>
      <div className="toolbar">
        <label>
          {t('calendar.year')}{' '}
          <select value={year} onChange={(e) => setYear(Number(e.target.value))}>
            {[thisYear - 1, thisYear, thisYear + 1].map((y) => (
              <option key={y} value={y}>
                {y}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="columns">
        <div>
          <h2>{t('calendar.adminEntries')}</h2>
          <DataTable
            className="admin-entries"
            rows={calendar.error && !calendar.data ? [] : calendar.data?.adminEntries}
            rowKey={(e) => e.date}
            empty={t('calendar.noEntries')}
            columns={[
              { header: t('fields.date'), cell: (e) => `${e.date}（${weekday(e.date)}）` },
              { header: t('calendar.kind'), cell: (e) => kind(e.workday) },
              { header: t('fields.note'), cell: (e) => e.note },
              {
                header: '',
                cell: (e) => (
                  <button type="button" className="secondary" disabled={submit.pending} onClick={() => remove(e)}>
                    {t('actions.remove')}
                  </button>
                ),
              },
            ]}
          />
        </div>
        <div>
          <h2>{t('calendar.published', { year })}</h2>
          <DataTable
            className="published"
            rows={calendar.error && !calendar.data ? [] : calendar.data?.published}
            rowKey={(d) => d.date}
            empty={t('calendar.noPublished', { year })}
            columns={[
              { header: t('fields.date'), cell: (d) => `${d.date}（${weekday(d.date)}）` },
              { header: t('calendar.festival'), cell: festival },
              { header: t('calendar.kind'), cell: (d) => (d.workday ? t('calendar.makeup') : t('calendar.off')) },
            ]}
          />
        </div>
      </div>
      <ErrorBox error={calendar.error} />
    </section>
  );
}
