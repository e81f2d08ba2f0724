import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { Link, useNavigate } from 'react-router-dom';
import { creditCodeProblemKind } from '../../../domain/credit-code';
import { normalizePhone, PHONE_PATTERN, PROJECT_CODE_PATTERN } from '../../../domain/identifiers';
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
  useMatters,
  yuan,
  Pager,
} from '../components';
import { ProjectLightBadge } from '../ProjectClock';
import { useSubmit } from '../submit';
import type { ApplicationStatus, Plan, PlanStep } from '../types';

const STATUSES: ApplicationStatus[] = ['in_progress', 'needs_attention', 'completed', 'withdrawn'];
const PAGE_SIZE = 20;

/** 我的申请: search by project, investor or number, filter by status, newest first. */
export function ApplicationsPage() {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<ApplicationStatus | ''>('');
  const [page, setPage] = useState(1);
  // The search runs when the typing pauses, not on every key.
  useEffect(() => {
    const timer = setTimeout(() => {
      setQ(typed.trim());
      setPage(1);
    }, 300);
    return () => clearTimeout(timer);
  }, [typed]);
  const { data, error } = useLoad(
    () =>
      request('get', '/api/applications', {
        query: { q: q || undefined, status: status || undefined, page, pageSize: PAGE_SIZE },
      }),
    [q, status, page],
    5000,
  );
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  return (
    <section>
      <h1>{t('nav.applications')}</h1>
      <div className="toolbar filters" role="search">
        <input
          type="search"
          className="search"
          placeholder={t('list.searchApplications')}
          aria-label={t('list.searchApplications')}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
        />
        <select
          aria-label={t('fields.status')}
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as ApplicationStatus | '');
            setPage(1);
          }}
        >
          <option value="">{t('list.allStatuses')}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
        {data && (
          <span className="muted">{t(data.totalCapped ? 'list.totalCapped' : 'list.total', { n: data.total })}</span>
        )}
      </div>
      <ErrorBox error={error} />
      <DataTable
        className="responsive"
        rows={error && !data ? [] : data?.items}
        rowKey={(a) => a.id}
        empty={q || status ? t('list.noMatch') : t('empty.applications')}
        columns={[
          {
            header: t('fields.projectName'),
            cell: (a) => (
              <>
                <Link to={`/applications/${a.id}`}>{a.project.name}</Link>
                <br />
                <small className="code">{a.caseNo ?? a.id}</small>
              </>
            ),
          },
          { header: t('fields.investorName'), cell: (a) => a.investor.name },
          { header: t('fields.status'), cell: (a) => <StatusBadge status={a.status} /> },
          {
            header: t('projectClock.title'),
            cell: (a) =>
              a.projectClock ? (
                <span data-project-clock={a.projectClock.light}>
                  {a.projectClock.workdaysUsed} / {a.projectClock.targetWorkdays}{' '}
                  {a.projectClock.light !== 'none' && <ProjectLightBadge light={a.projectClock.light} />}
                </span>
              ) : (
                '—'
              ),
          },
          { header: t('fields.createdAt'), cell: (a) => formatTime(a.createdAt) },
        ]}
      />
      <Pager page={page} pages={pages} onPage={setPage} />
    </section>
  );
}

const emptyForm = {
  investor: { name: '', creditCode: '', contactName: '', phone: '' },
  project: { name: '', code: '', investmentWanYuan: '', location: '', industry: '' },
  matters: [] as string[],
};
type Form = typeof emptyForm;

const INVESTOR_FIELDS = ['investor.name', 'investor.creditCode', 'investor.contactName', 'investor.phone'];
const PROJECT_FIELDS = [
  'project.name',
  'project.code',
  'project.investmentWanYuan',
  'project.location',
  'project.industry',
];

/**
 * The checks of one wizard page, with the rules of domain/ (credit code check character, phone
 * and project code formats): what is wrong, field by field, in the reader's language.
 */
function pageProblems(t: TFunction, step: number, form: Form): Record<string, string> {
  const problems: Record<string, string> = {};
  const required = (field: string, value: string) => {
    if (!value.trim()) problems[field] = t('validation.required');
  };
  if (step === 1) {
    required('investor.name', form.investor.name);
    required('investor.contactName', form.investor.contactName);
    const code = form.investor.creditCode.replace(/\s/g, '').toUpperCase();
    const kind = code ? creditCodeProblemKind(code) : null;
    if (!code) problems['investor.creditCode'] = t('validation.required');
    else if (kind) problems['investor.creditCode'] = t(`validation.creditCode_${kind}`);
    if (!form.investor.phone.trim()) problems['investor.phone'] = t('validation.required');
    else if (!PHONE_PATTERN.test(normalizePhone(form.investor.phone)))
      problems['investor.phone'] = t('validation.phone');
  }
  if (step === 2) {
    required('project.name', form.project.name);
    required('project.location', form.project.location);
    required('project.industry', form.project.industry);
    const code = form.project.code.trim();
    if (code && !PROJECT_CODE_PATTERN.test(code)) problems['project.code'] = t('validation.projectCode');
    const amount = Number(form.project.investmentWanYuan);
    if (!form.project.investmentWanYuan.trim()) problems['project.investmentWanYuan'] = t('validation.required');
    else if (!Number.isFinite(amount) || amount <= 0) problems['project.investmentWanYuan'] = t('validation.positive');
  }
  if (step === 3 && form.matters.length === 0) problems.matters = t('validation.chooseMatter');
  return problems;
}

/** The joint-review wizard: investor, project, matters, then the computed plan before launch. */
export function NewApplicationPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [step, setStep] = useState(1);
  const [form, setForm] = useState(emptyForm);
  const [plan, setPlan] = useState<Plan>();
  const [problems, setProblems] = useState<Record<string, string>>({});
  const departments = useDepartments();
  const matters = useMatters();
  const preview = useAction();
  const submit = useSubmit();
  const serverError = useFieldError(submit.error ?? preview.error);
  const fieldError = (name: string) => problems[name] ?? serverError(name);
  const body = () => ({
    investor: form.investor,
    project: {
      ...form.project,
      code: form.project.code.trim() || undefined,
      investmentWanYuan: Number(form.project.investmentWanYuan),
    },
    matters: form.matters,
  });
  const set = (part: 'investor' | 'project', key: string, value: string) => {
    setForm((f) => ({ ...f, [part]: { ...f[part], [key]: value } }));
    // A corrected field loses its message.
    setProblems(({ [`${part}.${key}`]: _gone, ...rest }) => rest);
  };

  /** Checks the page; on a problem, focus goes to the first field named. */
  const checked = (n: number): boolean => {
    const found = pageProblems(t, n, form);
    setProblems(found);
    const first = Object.keys(found)[0];
    if (first) {
      setTimeout(() => document.querySelector<HTMLElement>(`[name="${first}"]`)?.focus(), 0);
      return false;
    }
    return true;
  };
  const next = (n: number) => {
    if (checked(n)) setStep(n + 1);
  };

  const toPlan = () => {
    if (!checked(3)) return;
    void preview.run(
      () => request('post', '/api/plan', { body: { matters: form.matters } }),
      (p) => {
        setPlan(p);
        setStep(4);
      },
    );
  };
  const launch = () => {
    const b = body();
    submit.submit({
      identity: b,
      confirm: {
        title: t('wizard.launchTitle'),
        lines: () => [
          `${form.project.name} · ${form.investor.name}`,
          t('wizard.launchMatters', { n: plan?.steps.length ?? form.matters.length }),
          t('wizard.criticalPath', { n: plan?.promisedWorkdaysOnCriticalPath ?? 0 }),
          t('wizard.launchEffect'),
        ],
        confirmLabel: t('actions.launch'),
      },
      send: (key) => request('post', '/api/applications', { body: b, idempotencyKey: key }),
      success: (created) =>
        t('results.launched', {
          id: created.caseNo ?? created.id,
          n: created.steps.filter((s) => s.status === 'submitted').length,
        }),
      successPath: (created) => `/applications/${created.id}`,
      then: (created) => navigate(`/applications/${created.id}`),
      otherwise: (e) => {
        // Back to the page where the named field is; everything typed stays.
        const fields = e instanceof ApiError ? (e.body.details ?? []).map((d) => d.field) : [];
        if (fields.some((f) => f.startsWith('body.investor'))) setStep(1);
        else if (fields.some((f) => f.startsWith('body.project'))) setStep(2);
        else if (fields.some((f) => f.startsWith('body.matters'))) setStep(3);
      },
      fields: [...INVESTOR_FIELDS, ...PROJECT_FIELDS, 'matters'],
    });
  };

  const input = (
    part: 'investor' | 'project',
    key: string,
    label: string,
    hint?: string,
    inputMode?: 'decimal' | 'tel',
  ) => (
    <Field label={label} hint={hint} error={fieldError(`${part}.${key}`)}>
      <input
        name={`${part}.${key}`}
        type={inputMode === 'tel' ? 'tel' : 'text'}
        inputMode={inputMode}
        autoComplete="off"
        value={(form[part] as Record<string, string>)[key]}
        onChange={(e) => set(part, key, e.target.value)}
      />
    </Field>
  );

  const levels = new Map<number, PlanStep[]>();
  for (const s of plan?.steps ?? []) levels.set(s.level, [...(levels.get(s.level) ?? []), s]);

  return (
    <section className="card wizard">
      {submit.dialog}
      <h1>{t('nav.newApplication')}</h1>
      <ol className="wizard-steps">
        {([1, 2, 3, 4] as const).map((n) => (
          <li key={n} className={n === step ? 'current' : ''} aria-current={n === step ? 'step' : undefined}>
            {t(`wizard.step${n}`)}
          </li>
        ))}
      </ol>
      {step === 1 && (
        <div className="form" data-page="1">
          {input('investor', 'name', t('fields.investorName'))}
          {input('investor', 'creditCode', t('fields.creditCode'), t('wizard.creditCodeHint'))}
          {input('investor', 'contactName', t('fields.contact'))}
          {input('investor', 'phone', t('fields.phone'), t('wizard.phoneHint'), 'tel')}
          <div className="toolbar">
            <button type="button" onClick={() => next(1)}>
              {t('actions.next')}
            </button>
          </div>
        </div>
      )}
      {step === 2 && (
        <div className="form" data-page="2">
          {input('project', 'name', t('fields.projectName'))}
          {input('project', 'code', t('fields.projectCode'), t('wizard.projectCodeHint'))}
          {input('project', 'investmentWanYuan', t('fields.investment'), undefined, 'decimal')}
          {input('project', 'location', t('fields.location'))}
          {input('project', 'industry', t('fields.industry'))}
          <div className="toolbar">
            <button type="button" className="secondary" onClick={() => setStep(1)}>
              {t('actions.back')}
            </button>
            <button type="button" onClick={() => next(2)}>
              {t('actions.next')}
            </button>
          </div>
        </div>
      )}
      {step === 3 && (
        <div className="form" data-page="3">
          <fieldset>
            <legend>{t('wizard.step3')}</legend>
            {matters.list.map((m) => (
              <label key={m.code} className="check">
                <input
                  type="checkbox"
                  name={`matter-${m.code}`}
                  checked={form.matters.includes(m.code)}
                  onChange={(e) => {
                    setProblems({});
                    setForm((f) => ({
                      ...f,
                      matters: e.target.checked ? [...f.matters, m.code] : f.matters.filter((c) => c !== m.code),
                    }));
                  }}
                />
                {m.name}{' '}
                <small className="muted">
                  {departments.name(m.departmentCode)} · {m.promisedLimitDays} {t('fields.days')}
                  {m.prerequisites.length > 0 &&
                    ` · ${t('more.dependsOn')}${m.prerequisites.map(matters.name).join('，')}`}
                </small>
              </label>
            ))}
          </fieldset>
          {fieldError('matters') && <small className="field-error">{fieldError('matters')}</small>}
          <div className="toolbar">
            <button type="button" className="secondary" onClick={() => setStep(2)}>
              {t('actions.back')}
            </button>
            <button type="button" onClick={toPlan} disabled={preview.pending}>
              {t('actions.next')}
            </button>
          </div>
        </div>
      )}
      {step === 4 && plan && (
        <div data-page="4">
          <p>{t('wizard.criticalPath', { n: plan.promisedWorkdaysOnCriticalPath })}</p>
          {plan.addedPrerequisites.length > 0 && (
            <p className="notice">
              {t('wizard.added')}：{plan.addedPrerequisites.map(matters.name).join('，')}
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
                          .map((c) => plan.steps.find((p) => p.matterCode === c)?.matterName ?? matters.name(c))
                          .join('，')}
                      </small>
                    )}
                  </div>
                ))}
              </div>
            ))}
          </div>
          <div className="toolbar">
            <button type="button" className="secondary" onClick={() => setStep(3)}>
              {t('actions.back')}
            </button>
            <button type="button" onClick={launch} disabled={submit.pending}>
              {t('actions.launch')}
            </button>
          </div>
        </div>
      )}
      <ErrorBox
        error={preview.error}
        fields={step === 1 ? INVESTOR_FIELDS : step === 2 ? PROJECT_FIELDS : ['matters']}
      />
    </section>
  );
}
