import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request, type User } from '../api';
import { Field, formatTime, useDepartments, useFieldError, useLoad } from '../components';
import { useSubmit } from '../submit';

/** Joint sessions (联合踏勘 / 联审会) of one application: scheduling, opinions, closing. */
export function SessionsPanel({
  applicationId,
  user,
  canSchedule,
}: {
  applicationId: string;
  user: User;
  canSchedule: boolean;
}) {
  const { t } = useTranslation();
  const submit = useSubmit();
  const { error, pending } = submit;
  const [form, setForm] = useState({
    kind: 'review_meeting' as 'review_meeting' | 'site_inspection',
    topic: '',
    scheduledAt: '',
    location: '',
    invitedDepartments: [] as string[],
  });
  const [reason, setReason] = useState('');
  const [minutes, setMinutes] = useState('');
  const [scheduling, setScheduling] = useState(false);
  const sessions = useLoad(
    () => request('get', '/api/applications/{id}/sessions', { params: { id: applicationId } }),
    [applicationId],
    4000,
  );
  const departments = useDepartments();
  const fieldError = useFieldError(error);
  /** One submission of the panel, with its own Idempotency-Key and its result message. */
  const run = <T,>(identity: unknown, call: (key: string) => Promise<T>, success: string, then?: () => void) =>
    submit.submit({
      identity,
      send: (key) => call(key),
      success: () => success,
      then: () => {
        then?.();
        sessions.reload();
      },
      fields: ['topic', 'scheduledAt', 'location', 'invitedDepartments', 'reason', 'minutes'],
    });
  return (
    <section className="card">
      {submit.dialog}
      <h2>{t('sessions.title')}</h2>
      {(sessions.data ?? []).map((s) => (
        <article key={s.id} className="session" data-session={s.id}>
          <h3>
            {t(`sessions.${s.kind}`)} · {s.topic}{' '}
            <small>
              {formatTime(s.scheduledAt)} · {s.location} · {t(`sessions.${s.status}`)}
            </small>
          </h3>
          <ul>
            {s.invitedDepartments.map((d) => {
              const o = s.opinions.find((x) => x.departmentCode === d);
              return (
                <li key={d}>
                  {departments.name(d)}：
                  {o
                    ? `${t(`sessions.${o.opinion}`)}${o.deemed ? `（${t('sessions.deemed')}）` : ''}${o.reason ? ` · ${o.reason}` : ''}`
                    : '—'}
                </li>
              );
            })}
          </ul>
          {s.status === 'scheduled' &&
            user.role === 'staff' &&
            !!user.departmentCode &&
            s.invitedDepartments.includes(user.departmentCode) && (
              <div className="toolbar">
                <input
                  aria-label={t('actions.reason')}
                  placeholder={t('actions.reason')}
                  value={reason}
                  onChange={(e) => setReason(e.target.value)}
                />
                {(['agree', 'agree_forward', 'disagree'] as const).map((o) => (
                  <button
                    key={o}
                    type="button"
                    className={o === 'disagree' ? 'danger' : ''}
                    disabled={pending}
                    onClick={() =>
                      run(
                        ['opinion', s.id, o, reason],
                        (key) =>
                          request('post', '/api/sessions/{id}/opinions', {
                            params: { id: s.id },
                            body: { opinion: o, ...(reason.trim() ? { reason } : {}) },
                            idempotencyKey: key,
                          }),
                        t('results.opinion', { opinion: t(`sessions.${o}`) }),
                        () => setReason(''),
                      )
                    }
                  >
                    {t(`sessions.${o}`)}
                  </button>
                ))}
              </div>
            )}
          {s.status === 'scheduled' && canSchedule && (
            <div className="toolbar">
              <input
                aria-label={t('sessions.minutes')}
                placeholder={t('sessions.minutes')}
                value={minutes}
                onChange={(e) => setMinutes(e.target.value)}
              />
              <button
                type="button"
                disabled={pending || !minutes.trim()}
                onClick={() =>
                  run(
                    ['close', s.id, minutes],
                    (key) =>
                      request('post', '/api/sessions/{id}/close', {
                        params: { id: s.id },
                        body: { minutes },
                        idempotencyKey: key,
                      }),
                    t('results.sessionClosed'),
                    () => setMinutes(''),
                  )
                }
              >
                {t('sessions.close')}
              </button>
            </div>
          )}
        </article>
      ))}
      {canSchedule && !scheduling && (
        <button type="button" className="secondary" onClick={() => setScheduling(true)}>
          {t('sessions.schedule')}…
        </button>
      )}
      {canSchedule && scheduling && (
        <div className="form" data-form="schedule">
          <h3>{t('sessions.schedule')}</h3>
          <Field label={t('sessions.kind')}>
            <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as typeof form.kind })}>
              <option value="review_meeting">{t('sessions.review_meeting')}</option>
              <option value="site_inspection">{t('sessions.site_inspection')}</option>
            </select>
          </Field>
          <Field label={t('sessions.topic')} error={fieldError('topic')}>
            <input name="topic" value={form.topic} onChange={(e) => setForm({ ...form, topic: e.target.value })} />
          </Field>
          <Field label={t('sessions.time')} error={fieldError('scheduledAt')}>
            <input
              type="datetime-local"
              value={form.scheduledAt}
              onChange={(e) => setForm({ ...form, scheduledAt: e.target.value })}
            />
          </Field>
          <Field label={t('sessions.place')} error={fieldError('location')}>
            <input
              name="location"
              value={form.location}
              onChange={(e) => setForm({ ...form, location: e.target.value })}
            />
          </Field>
          <fieldset>
            <legend>{t('sessions.invited')}</legend>
            {departments.list.map((d) => (
              <label key={d.code} className="check">
                <input
                  type="checkbox"
                  checked={form.invitedDepartments.includes(d.code)}
                  onChange={(e) =>
                    setForm({
                      ...form,
                      invitedDepartments: e.target.checked
                        ? [...form.invitedDepartments, d.code]
                        : form.invitedDepartments.filter((c) => c !== d.code),
                    })
                  }
                />
                {d.name}
              </label>
            ))}
          </fieldset>
          {fieldError('invitedDepartments') && (
            <small className="field-error">{fieldError('invitedDepartments')}</small>
          )}
          <button
            type="button"
            disabled={pending}
            onClick={() => {
              const body = {
                ...form,
                // datetime-local is a Shanghai wall-clock time at the center.
                scheduledAt: form.scheduledAt ? `${form.scheduledAt}:00+08:00` : '',
              };
              run(
                ['session', applicationId, body],
                (key) =>
                  request('post', '/api/applications/{id}/sessions', {
                    params: { id: applicationId },
                    body,
                    idempotencyKey: key,
                  }),
                t('results.sessionScheduled', { kind: t(`sessions.${form.kind}`), topic: form.topic }),
                () => {
                  setForm({ ...form, topic: '', scheduledAt: '', location: '', invitedDepartments: [] });
                  setScheduling(false);
                },
              );
            }}
          >
            {t('sessions.schedule')}
          </button>
        </div>
      )}
    </section>
  );
}
