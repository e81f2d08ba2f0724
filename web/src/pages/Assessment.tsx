// The assessment (量化考核) for the supervision office and the general office: a month or a quarter,
// by department or by staff member; the table beside the weights in force (the admin publishes new
// ones); the on-time rate by month and the ranking as charts; exports; the accountability log; and
// the public's monthly ranking page (公示), without any personal data.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import {
  DEDUCTED_WEIGHTS,
  EARNED_WEIGHTS,
  monthOf,
  monthsEndingWith,
  parsePeriod,
  quarterOf,
  WEIGHT_FIELDS,
  WEIGHT_MAX,
  weightProblems,
  type AssessmentWeights,
  type WeightField,
} from '../../../domain/assessment';
import { ACCOUNTABILITY_MEASURES } from '../../../domain/accountability';
import { ApiError, fetchFile, request, type User } from '../api';
import { OnTimeLineChart, RankingBarChart } from '../AssessmentCharts';
import { DataTable, ErrorBox, Field, formatTime, useAction, useDepartments, useLoad, type Column } from '../components';
import { useSubmit } from '../submit';
import type { AccountabilityView, AssessmentRow, AssessmentWeightsView, PublicRanking } from '../types';
import './assessment.css';

type View = 'department' | 'staff';

const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const dash = (v: number | string | null | undefined) => (v === null || v === undefined ? '—' : String(v));

/** The last `n` quarters up to the current one, newest first. */
function recentQuarters(n: number): string[] {
  const [year, q] = quarterOf(new Date()).split('-Q').map(Number) as [number, number];
  return Array.from({ length: n }, (_, i) => {
    const index = year * 4 + (q - 1) - i;
    return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
  });
}

/** Saves a file the API answered (the token travels in a header, so a plain link cannot fetch it). */
function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Month or quarter, and which one. */
function PeriodPicker(props: { period: string; onChange: (period: string) => void; monthsOnly?: boolean }) {
  const { t } = useTranslation();
  const kind = props.period.includes('Q') ? 'quarter' : 'month';
  const quarters = recentQuarters(8);
  return (
    <div className="period-picker">
      {!props.monthsOnly && (
        <Field label={t('assessment.period')}>
          <select
            name="periodKind"
            value={kind}
            onChange={(e) => props.onChange(e.target.value === 'quarter' ? quarterOf(new Date()) : monthOf(new Date()))}
          >
            <option value="month">{t('assessment.month')}</option>
            <option value="quarter">{t('assessment.quarter')}</option>
          </select>
        </Field>
      )}
      {kind === 'month' ? (
        <Field label={t('assessment.month')}>
          <input
            type="month"
            name="month"
            value={props.period}
            max={monthOf(new Date())}
            onChange={(e) => parsePeriod(e.target.value) && props.onChange(e.target.value)}
          />
        </Field>
      ) : (
        <Field label={t('assessment.quarter')}>
          <select name="quarter" value={props.period} onChange={(e) => props.onChange(e.target.value)}>
            {quarters.map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
          </select>
        </Field>
      )}
    </div>
  );
}

export function AssessmentPage({ user }: { user: User }) {
  const { t, i18n } = useTranslation();
  const departments = useDepartments();
  const [period, setPeriod] = useState(() => monthOf(new Date()));
  const [by, setBy] = useState<View>('department');
  const rows = useLoad(() => request('get', '/api/assessment', { query: { period, by } }), [period, by]);
  const weights = useLoad(() => request('get', '/api/assessment/weights'), []);
  const lastMonth = parsePeriod(period)?.months.at(-1) ?? monthOf(new Date());
  const trend = useLoad(
    () => request('get', '/api/assessment/trend', { query: { to: lastMonth, months: 6 } }),
    [lastMonth],
  );
  const exporting = useAction();
  const exportAs = (format: 'xlsx' | 'pdf') =>
    void exporting.run(
      () =>
        fetchFile(
          `/api/assessment/export?${new URLSearchParams({ period, by, format, lang: i18n.language === 'en' ? 'en' : 'zh-CN' })}`,
        ),
      (blob) => saveBlob(blob, `assessment-${period}${format === 'pdf' ? `-${by}` : ''}.${format}`),
    );

  const columns: Array<Column<AssessmentRow>> = [
    { header: t('assessment.columns.rank'), cell: (r) => r.rank ?? '—', className: 'num' },
    {
      header: t('assessment.columns.name'),
      cell: (r) => (
        <>
          {r.name}
          {by === 'staff' && <div className="muted">{departments.name(r.departmentCode)}</div>}
        </>
      ),
    },
    { header: t('assessment.columns.decided'), cell: (r) => r.decided, className: 'num' },
    {
      header: t('assessment.columns.onTimeRate'),
      cell: (r) => (
        <>
          {percent(r.onTimeRate)}
          {r.decided > 0 && (
            <div className="muted">{t('assessment.onTimeOf', { onTime: r.onTime, decided: r.decided })}</div>
          )}
        </>
      ),
      className: 'num',
    },
    {
      header: t('assessment.columns.workdays'),
      cell: (r) => (r.avgWorkdaysUsed === null ? '—' : `${r.avgWorkdaysUsed} / ${dash(r.avgPromisedWorkdays)}`),
      className: 'num',
    },
    { header: t('assessment.columns.overdue'), cell: (r) => r.overdue, className: 'num' },
    {
      header: t('assessment.columns.casesOpened'),
      cell: (r) => (
        <>
          {r.casesOpened}
          {r.casesAnsweredLate > 0 && (
            <div className="overdue">{t('assessment.answeredLate', { n: r.casesAnsweredLate })}</div>
          )}
        </>
      ),
      className: 'num',
    },
    { header: t('assessment.columns.complaintsUpheld'), cell: (r) => r.complaintsUpheld, className: 'num' },
    {
      header: t('assessment.columns.ratings'),
      cell: (r) =>
        r.ratingsCount === 0 ? '—' : t('assessment.ratingsOf', { count: r.ratingsCount, avg: r.ratingsAvg }),
      className: 'num',
    },
    { header: t('assessment.columns.accountability'), cell: (r) => r.accountability, className: 'num' },
    {
      header: t('assessment.columns.score'),
      cell: (r) =>
        r.score === null ? <span className="muted">{t('assessment.notScored')}</span> : <strong>{r.score}</strong>,
      className: 'num score',
    },
  ];

  return (
    <section className="assessment-page">
      <h1>{t('assessment.title')}</h1>
      <div className="assessment-controls">
        <PeriodPicker period={period} onChange={setPeriod} />
        <nav className="tabs" aria-label={t('assessment.by')}>
          {(['department', 'staff'] as const).map((v) => (
            <button
              key={v}
              type="button"
              className={v === by ? 'tab active' : 'tab'}
              aria-pressed={v === by}
              onClick={() => setBy(v)}
            >
              {t(v === 'department' ? 'assessment.byDepartment' : 'assessment.byStaff')}
            </button>
          ))}
        </nav>
        <div className="export-buttons">
          <button type="button" onClick={() => exportAs('xlsx')} disabled={exporting.pending} data-export="xlsx">
            {t('assessment.exportXlsx')}
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => exportAs('pdf')}
            disabled={exporting.pending}
            data-export="pdf"
          >
            {t('assessment.exportPdf')}
          </button>
          {exporting.pending && <span className="muted">{t('assessment.exporting')}</span>}
        </div>
        <div className="assessment-links">
          <Link to="/accountability">{t('assessment.accountabilityLog')}</Link>
          <Link to="/public/ranking">{t('assessment.publicLink')}</Link>
        </div>
      </div>
      <ErrorBox error={rows.error ?? exporting.error} />
      <div className="assessment-layout">
        <div className="assessment-table">
          <DataTable
            className="responsive assessment"
            rows={rows.error && !rows.data ? [] : rows.data}
            rowKey={(r) => r.key}
            rowProps={(r) => ({ 'data-key': r.key })}
            empty={t('assessment.empty')}
            columns={columns}
          />
        </div>
        <aside className="assessment-weights">
          <WeightsPanel
            weights={weights.data}
            error={weights.error}
            canEdit={user.role === 'admin'}
            onPublished={() => {
              weights.reload();
              rows.reload();
            }}
          />
        </aside>
      </div>
      <div className="assessment-charts">
        <figure className="card">
          <figcaption>{t('assessment.onTimeByMonth')}</figcaption>
          <OnTimeLineChart
            months={trend.data?.months ?? []}
            rows={trend.data?.rows ?? []}
            departmentName={departments.name}
          />
        </figure>
        <figure className="card">
          <figcaption>
            {t('assessment.ranking')} · {period} ·{' '}
            {t(by === 'department' ? 'assessment.byDepartment' : 'assessment.byStaff')}
          </figcaption>
          <RankingBarChart rows={rows.data ?? []} />
        </figure>
      </div>
    </section>
  );
}

/** The weights in force beside the table; the admin edits and publishes a new version. */
function WeightsPanel(props: {
  weights: AssessmentWeightsView | undefined;
  error: unknown;
  canEdit: boolean;
  onPublished: () => void;
}) {
  const { t, i18n } = useTranslation();
  const submit = useSubmit();
  const [draft, setDraft] = useState<Record<WeightField, string> | null>(null);
  const w = props.weights;
  if (!w) return props.error ? <ErrorBox error={props.error} /> : <p className="loading">{t('more.loading')}</p>;
  const edit = () =>
    setDraft(Object.fromEntries(WEIGHT_FIELDS.map((f) => [f, String(w.weights[f])])) as Record<WeightField, string>);
  const values = draft
    ? (Object.fromEntries(
        WEIGHT_FIELDS.map((f) => [f, draft[f].trim() === '' ? NaN : Number(draft[f])]),
      ) as AssessmentWeights)
    : w.weights;
  const problems = draft ? weightProblems(values) : [];
  const problemOf = (f: WeightField) => problems.find((p) => p.field === f) && t('validation.invalid');
  const apiError = (f: WeightField) =>
    submit.error instanceof ApiError && submit.error.field(`body.weights.${f}`) ? t('validation.invalid') : undefined;
  const publish = () => {
    if (problems.length > 0) return;
    submit.submit({
      identity: ['weights', w.version, values],
      confirm: {
        title: t('assessment.publishTitle'),
        lines: () => [
          t('assessment.publishLine'),
          ...WEIGHT_FIELDS.filter((f) => values[f] !== w.weights[f]).map(
            (f) => `${t(`assessment.weightFields.${f}`)}：${w.weights[f]} → ${values[f]}`,
          ),
        ],
        confirmLabel: t('assessment.publish'),
      },
      send: (key) =>
        request('put', '/api/assessment/weights', {
          body: { version: w.version, weights: values },
          idempotencyKey: key,
        }),
      success: (answer) => t('assessment.published', { version: answer.version }),
      then: () => {
        setDraft(null);
        props.onPublished();
      },
      otherwise: () => props.onPublished(),
    });
  };
  const group = (fields: readonly WeightField[], heading: string) => (
    <>
      <h3>{heading}</h3>
      <dl className="weights">
        {fields.map((f) => (
          <div key={f} data-weight={f}>
            <dt>{t(`assessment.weightFields.${f}`)}</dt>
            <dd>
              {draft ? (
                <Field label={t(`assessment.weightFields.${f}`)} error={problemOf(f) ?? apiError(f)}>
                  <input
                    type="number"
                    name={f}
                    min={0}
                    max={WEIGHT_MAX}
                    step="any"
                    value={draft[f]}
                    onChange={(e) => setDraft({ ...draft, [f]: e.target.value })}
                  />
                </Field>
              ) : (
                w.weights[f]
              )}
            </dd>
          </div>
        ))}
      </dl>
    </>
  );
  return (
    <div className="card weights-panel">
      <h2>{t('assessment.weights')}</h2>
      <p className="muted weights-version">
        {w.changedBy && w.changedAt
          ? t('assessment.publishedBy', {
              version: w.version,
              by: w.changedBy.displayName,
              at: formatTime(w.changedAt),
            })
          : t('assessment.defaults')}
      </p>
      {group(EARNED_WEIGHTS, t('assessment.earned'))}
      {group(DEDUCTED_WEIGHTS, t('assessment.deducted'))}
      <p className="rule">{i18n.language === 'en' ? w.rule.en : w.rule.zh}</p>
      {props.canEdit &&
        (draft ? (
          <div className="buttons">
            <button type="button" onClick={publish} disabled={submit.pending || problems.length > 0}>
              {t('assessment.publish')}
            </button>
            <button type="button" className="secondary" onClick={() => setDraft(null)} disabled={submit.sending}>
              {t('assessment.cancelEdit')}
            </button>
          </div>
        ) : (
          <button type="button" className="secondary" onClick={edit}>
            {t('assessment.edit')}
          </button>
        ))}
      {submit.dialog}
    </div>
  );
}

// ——— Accountability ———

/** The accountability log (问责记录): every record, by period and department. */
export function AccountabilityLogPage() {
  const { t } = useTranslation();
  const departments = useDepartments();
  const [period, setPeriod] = useState('');
  const [department, setDepartment] = useState('');
  const { data, error } = useLoad(
    () =>
      request('get', '/api/accountability', {
        query: { period: period || undefined, departmentCode: department || undefined },
      }),
    [period, department],
  );
  const months = monthsEndingWith(monthOf(new Date()), 12).reverse();
  return (
    <section>
      <h1>{t('accountability.title')}</h1>
      <div className="assessment-controls">
        <Field label={t('assessment.period')}>
          <select name="period" value={period} onChange={(e) => setPeriod(e.target.value)}>
            <option value="">{t('accountability.allPeriods')}</option>
            {[...months, ...recentQuarters(4)].map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('accountability.department')}>
          <select name="departmentCode" value={department} onChange={(e) => setDepartment(e.target.value)}>
            <option value="">{t('accountability.allDepartments')}</option>
            {departments.list.map((d) => (
              <option key={d.code} value={d.code}>
                {d.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorBox error={error} />
      <AccountabilityTable rows={error && !data ? [] : data} showCase />
    </section>
  );
}

function AccountabilityTable({ rows, showCase }: { rows: AccountabilityView[] | undefined; showCase?: boolean }) {
  const { t } = useTranslation();
  const departments = useDepartments();
  const columns: Array<Column<AccountabilityView>> = [
    { header: t('accountability.recordedAt'), cell: (r) => formatTime(r.recordedAt) },
    {
      header: t('accountability.department'),
      cell: (r) => (
        <>
          {departments.name(r.departmentCode)}
          {r.person && <div>{r.person.displayName}</div>}
        </>
      ),
    },
    ...(showCase
      ? [
          {
            header: t('accountability.case'),
            cell: (r: AccountabilityView) =>
              r.complaintId ? (
                <Link to={`/complaints/${r.complaintId}`}>{r.complaintId}</Link>
              ) : (
                <Link to={`/cases/${r.caseId}`}>
                  {r.matterName ?? r.caseId} · {t('cases.level', { n: r.caseLevel })}
                </Link>
              ),
          },
        ]
      : []),
    { header: t('accountability.what'), cell: (r) => r.what },
    {
      header: t('accountability.measure'),
      cell: (r) => (
        <>
          <strong>{t(`accountability.measures.${r.measure}`)}</strong>
          <div>{r.decision}</div>
        </>
      ),
    },
    { header: t('accountability.recordedBy'), cell: (r) => r.recordedBy.displayName },
  ];
  return (
    <DataTable
      className="responsive accountability"
      rows={rows}
      rowKey={(r) => String(r.id)}
      rowProps={(r) => ({ 'data-accountability': String(r.id) })}
      empty={t('accountability.none')}
      columns={columns}
    />
  );
}

/** On a case's page: its accountability records and, once the case is closed, the supervisor's form. */
export function AccountabilityPanel(props: {
  caseId: string;
  caseStatus: 'open' | 'closed';
  departmentCode: string;
  canRecord: boolean;
}) {
  const { t } = useTranslation();
  const departments = useDepartments();
  const submit = useSubmit();
  const records = useLoad(
    () => request('get', '/api/supervision/cases/{id}/accountability', { params: { id: props.caseId } }),
    [props.caseId],
  );
  const [departmentCode, setDepartmentCode] = useState(props.departmentCode);
  const [personId, setPersonId] = useState('');
  const [what, setWhat] = useState('');
  const [measure, setMeasure] = useState<(typeof ACCOUNTABILITY_MEASURES)[number]>('criticism_education');
  const [decision, setDecision] = useState('');
  const [missing, setMissing] = useState<string[]>([]);
  const staff = useLoad(
    () =>
      departmentCode ? request('get', '/api/accountability/staff', { query: { departmentCode } }) : Promise.resolve([]),
    [departmentCode],
  );
  const personName = useMemo(() => staff.data?.find((s) => s.id === personId)?.displayName, [staff.data, personId]);
  const who = personName ? `${departments.name(departmentCode)} ${personName}` : departments.name(departmentCode);
  const send = () => {
    const empty = [
      ...(!departmentCode && !personId ? ['departmentCode'] : []),
      ...(!what.trim() ? ['what'] : []),
      ...(!decision.trim() ? ['decision'] : []),
    ];
    setMissing(empty);
    if (empty.length > 0) return;
    submit.submit({
      identity: ['accountability', props.caseId, departmentCode, personId, what, measure, decision],
      confirm: {
        title: t('accountability.recordTitle'),
        lines: () => [
          `${t('accountability.department')}：${who}`,
          `${t('accountability.measure')}：${t(`accountability.measures.${measure}`)}`,
          t('accountability.confirmLine', { who }),
        ],
        confirmLabel: t('accountability.record'),
      },
      send: (key) =>
        request('post', '/api/supervision/cases/{id}/accountability', {
          params: { id: props.caseId },
          body: {
            departmentCode: departmentCode || undefined,
            personId: personId || undefined,
            what,
            measure,
            decision,
          },
          idempotencyKey: key,
        }),
      success: (r) =>
        t('accountability.recorded', {
          who: r.person ? r.person.displayName : departments.name(r.departmentCode),
          measure: t(`accountability.measures.${r.measure}`),
        }),
      then: () => {
        setWhat('');
        setDecision('');
        setPersonId('');
        records.reload();
      },
      fields: ['departmentCode', 'personId', 'what', 'decision'],
    });
  };
  const needed = (field: string, words: string) => (missing.includes(field) ? words : undefined);
  return (
    <div className="card accountability-panel">
      <h2>{t('accountability.title')}</h2>
      <ErrorBox error={records.error} />
      <AccountabilityTable rows={records.error && !records.data ? [] : records.data} />
      {props.canRecord &&
        (props.caseStatus === 'open' ? (
          <p className="muted">{t('accountability.onlyClosed')}</p>
        ) : (
          <form
            className="form accountability-form"
            onSubmit={(e) => {
              e.preventDefault();
              send();
            }}
          >
            <h3>{t('accountability.recordTitle')}</h3>
            <Field
              label={t('accountability.department')}
              error={needed('departmentCode', t('accountability.whoRequired'))}
            >
              <select
                name="departmentCode"
                value={departmentCode}
                onChange={(e) => {
                  setDepartmentCode(e.target.value);
                  setPersonId('');
                }}
              >
                {departments.list.map((d) => (
                  <option key={d.code} value={d.code}>
                    {d.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('accountability.person')}>
              <select name="personId" value={personId} onChange={(e) => setPersonId(e.target.value)}>
                <option value="">{t('accountability.noPerson')}</option>
                {(staff.data ?? []).map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.displayName}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('accountability.what')} error={needed('what', t('validation.invalid'))}>
              <textarea name="what" rows={2} value={what} onChange={(e) => setWhat(e.target.value)} />
            </Field>
            <Field label={t('accountability.measure')}>
              <select
                name="measure"
                value={measure}
                onChange={(e) => setMeasure(e.target.value as (typeof ACCOUNTABILITY_MEASURES)[number])}
              >
                {ACCOUNTABILITY_MEASURES.map((m) => (
                  <option key={m} value={m}>
                    {t(`accountability.measures.${m}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('accountability.decision')} error={needed('decision', t('validation.invalid'))}>
              <textarea name="decision" rows={2} value={decision} onChange={(e) => setDecision(e.target.value)} />
            </Field>
            <button type="submit" disabled={submit.pending}>
              {t('accountability.record')}
            </button>
          </form>
        ))}
      {submit.dialog}
    </div>
  );
}

// ——— The public ranking (公示) ———

/** The month's ranking of departments, for anyone: scores and figures, no person. */
export function PublicRankingPage() {
  const { t, i18n } = useTranslation();
  const [period, setPeriod] = useState(() => monthOf(new Date()));
  const { data, error } = useLoad(
    () => request('get', '/api/public/assessment/ranking', { query: { period } }),
    [period],
  );
  const ranking: PublicRanking | undefined = data;
  return (
    <section className="public-ranking">
      <h1>{t('assessment.publicTitle')}</h1>
      <p className="muted">{t('assessment.publicIntro')}</p>
      <PeriodPicker period={period} onChange={setPeriod} monthsOnly />
      <ErrorBox error={error} />
      {ranking && !ranking.final && <p className="banner">{t('assessment.provisional')}</p>}
      <DataTable
        className="responsive ranking"
        rows={error && !ranking ? [] : ranking?.rows}
        rowKey={(r) => r.departmentCode}
        rowProps={(r) => ({ 'data-department': r.departmentCode })}
        empty={t('assessment.empty')}
        columns={[
          { header: t('assessment.columns.rank'), cell: (r) => r.rank ?? '—', className: 'num' },
          { header: t('assessment.columns.department'), cell: (r) => r.departmentName },
          { header: t('assessment.columns.decided'), cell: (r) => r.decided, className: 'num' },
          { header: t('assessment.columns.onTimeRate'), cell: (r) => percent(r.onTimeRate), className: 'num' },
          {
            header: t('assessment.columns.workdays'),
            cell: (r) => (r.avgWorkdaysUsed === null ? '—' : `${r.avgWorkdaysUsed} / ${dash(r.avgPromisedWorkdays)}`),
            className: 'num',
          },
          { header: t('assessment.columns.overdue'), cell: (r) => r.overdue, className: 'num' },
          { header: t('assessment.columns.complaintsUpheld'), cell: (r) => r.complaintsUpheld, className: 'num' },
          {
            header: t('assessment.columns.ratings'),
            cell: (r) =>
              r.ratingsCount === 0 ? '—' : t('assessment.ratingsOf', { count: r.ratingsCount, avg: r.ratingsAvg }),
            className: 'num',
          },
          {
            header: t('assessment.columns.score'),
            cell: (r) =>
              r.score === null ? (
                <span className="muted">{t('assessment.notScored')}</span>
              ) : (
                <strong>{r.score}</strong>
              ),
            className: 'num score',
          },
        ]}
      />
      {ranking && (
        <>
          <figure className="card">
            <figcaption>{t('assessment.ranking')}</figcaption>
            <RankingBarChart rows={ranking.rows.map((r) => ({ name: r.departmentName, score: r.score }))} />
          </figure>
          <div className="card">
            <h2>{t('assessment.publicWeights')}</h2>
            <p>{i18n.language === 'en' ? ranking.weights.rule.en : ranking.weights.rule.zh}</p>
            <dl className="weights">
              {WEIGHT_FIELDS.map((f) => (
                <div key={f}>
                  <dt>{t(`assessment.weightFields.${f}`)}</dt>
                  <dd>{ranking.weights.weights[f]}</dd>
                </div>
              ))}
            </dl>
          </div>
        </>
      )}
    </section>
  );
}
