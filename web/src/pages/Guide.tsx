import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../api';
import { ErrorBox, formatTime, useLoad, yuan } from '../components';

/** The public service guide (服务指南): the five publics of every matter, without signing in. */
export function GuidePage() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const { data, error } = useLoad(async () => {
    const [matters, departments] = await Promise.all([
      request('get', '/api/matters'),
      request('get', '/api/departments'),
    ]);
    return { matters, departments: new Map(departments.map((d) => [d.code, d.name])) };
  }, []);
  const shown = (data?.matters ?? []).filter((m) =>
    `${m.name}${m.code}${data?.departments.get(m.departmentCode) ?? ''}`.toLowerCase().includes(q.trim().toLowerCase()),
  );
  return (
    <section>
      <h1>{t('nav.guide')}</h1>
      <input
        className="search"
        placeholder={t('fields.search')}
        value={q}
        onChange={(e) => setQ(e.target.value)}
        aria-label={t('fields.search')}
      />
      <ErrorBox error={error} />
      <div className="guide">
        {shown.map((m) => (
          <article key={m.code} className="card">
            <h2>
              {m.name} <small className="code">{m.code}</small>
            </h2>
            <p className="muted">
              {data?.departments.get(m.departmentCode) ?? m.departmentCode} · {t(`caseTypes.${m.caseType}`)} ·{' '}
              {t('more.stage', { n: m.stage })} {t(`stages.${m.stage as 1 | 2 | 3 | 4}`, '')}
            </p>
            <p className="muted" data-version={m.version}>
              {t('catalog.guideVersion', { n: m.version, at: formatTime(m.effectiveFrom) })}
            </p>
            <dl>
              <dt>{t('fields.legalBasis')}</dt>
              <dd>{m.legalBasis}</dd>
              <dt>{t('fields.procedure')}</dt>
              <dd>{m.procedure}</dd>
              <dt>{t('fields.conditions')}</dt>
              <dd>{m.conditions}</dd>
              <dt>{t('fields.promised')}</dt>
              <dd>
                {m.promisedLimitDays} {t('fields.days')}（{t('fields.statutory')} {m.statutoryLimitDays}）
              </dd>
              <dt>{t('fields.fee')}</dt>
              <dd>{m.fee && m.fee.amountFen > 0 ? `${yuan(m.fee.amountFen)} · ${m.fee.basis}` : t('fields.free')}</dd>
              <dt>{t('fields.materials')}</dt>
              <dd>{m.materials.join('；') || '—'}</dd>
              {m.deemedConsent && (
                <>
                  <dt>{t('fields.deemedConsent')}</dt>
                  <dd>{t('inbox.deemedConsentPolicy')}</dd>
                </>
              )}
              <dt>{t('fields.prerequisites')}</dt>
              <dd>
                {m.prerequisites.map((c) => data?.matters.find((x) => x.code === c)?.name ?? c).join('，') || '—'}
              </dd>
            </dl>
          </article>
        ))}
      </div>
    </section>
  );
}
