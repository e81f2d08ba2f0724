import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../api';
import {
  DataTable,
  Field,
  fenOf,
  formatTime,
  Named,
  reloadDepartments,
  reloadMatters,
  useDepartments,
  useFieldError,
  useLoad,
  useMatters,
  yuan,
} from '../components';
import { useSubmit } from '../submit';
import type { Matter, MatterVersion, Role } from '../types';
import { AdminTabs } from './Admin';
import { SignInHistory, TemporaryPassword, UserAccountActions } from './Account';

const ROLES: Role[] = ['officer', 'staff', 'supervisor', 'cashier', 'admin'];
const CASE_TYPES: Array<Matter['caseType']> = ['immediate', 'promised', 'joint'];
const STAGES = [1, 2, 3, 4] as const;

const blank = {
  code: '',
  name: '',
  departmentCode: '',
  caseType: 'promised' as Matter['caseType'],
  legalBasis: '',
  conditions: '',
  procedure: '',
  materials: '',
  statutoryLimitDays: '20',
  promisedLimitDays: '10',
  feeYuan: '',
  feeBasis: '',
  prerequisites: [] as string[],
  stage: '1',
  deemedConsent: false,
  /** The version the form was read at (0 for a new matter): sent as If-Match. */
  version: 0,
};
type Form = typeof blank;

const toForm = (m: Matter): Form => ({
  code: m.code,
  name: m.name,
  departmentCode: m.departmentCode,
  caseType: m.caseType,
  legalBasis: m.legalBasis,
  conditions: m.conditions,
  procedure: m.procedure,
  materials: m.materials.join('\n'),
  statutoryLimitDays: String(m.statutoryLimitDays),
  promisedLimitDays: String(m.promisedLimitDays),
  feeYuan: m.fee && m.fee.amountFen > 0 ? (m.fee.amountFen / 100).toFixed(2) : '',
  feeBasis: m.fee?.basis ?? '',
  prerequisites: [...m.prerequisites],
  stage: String(m.stage),
  deemedConsent: m.deemedConsent,
  version: m.version,
});

/**
 * The matter catalog (the service guide's source). An existing matter's code is read-only; the fee
 * is entered in yuan (the API keeps fen); prerequisites are chosen by name. A prerequisite cycle
 * is refused by the API with the cycle named.
 */
export function CatalogPage() {
  const { t } = useTranslation();
  const [form, setForm] = useState<Form>();
  const [editing, setEditing] = useState(false);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const submit = useSubmit();
  const matters = useMatters();
  const departments = useDepartments();
  const serverError = useFieldError(submit.error);
  const err = (f: string) => problems[f] ?? serverError(f);

  const open = (m?: Matter) => {
    setForm(m ? toForm(m) : { ...blank, prerequisites: [] });
    setEditing(!!m);
    setProblems({});
    submit.clearError();
  };

  const save = (f: Form) => {
    const found: Record<string, string> = {};
    for (const k of ['code', 'name', 'departmentCode', 'legalBasis', 'conditions', 'procedure'] as const)
      if (!f[k].trim()) found[k] = t('validation.required');
    const fen = f.feeYuan.trim() ? fenOf(f.feeYuan) : 0;
    if (fen === null) found.fee = t('validation.amount');
    if (fen && !f.feeBasis.trim()) found['fee.basis'] = t('validation.required');
    setProblems(found);
    if (Object.keys(found).length) return;
    const body = {
      name: f.name,
      departmentCode: f.departmentCode,
      caseType: f.caseType,
      legalBasis: f.legalBasis,
      conditions: f.conditions,
      procedure: f.procedure,
      materials: f.materials
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean),
      statutoryLimitDays: Number(f.statutoryLimitDays),
      promisedLimitDays: Number(f.promisedLimitDays),
      fee: fen ? { amountFen: fen, basis: f.feeBasis } : null,
      prerequisites: f.prerequisites,
      stage: Number(f.stage),
      deemedConsent: f.deemedConsent,
    };
    submit.submit({
      identity: ['matter', f.code, body],
      confirm: {
        title: editing ? t('catalog.saveTitle') : t('catalog.createTitle'),
        lines: () => [
          `${f.name}（${f.code}）· ${departments.name(f.departmentCode)}`,
          t('catalog.limits', { promised: f.promisedLimitDays, statutory: f.statutoryLimitDays }),
          fen ? `${t('fields.fee')}：${yuan(fen)} · ${f.feeBasis}` : `${t('fields.fee')}：${t('fields.free')}`,
          `${t('fields.prerequisites')}：${f.prerequisites.map(matters.name).join('，') || '—'}`,
          ...(f.deemedConsent ? [t('catalog.deemedConsent')] : []),
          t('catalog.saveEffect'),
        ],
        confirmLabel: t('catalog.confirmSave'),
      },
      // If-Match: a save over another admin's newer version is refused (409 matter_changed).
      send: (key) =>
        request('put', '/api/matters/{code}', {
          params: { code: f.code },
          body,
          idempotencyKey: key,
          ifMatch: f.version,
        }),
      success: () => t('results.matterSaved', { name: f.name }),
      then: () => {
        reloadMatters();
        setForm(undefined);
      },
      fields: Object.keys(blank).concat(['fee', 'fee.amountFen', 'fee.basis', 'deemedConsent']),
    });
  };

  const [historyOf, setHistoryOf] = useState<string>();
  const text = (
    key: Exclude<keyof Form, 'caseType' | 'prerequisites' | 'deemedConsent' | 'version'>,
    label: string,
    area = false,
    hint?: string,
  ) =>
    form && (
      <Field label={label} hint={hint} error={err(key === 'feeYuan' ? 'fee' : key === 'feeBasis' ? 'fee.basis' : key)}>
        {area ? (
          <textarea
            name={key}
            rows={key === 'materials' ? 4 : 2}
            value={form[key]}
            onChange={(e) => setForm({ ...form, [key]: e.target.value })}
          />
        ) : (
          <input
            name={key}
            value={form[key]}
            readOnly={key === 'code' && editing}
            aria-readonly={key === 'code' && editing}
            onChange={(e) =>
              setForm({ ...form, [key]: key === 'code' ? e.target.value.toUpperCase() : e.target.value })
            }
          />
        )}
      </Field>
    );

  return (
    <section>
      {submit.dialog}
      <h1>{t('admin.catalog')}</h1>
      <AdminTabs />
      <div className="toolbar">
        <button type="button" onClick={() => open()}>
          {t('catalog.new')}
        </button>
      </div>
      {form && (
        <div className="form card catalog-form" data-editing={form.code || 'new'}>
          <h2>{editing ? t('catalog.editing', { name: form.name }) : t('catalog.new')}</h2>
          {text('code', t('admin.code'), false, editing ? t('catalog.codeReadOnly') : t('catalog.codeHint'))}
          {text('name', t('fields.matter'))}
          <Field label={t('fields.department')} error={err('departmentCode')}>
            <select
              name="departmentCode"
              value={form.departmentCode}
              onChange={(e) => setForm({ ...form, departmentCode: e.target.value })}
            >
              <option value="">—</option>
              {departments.list.map((d) => (
                <option key={d.code} value={d.code}>
                  {d.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('catalog.caseType')}>
            <select
              name="caseType"
              value={form.caseType}
              onChange={(e) => setForm({ ...form, caseType: e.target.value as Matter['caseType'] })}
            >
              {CASE_TYPES.map((c) => (
                <option key={c} value={c}>
                  {t(`caseTypes.${c}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('fields.stage')} error={err('stage')}>
            <select name="stage" value={form.stage} onChange={(e) => setForm({ ...form, stage: e.target.value })}>
              {STAGES.map((n) => (
                <option key={n} value={n}>
                  {t('more.stage', { n })} · {t(`stages.${n}`)}
                </option>
              ))}
            </select>
          </Field>
          {text('legalBasis', t('fields.legalBasis'), true)}
          {text('conditions', t('fields.conditions'), true)}
          {text('procedure', t('fields.procedure'), true)}
          {text('materials', t('fields.materials'), true, t('catalog.materialsHint'))}
          {text('promisedLimitDays', t('fields.promised'), false, t('fields.days'))}
          {text('statutoryLimitDays', t('fields.statutory'), false, t('fields.days'))}
          {text('feeYuan', t('catalog.feeYuan'), false, t('catalog.feeHint'))}
          {text('feeBasis', t('admin.feeBasis'))}
          <fieldset>
            <legend>{t('fields.prerequisites')}</legend>
            {matters.list
              .filter((m) => m.code !== form.code)
              .map((m) => (
                <label key={m.code} className="check">
                  <input
                    type="checkbox"
                    name={`prerequisite-${m.code}`}
                    checked={form.prerequisites.includes(m.code)}
                    onChange={(e) =>
                      setForm({
                        ...form,
                        prerequisites: e.target.checked
                          ? [...form.prerequisites, m.code]
                          : form.prerequisites.filter((c) => c !== m.code),
                      })
                    }
                  />
                  <Named name={m.name} code={m.code} />
                </label>
              ))}
          </fieldset>
          {err('prerequisites') && <small className="field-error">{err('prerequisites')}</small>}
          <Field label={t('fields.deemedConsent')} hint={t('catalog.deemedConsentHint')} error={err('deemedConsent')}>
            <label className="check">
              <input
                type="checkbox"
                name="deemedConsent"
                checked={form.deemedConsent}
                onChange={(e) => setForm({ ...form, deemedConsent: e.target.checked })}
              />
              {t('catalog.deemedConsent')}
            </label>
          </Field>
          <div className="toolbar">
            <button type="button" className="secondary" onClick={() => setForm(undefined)}>
              {t('more.cancel')}
            </button>
            <button type="button" disabled={submit.pending} onClick={() => save(form)}>
              {t('actions.save')}
            </button>
          </div>
        </div>
      )}
      <DataTable
        className="responsive"
        rows={matters.loaded ? matters.list : undefined}
        rowKey={(m) => m.code}
        rowProps={(m) => ({ 'data-matter': m.code })}
        columns={[
          { header: t('fields.matter'), cell: (m) => <Named name={m.name} code={m.code} /> },
          { header: t('fields.department'), cell: (m) => departments.name(m.departmentCode) },
          { header: t('fields.stage'), cell: (m) => t(`stages.${m.stage as 1 | 2 | 3 | 4}`, String(m.stage)) },
          { header: t('fields.promised'), cell: (m) => `${m.promisedLimitDays} / ${m.statutoryLimitDays}` },
          { header: t('fields.fee'), cell: (m) => (m.fee?.amountFen ? yuan(m.fee.amountFen) : t('fields.free')) },
          { header: t('fields.prerequisites'), cell: (m) => m.prerequisites.map(matters.name).join('，') || '—' },
          {
            header: t('catalog.version'),
            cell: (m) => (
              <>
                {t('catalog.versionN', { n: m.version })}
                {m.deemedConsent && <div className="muted">{t('catalog.deemedConsent')}</div>}
              </>
            ),
          },
          {
            header: '',
            cell: (m) => (
              <div className="toolbar">
                <button type="button" className="secondary" onClick={() => open(m)}>
                  {t('admin.edit')}
                </button>
                <button
                  type="button"
                  className="secondary"
                  aria-expanded={historyOf === m.code}
                  onClick={() => setHistoryOf(historyOf === m.code ? undefined : m.code)}
                >
                  {historyOf === m.code ? t('catalog.hideHistory') : t('catalog.history')}
                </button>
              </div>
            ),
          },
        ]}
      />
      {historyOf && (
        <MatterHistory code={historyOf} name={matters.name(historyOf)} version={matters.find(historyOf)?.version} />
      )}
    </section>
  );
}

/** The fields a version may change, in the order the form shows them (with their labels). */
const VERSIONED_FIELDS = [
  ['name', 'fields.matter'],
  ['departmentCode', 'fields.department'],
  ['caseType', 'catalog.caseType'],
  ['stage', 'fields.stage'],
  ['legalBasis', 'fields.legalBasis'],
  ['conditions', 'fields.conditions'],
  ['procedure', 'fields.procedure'],
  ['materials', 'fields.materials'],
  ['promisedLimitDays', 'fields.promised'],
  ['statutoryLimitDays', 'fields.statutory'],
  ['fee', 'fields.fee'],
  ['prerequisites', 'fields.prerequisites'],
  ['deemedConsent', 'fields.deemedConsent'],
] as const satisfies ReadonlyArray<readonly [keyof Matter, string]>;

/** What changed from the previous version, as field labels. */
const changedFields = (v: MatterVersion, previous: MatterVersion | undefined) =>
  previous
    ? VERSIONED_FIELDS.filter(([k]) => JSON.stringify(v[k]) !== JSON.stringify(previous[k])).map(([, label]) => label)
    : null;

/** A matter's versions, newest first: when each took effect, who saved it, what it changed. */
function MatterHistory({ code, name, version }: { code: string; name: string; version?: number }) {
  const { t } = useTranslation();
  // Reloaded when the current version moves (a save from the form above).
  const history = useLoad(() => request('get', '/api/matters/{code}/versions', { params: { code } }), [code, version]);
  const rows = history.data;
  return (
    <div className="card matter-history" data-history={code}>
      <h2>{t('catalog.historyOf', { name })}</h2>
      <DataTable
        className="responsive"
        rows={rows}
        rowKey={(v) => String(v.version)}
        rowProps={(v) => ({ 'data-version': String(v.version) })}
        columns={[
          {
            header: t('catalog.version'),
            cell: (v) => (
              <>
                {t('catalog.versionN', { n: v.version })}
                {v.version === version && <small className="muted"> {t('catalog.current')}</small>}
              </>
            ),
          },
          { header: t('catalog.effectiveFrom'), cell: (v) => formatTime(v.effectiveFrom) },
          { header: t('catalog.changedBy'), cell: (v) => v.createdBy?.displayName ?? '—' },
          {
            header: t('catalog.changes'),
            cell: (v) => {
              const changed = changedFields(
                v,
                rows?.find((p) => p.version === v.version - 1),
              );
              if (changed === null) return t('catalog.firstVersion');
              return changed.length ? changed.map((label) => t(label as never)).join('、') : t('catalog.noChange');
            },
          },
          { header: t('fields.promised'), cell: (v) => `${v.promisedLimitDays} / ${v.statutoryLimitDays}` },
          { header: t('fields.fee'), cell: (v) => (v.fee?.amountFen ? yuan(v.fee.amountFen) : t('fields.free')) },
          { header: t('fields.materials'), cell: (v) => v.materials.join('；') || '—' },
          {
            header: t('fields.deemedConsent'),
            cell: (v) => (v.deemedConsent ? t('catalog.deemedConsent') : '—'),
          },
        ]}
      />
    </div>
  );
}

/** The departments stationed at the center. */
export function DepartmentsPage() {
  const { t } = useTranslation();
  const submit = useSubmit();
  const [dept, setDept] = useState({ code: '', name: '' });
  const departments = useDepartments();
  const err = useFieldError(submit.error);
  return (
    <section>
      <h1>{t('admin.departments')}</h1>
      <AdminTabs />
      <DataTable
        rows={departments.list}
        rowKey={(d) => d.code}
        columns={[
          { header: t('fields.name'), cell: (d) => d.name },
          { header: t('admin.code'), cell: (d) => <small className="code">{d.code}</small> },
        ]}
      />
      <div className="form card">
        <h2>{t('admin.newDepartment')}</h2>
        <Field label={t('fields.name')} error={err('name')}>
          <input name="name" value={dept.name} onChange={(e) => setDept({ ...dept, name: e.target.value })} />
        </Field>
        <Field label={t('admin.code')} hint={t('catalog.codeHint')} error={err('code')}>
          <input
            name="code"
            value={dept.code}
            onChange={(e) => setDept({ ...dept, code: e.target.value.toUpperCase() })}
          />
        </Field>
        <button
          type="button"
          disabled={submit.pending}
          onClick={() =>
            submit.submit({
              identity: ['department', dept],
              send: (key) => request('post', '/api/departments', { body: dept, idempotencyKey: key }),
              success: () => t('results.departmentSaved', { name: dept.name }),
              then: () => {
                setDept({ code: '', name: '' });
                reloadDepartments();
              },
              fields: ['code', 'name'],
            })
          }
        >
          {t('actions.save')}
        </button>
      </div>
    </section>
  );
}

/** The users and their roles. */
export function UsersPage() {
  const { t } = useTranslation();
  const submit = useSubmit();
  const [user, setUser] = useState({
    username: '',
    password: '',
    displayName: '',
    role: 'staff' as Role,
    departmentCode: '',
  });
  const departments = useDepartments();
  const users = useLoad(() => request('get', '/api/users'), []);
  const err = useFieldError(submit.error);
  const [reset, setReset] = useState<{ username: string; temporaryPassword: string | null }>();
  const [historyOf, setHistoryOf] = useState<string>();
  const shownHistory = users.data?.find((u) => u.id === historyOf);
  return (
    <section>
      <h1>{t('nav.users')}</h1>
      <AdminTabs />
      {reset && <TemporaryPassword reset={reset} onDismiss={() => setReset(undefined)} />}
      <DataTable
        className="responsive"
        rows={users.error && !users.data ? [] : users.data}
        rowKey={(u) => u.id}
        columns={[
          { header: t('fields.name'), cell: (u) => u.displayName },
          { header: t('login.username'), cell: (u) => u.username },
          { header: t('fields.role'), cell: (u) => t(`roles.${u.role}`) },
          {
            header: t('fields.department'),
            cell: (u) => (u.departmentCode ? departments.name(u.departmentCode) : '—'),
          },
          { header: t('account.accountState'), cell: (u) => t(u.disabled ? 'account.disabled' : 'account.active') },
          {
            header: '',
            cell: (u) => (
              <UserAccountActions
                user={u}
                onChanged={users.reload}
                onReset={setReset}
                historyOpen={historyOf === u.id}
                onHistory={() => setHistoryOf(historyOf === u.id ? undefined : u.id)}
              />
            ),
          },
        ]}
      />
      {shownHistory && <SignInHistory user={shownHistory} />}
      <div className="form card">
        <h2>{t('admin.createUser')}</h2>
        <Field label={t('login.username')} hint={t('admin.usernameHint')} error={err('username')}>
          <input
            name="username"
            value={user.username}
            onChange={(e) => setUser({ ...user, username: e.target.value })}
          />
        </Field>
        <Field label={t('login.password')} hint={t('admin.passwordHint')} error={err('password')}>
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            value={user.password}
            onChange={(e) => setUser({ ...user, password: e.target.value })}
          />
        </Field>
        <Field label={t('fields.name')} error={err('displayName')}>
          <input
            name="displayName"
            value={user.displayName}
            onChange={(e) => setUser({ ...user, displayName: e.target.value })}
          />
        </Field>
        <Field label={t('fields.role')}>
          <select name="role" value={user.role} onChange={(e) => setUser({ ...user, role: e.target.value as Role })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        {user.role === 'staff' && (
          <Field label={t('fields.department')} error={err('departmentCode')}>
            <select
              name="departmentCode"
              value={user.departmentCode}
              onChange={(e) => setUser({ ...user, departmentCode: e.target.value })}
            >
              <option value="">—</option>
              {departments.list.map((d) => (
                <option key={d.code} value={d.code}>
                  {d.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        <button
          type="button"
          disabled={submit.pending}
          onClick={() => {
            const body = {
              ...user,
              departmentCode: user.role === 'staff' && user.departmentCode ? user.departmentCode : undefined,
            };
            submit.submit({
              identity: ['user', body],
              send: (key) => request('post', '/api/users', { body, idempotencyKey: key }),
              success: () => t('results.userCreated', { name: user.displayName, role: t(`roles.${user.role}`) }),
              then: () => {
                setUser({ username: '', password: '', displayName: '', role: 'staff', departmentCode: '' });
                users.reload();
              },
              fields: ['username', 'password', 'displayName', 'departmentCode'],
            });
          }}
        >
          {t('admin.createUser')}
        </button>
      </div>
    </section>
  );
}
