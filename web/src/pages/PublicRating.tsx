// 好差评: with the case number and query password (printed on the acceptance notice) the investor
// sees the decided steps and, once closed, the whole application, and rates each once (1-5). A
// score of 2 or less needs a comment: the department has to rectify it (整改). No sign-in.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, request } from '../api';
import { ErrorBox, Field, formatTime, StatusBadge, useAction, useFieldError } from '../components';
import zhCN from '../locales/zh-CN';
import type { GivenRating, Rateables, RatingAnswer } from '../types';
import './complaints.css';

const SCORES = [1, 2, 3, 4, 5] as const;

/** The API's complaint about a field, worded for the public in the reader's language. */
function useRatingFieldError(error: unknown) {
  const { t } = useTranslation();
  const apiFieldError = useFieldError(error);
  return (name: keyof typeof zhCN.ratings.invalid): string | undefined =>
    apiFieldError(name) ? t(`ratings.invalid.${name}`) : undefined;
}
const BAD = 2;

function Stars({ score }: { score: number }) {
  const { t } = useTranslation();
  return (
    <span aria-label={t('ratings.scoreOf', { score })}>
      {'★'.repeat(score)}
      {'☆'.repeat(5 - score)}
    </span>
  );
}

function Given({ rating }: { rating: GivenRating }) {
  const { t } = useTranslation();
  return (
    <p data-rated={rating.score}>
      {t('ratings.given')} <Stars score={rating.score} /> · {formatTime(rating.ratedAt)}
      {rating.comment && <span className="muted"> · {rating.comment}</span>}
    </p>
  );
}

/** One rating form: five choices, a comment (required for a bad score), the answer. */
function RateForm(props: { caseNo: string; password: string; stepId?: string; onRated: (a: RatingAnswer) => void }) {
  const { t } = useTranslation();
  const [score, setScore] = useState<number>();
  const [comment, setComment] = useState('');
  const { error, pending, run } = useAction();
  const fieldError = useRatingFieldError(error);
  const needsComment = score !== undefined && score <= BAD;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (score === undefined) return;
    void run(
      () =>
        request('post', '/api/public/ratings', {
          body: {
            caseNo: props.caseNo,
            password: props.password,
            ...(props.stepId ? { stepId: props.stepId } : {}),
            score,
            ...(comment.trim() ? { comment: comment.trim() } : {}),
          },
        }),
      props.onRated,
    );
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <fieldset className="stars">
        <legend>{t('ratings.score')}</legend>
        {SCORES.map((s) => (
          <label key={s} className={score === s ? 'chosen' : ''} title={t(`ratings.levels.s${s}`)}>
            <input type="radio" name="score" value={s} checked={score === s} onChange={() => setScore(s)} />
            <span>
              {s} ★<span className="muted"> {t(`ratings.levels.s${s}`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {fieldError('score') && <small className="field-error">{fieldError('score')}</small>}
      <Field
        label={needsComment ? t('ratings.commentRequired') : t('ratings.commentOptional')}
        error={fieldError('comment')}
      >
        <textarea
          name="comment"
          rows={3}
          maxLength={2000}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
        />
      </Field>
      <ErrorBox error={error} fields={['score', 'comment']} />
      <button type="submit" disabled={pending || score === undefined || (needsComment && !comment.trim())}>
        {t('ratings.submit')}
      </button>
    </form>
  );
}

export function RatingPage() {
  const { t } = useTranslation();
  const [caseNo, setCaseNo] = useState('');
  const [password, setPassword] = useState('');
  const [found, setFound] = useState<Rateables>();
  const [done, setDone] = useState<string>();
  const { error, pending, run } = useAction();
  const fieldError = useRatingFieldError(error);
  const load = () =>
    run(
      () => request('get', '/api/public/ratings', { query: { caseNo: caseNo.trim(), password: password.trim() } }),
      setFound,
    );
  const rated = (a: RatingAnswer) => {
    setDone(a.rectificationNo ? t('ratings.thanksRectification', { no: a.rectificationNo }) : t('ratings.thanks'));
    void load();
  };
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <section className="public-page">
      <h1>{t('nav.rate')}</h1>
      <p className="muted">{t('ratings.intro')}</p>
      <form
        className="card form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setFound(undefined);
          setDone(undefined);
          void load();
        }}
      >
        <Field label={t('ratings.caseNo')} error={fieldError('caseNo')}>
          <input
            name="caseNo"
            autoCapitalize="characters"
            placeholder="GH-2026-000123"
            value={caseNo}
            onChange={(e) => setCaseNo(e.target.value)}
          />
        </Field>
        <Field label={t('ratings.password')} error={fieldError('password')}>
          <input
            name="password"
            autoCapitalize="characters"
            autoComplete="off"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        {notFound && !found ? (
          <div className="error" role="alert">
            {t('ratings.notFound')}
          </div>
        ) : (
          !found && <ErrorBox error={error} fields={['caseNo', 'password']} />
        )}
        <button type="submit" disabled={pending || !caseNo.trim() || !password.trim()}>
          {t('ratings.lookUp')}
        </button>
      </form>
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      {found && (
        <>
          <h2>
            {found.projectName} <small>{found.caseNo}</small>
          </h2>
          {found.steps.map((s) => (
            <article key={s.stepId} className="card" data-step={s.stepId}>
              <h3>
                {s.matterName} <small>{s.departmentName}</small>
              </h3>
              <p>
                <StatusBadge status={s.status} />
                {s.decidedAt && <span className="muted"> · {formatTime(s.decidedAt)}</span>}
              </p>
              {s.rating ? (
                <Given rating={s.rating} />
              ) : s.rateable ? (
                <RateForm caseNo={found.caseNo} password={password.trim()} stepId={s.stepId} onRated={rated} />
              ) : (
                <p className="muted">{t('ratings.notYet')}</p>
              )}
            </article>
          ))}
          <article className="card" data-application="1">
            <h3>{t('ratings.whole')}</h3>
            <p>
              <StatusBadge status={found.status} />
            </p>
            {found.application.rating ? (
              <Given rating={found.application.rating} />
            ) : found.application.rateable ? (
              <RateForm caseNo={found.caseNo} password={password.trim()} onRated={rated} />
            ) : (
              <p className="muted">{t('ratings.wholeNotYet')}</p>
            )}
          </article>
        </>
      )}
    </section>
  );
}
