import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { ApiError, request } from '../api';
import {
  DataTable,
  ErrorBox,
  Field,
  formatTime,
  StatusBadge,
  useAction,
  useDepartments,
  useFieldError,
  useLoad,
  yuan,
} from '../components';
import type { Plan, PlanStep } from '../types';

export function ApplicationsPage() {
  const { t } = useTranslation();
  const { data, error } = useLoad(() => request('get', '/api/applications', { query: { pageSize: 100 } }), [], 5000);
  return (
    <section>
      <h1>{t('nav.applications')}</h1>
      <ErrorBox error={error} />
      <DataTable
        rows={error && !data ? [] : data?.items}
        rowKey={(a) => a.id}
        empty={t('empty.applications')}
        columns={[
          { header: t('fields.id'), cell: (a) => <Link to={`/applications/${a.id}`}>{a.id}</Link> },
          { header: t('fields.projectName'), cell: (a) => a.project.name },
          { header: t('fields.investorName'), cell: (a) => a.investor.name },
          { header: t('fields.status'), cell: (a) => <StatusBadge status={a.status} /> },
          { header: t('fields.createdAt'), cell: (a) => formatTime(a.createdAt) },
        ]}
      />
    </section>
  );
}

const emptyForm = {
  investor: { name: '', creditCode: '', contactName: '', phone: '' },
  project: { name: '', code: '', investmentWanYuan: '', location: '', industry: '' },
  matters: [] as string[],
};

/** The joint-review wizard: investor, project, matters, then the computed plan before launch. */
export function NewApplicationPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [step, setStep] = useState(1);
  const [form, setForm] = useState(emptyForm);
  const [plan, setPlan] = useState<Plan>();
  const departments = useDepartments();
  const { error, pending, run } = useAction();
  const matters = useLoad(() => request('get', '/api/matters'), []);
  const fieldError = useFieldError(error);
  const body = () => ({
    investor: form.investor,
    project: {
      ...form.project,
      code: form.project.code.trim() || undefined,
      investmentWanYuan: Number(form.project.investmentWanYuan),
    },
    matters: form.matters,
  });
  const set = (part: 'investor' | 'project', key: string, value: string) =>
    setForm((f) => ({ ...f, [part]: { ...f[part], [key]: value } }));

  const preview = () =>
    run(
      () => request('post', '/api/plan', { body: { matters: form.matters } }),
      (p) => {
        setPlan(p);
        setStep(4);
      },
    );
  // Launching again after a failure sends the same body, so the same Idempotency-Key: the server
  // answers with the application the first attempt recorded instead of launching a second one.
  const launch = () =>
    run(
      () => request('post', '/api/applications', { body: body() }),
      (created) => navigate(`/applications/${created.id}`),
      (e) => {
        // Take the officer back to the step where the named field is.
        if (e instanceof ApiError && e.body.details?.some((d) => d.field.startsWith('body.investor'))) setStep(1);
        else if (e instanceof ApiError && e.body.details?.some((d) => d.field.startsWith('body.project'))) setStep(2);
      },
    );

  const input = (part: 'investor' | 'project', key: string, label: string, type = 'text') => (
    <Field label={label} error={fieldError(`${part}.${key}`)}>
      <input
        name={`${part}.${key}`}
        type={type}
        value={(form[part] as Record<string, string>)[key]}
        onChange={(e) => set(part, key, e.target.value)}
      />
    </Field>
  );

  const levels = new Map<number, PlanStep[]>();
  for (const s of plan?.steps ?? []) levels.set(s.level, [...(levels.get(s.level) ?? []), s]);

  return (
    <section className="card">
      <h1>{t('nav.newApplication')}</h1>
      <ol className="wizard-steps">
        {([1, 2, 3, 4] as const).map((n) => (
          <li key={n} className={n === step ? 'current' : ''}>
            {t(`wizard.step${n}`)}
          </li>
        ))}
      </ol>
      {step === 1 && (
        <div className="form">
          {input('investor', 'name', t('fields.investorName'))}
          {input('investor', 'creditCode', t('fields.creditCode'))}
          {input('investor', 'contactName', t('fields.contact'))}
          {input('investor', 'phone', t('fields.phone'))}
          <button type="button" onClick={() => setStep(2)}>
            {t('actions.next')}
          </button>
        </div>
      )}
      {step === 2 && (
        <div className="form">
          {input('project', 'name', t('fields.projectName'))}
          {input('project', 'code', t('fields.projectCode'))}
          {input('project', 'investmentWanYuan', t('fields.investment'), 'number')}
          {input('project', 'location', t('fields.location'))}
          {input('project', 'industry', t('fields.industry'))}
          <button type="button" className="secondary" onClick={() => setStep(1)}>
            {t('actions.back')}
          </button>
          <button type="button" onClick={() => setStep(3)}>
            {t('actions.next')}
          </button>
        </div>
      )}
      {step === 3 && (
        <div className="form">
          <fieldset>
            <legend>{t('wizard.step3')}</legend>
            {(matters.data ?? []).map((m) => (
              <label key={m.code} className="check">
                <input
                  type="checkbox"
                  name={`matter-${m.code}`}
                  checked={form.matters.includes(m.code)}
                  onChange={(e) =>
                    setForm((f) => ({
                      ...f,
                      matters: e.target.checked ? [...f.matters, m.code] : f.matters.filter((c) => c !== m.code),
                    }))
                  }
                />
                {m.name}{' '}
                <small>
                  {m.code} · {m.promisedLimitDays} {t('fields.days')}
                </small>
              </label>
            ))}
          </fieldset>
          <button type="button" className="secondary" onClick={() => setStep(2)}>
            {t('actions.back')}
          </button>
          <button type="button" onClick={preview} disabled={pending || form.matters.length === 0}>
            {t('actions.next')}
          </button>
        </div>
      )}
      {step === 4 && plan && (
        <div>
          <p>{t('wizard.criticalPath', { n: plan.promisedWorkdaysOnCriticalPath })}</p>
          {plan.addedPrerequisites.length > 0 && (
            <p className="notice">
              {t('wizard.added')}：{plan.addedPrerequisites.join('，')}
            </p>
          )}
          <div className="plan">
            {[...levels.entries()].map(([level, steps]) => (
              <div key={level} className="plan-level">
                <h3>{t('wizard.level', { n: level + 1 })}</h3>
                {steps.map((s) => (
                  <div key={s.matterCode} className={`plan-step${s.addedAsPrerequisite ? ' added' : ''}`}>
                    <strong>{s.matterName}</strong>
                    <small>
                      {departments.name(s.departmentCode)} · {s.promisedLimitDays} {t('fields.days')}
                      {s.fee?.amountFen ? ` · ${yuan(s.fee.amountFen)}` : ''}
                    </small>
                    {s.prerequisites.length > 0 && (
                      <small>
                        ←{' '}
                        {s.prerequisites
                          .map((c) => plan.steps.find((p) => p.matterCode === c)?.matterName ?? c)
                          .join('，')}
                      </small>
                    )}
                  </div>
                ))}
              </div>
            ))}
          </div>
          <button type="button" className="secondary" onClick={() => setStep(3)}>
            {t('actions.back')}
          </button>
          <button type="button" onClick={launch} disabled={pending}>
            {t('actions.launch')}
          </button>
        </div>
      )}
      <ErrorBox
        error={error}
        fields={
          step === 1
            ? ['investor.name', 'investor.creditCode', 'investor.contactName', 'investor.phone']
            : step === 2
              ? ['project.name', 'project.code', 'project.investmentWanYuan', 'project.location', 'project.industry']
              : []
        }
      />
    </section>
  );
}
