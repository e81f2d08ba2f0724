// The public progress lookup (办件查询), without signing in: the investor types the case number and
// query password printed on the acceptance notice (the notice's QR code opens this page with the
// case number filled in) and sees where each step stands. Built for a phone first.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { formatTime, LightBadge, StatusBadge } from '../components';
import type { PublicProgress } from '../types';
import '../public.css';

type Failure = { kind: 'notFound' } | { kind: 'rateLimited'; minutes: number } | { kind: 'invalid' | 'failed' };

/** One lookup; its failures as the page words them (the API's 404 is the same for a wrong password and an unknown case). */
async function lookUp(caseNo: string, password: string): Promise<PublicProgress | Failure> {
  let res: Response;
  try {
    res = await fetch(`/api/public/progress?${new URLSearchParams({ caseNo, password })}`);
  } catch {
    return { kind: 'failed' };
  }
  if (res.ok) return (await res.json()) as PublicProgress;
  if (res.status === 404) return { kind: 'notFound' };
  if (res.status === 400) return { kind: 'invalid' };
  if (res.status === 429) {
    const seconds = Number(res.headers.get('Retry-After')) || 60;
    return { kind: 'rateLimited', minutes: Math.max(1, Math.ceil(seconds / 60)) };
  }
  return { kind: 'failed' };
}

export function ProgressPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [caseNo, setCaseNo] = useState(params.get('caseNo') ?? '');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<PublicProgress>();
  const [failure, setFailure] = useState<Failure>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (pending) return;
    if (!caseNo.trim() || !password.trim()) return setFailure({ kind: 'invalid' });
    setPending(true);
    const answer = await lookUp(caseNo, password);
    setPending(false);
    if ('kind' in answer) {
      setFailure(answer);
      setResult(undefined);
      return;
    }
    setFailure(undefined);
    setResult(answer);
    setCaseNo(answer.caseNo);
    // The case number stays in the address (to bookmark); the password never goes there.
    setParams({ caseNo: answer.caseNo }, { replace: true });
  };

  return (
    <section className="public-page">
      <h1>{t('progress.title')}</h1>
      <p className="muted">{t('progress.intro')}</p>
      <form className="public-form card" onSubmit={(e) => void submit(e)} noValidate>
        <label className="field">
          <span>{t('progress.caseNo')}</span>
          <input
            name="caseNo"
            value={caseNo}
            onChange={(e) => setCaseNo(e.target.value)}
            placeholder={t('progress.caseNoPlaceholder')}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            required
          />
        </label>
        <label className="field">
          <span>{t('progress.password')}</span>
          <input
            name="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            placeholder={t('progress.passwordPlaceholder')}
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={40}
            required
          />
        </label>
        <button type="submit" disabled={pending}>
          {pending ? t('progress.searching') : t('progress.submit')}
        </button>
      </form>
      {failure && (
        <div className="error" role="alert" data-failure={failure.kind}>
          {failure.kind === 'rateLimited'
            ? t('progress.rateLimited', { minutes: failure.minutes })
            : t(`progress.${failure.kind}`)}
        </div>
      )}
      {result && (
        <div className="public-result" data-case={result.caseNo}>
          <div className="card">
            <h2>{result.projectName}</h2>
            <p>
              {t('progress.caseNo')}：<strong>{result.caseNo}</strong>
            </p>
            <p>
              {t('progress.status')}：<StatusBadge status={result.status} />
            </p>
          </div>
          {result.steps.length === 0 && <p className="empty">{t('progress.noSteps')}</p>}
          <ol className="public-steps">
            {result.steps.map((s, i) => (
              <li key={i} className="card" data-status={s.status}>
                <div className="public-step-head">
                  <strong>{s.matterName}</strong>
                  <span>
                    <StatusBadge status={s.status} /> <LightBadge light={s.light} />
                  </span>
                </div>
                <div className="muted">{s.departmentName}</div>
                <dl>
                  <dt>{t('progress.acceptedAt')}</dt>
                  <dd>{formatTime(s.acceptedAt)}</dd>
                  <dt>{t('progress.deadline')}</dt>
                  <dd>{formatTime(s.deadline)}</dd>
                  <dt>{t('progress.decidedAt')}</dt>
                  <dd>{formatTime(s.decidedAt)}</dd>
                </dl>
              </li>
            ))}
          </ol>
          <p className="muted">{t('progress.privacy')}</p>
        </div>
      )}
    </section>
  );
}
