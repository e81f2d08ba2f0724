import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { api, type User } from '../api';
import { ErrorBox, formatTime, LightBadge, StatusBadge, useAction, useLoad } from '../components';
import { SessionsPanel } from './Sessions';

/** One application: its steps with lights and deadlines, the officer's actions, the timeline. */
export function ApplicationPage({ user }: { user: User }) {
  const { t } = useTranslation();
  const { id } = useParams();
  const { error, pending, run } = useAction();
  const [note, setNote] = useState('');
  const { data, reload } = useLoad(
    async () => {
      const [app, timeline] = await Promise.all([
        api('GET', `/api/applications/${id}`),
        api<any[]>('GET', `/api/applications/${id}/timeline`),
      ]);
      return { app, timeline };
    },
    [id],
    3000,
  );
  const act = (method: string, path: string, body: unknown) =>
    run(
      () => api(method, path, body),
      () => {
        setNote('');
        reload();
      },
    );
  if (!data) return <p>…</p>;
  const { app, timeline } = data;
  const officer = user.role === 'officer';
  const open = app.status === 'in_progress' || app.status === 'needs_attention';
  return (
    <section>
      <h1>
        {app.project.name} <small>{app.id}</small> <StatusBadge status={app.status} />
      </h1>
      <p className="muted">
        {app.investor.name} · {app.investor.creditCode} · {formatTime(app.createdAt)}
      </p>
      <ErrorBox error={error} />
      {officer && open && (
        <div className="toolbar">
          <input
            placeholder={t('actions.note')}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            aria-label={t('actions.note')}
          />
          <button
            type="button"
            className="danger"
            disabled={pending || !note.trim()}
            onClick={() => act('POST', `/api/applications/${id}/withdraw`, { reason: note })}
          >
            {t('actions.withdraw')}
          </button>
        </div>
      )}
      <table className="steps">
        <thead>
          <tr>
            <th>{t('fields.matter')}</th>
            <th>{t('fields.department')}</th>
            <th>{t('fields.status')}</th>
            <th>{t('fields.light')}</th>
            <th>{t('fields.deadline')}</th>
            <th>{t('fields.remaining')}</th>
            <th>{t('fields.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {app.steps.map((s: any) => (
            <tr key={s.id} data-step={s.matterCode}>
              <td>
                {s.matterName ?? s.matterCode}
                {s.attempt > 1 && <small> · {t('fields.attempt', { n: s.attempt })}</small>}
              </td>
              <td>{s.departmentCode}</td>
              <td>
                <StatusBadge status={s.status} />
                {s.overdue && <span className="overdue"> {t('fields.overdue')}</span>}
              </td>
              <td>
                <LightBadge light={s.light} />
              </td>
              <td>{formatTime(s.deadline ?? s.acceptanceDeadline)}</td>
              <td>{s.remainingWorkdays ?? '—'}</td>
              <td>
                {user.role === 'staff' && s.departmentCode === user.departmentCode && (
                  <Link to={`/steps/${s.id}`}>{t('actions.open')}</Link>
                )}
                {officer && s.status === 'awaiting_supplement' && (
                  <>
                    <small>{(s.supplementItems ?? []).join('；')}</small>
                    <button
                      type="button"
                      disabled={pending || !note.trim()}
                      onClick={() => act('POST', `/api/steps/${s.id}/supplement`, { note })}
                    >
                      {t('actions.supplement')}
                    </button>
                  </>
                )}
                {officer && (s.status === 'rejected' || s.status === 'failed') && open && (
                  <button
                    type="button"
                    disabled={pending || !note.trim()}
                    onClick={() => act('POST', `/api/applications/${id}/resubmit`, { matterCode: s.matterCode, note })}
                  >
                    {t('actions.resubmit')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <SessionsPanel applicationId={app.id} user={user} canSchedule={officer && open} />
      <h2>{t('fields.timeline')}</h2>
      <ol className="timeline">
        {timeline.map((e, i) => (
          <li key={i}>
            <time>{formatTime(e.at)}</time>{' '}
            <strong data-event={e.type}>{t(`events.${e.type}`, { defaultValue: e.type })}</strong> ·{' '}
            {e.actor.displayName}
            {e.detail?.reason && <span> · {String(e.detail.reason)}</span>}
            {user.role === 'supervisor' && e.workflowUrl && (
              <a href={e.workflowUrl} target="_blank" rel="noreferrer">
                {' '}
                {t('fields.temporal')}
              </a>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
