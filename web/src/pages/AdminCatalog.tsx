import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api';
import { ErrorBox, Field, useAction, useLoad, yuan } from '../components';

const blank = {
  code: '',
  name: '',
  departmentCode: '',
  caseType: 'promised',
  legalBasis: '',
  conditions: '',
  procedure: '',
  materials: '',
  statutoryLimitDays: '20',
  promisedLimitDays: '10',
  feeFen: '',
  feeBasis: '',
  prerequisites: '',
  stage: '1',
};

/** The matter catalog editor (the service guide's source); a prerequisite cycle is refused by the API with the cycle named. */
export function CatalogEditor() {
  const { t } = useTranslation();
  const [form, setForm] = useState(blank);
  const { error, pending, run } = useAction();
  const [saved, setSaved] = useState<string>();
  const matters = useLoad(() => api<any[]>('GET', '/api/matters'), []);
  const departments = useLoad(() => api<Array<{ code: string; name: string }>>('GET', '/api/departments'), []);
  const edit = (m: any) =>
    setForm({
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
      feeFen: m.fee ? String(m.fee.amountFen) : '',
      feeBasis: m.fee?.basis ?? '',
      prerequisites: m.prerequisites.join(','),
      stage: String(m.stage),
    });
  const save = () =>
    run(
      () =>
        api('PUT', `/api/matters/${encodeURIComponent(form.code)}`, {
          name: form.name,
          departmentCode: form.departmentCode,
          caseType: form.caseType,
          legalBasis: form.legalBasis,
          conditions: form.conditions,
          procedure: form.procedure,
          materials: form.materials
            .split('\n')
            .map((s) => s.trim())
            .filter(Boolean),
          statutoryLimitDays: Number(form.statutoryLimitDays),
          promisedLimitDays: Number(form.promisedLimitDays),
          fee: form.feeFen.trim() ? { amountFen: Number(form.feeFen), basis: form.feeBasis } : null,
          prerequisites: form.prerequisites
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
          stage: Number(form.stage),
        }),
      () => {
        setSaved(form.code);
        matters.reload();
      },
    );
  const err = (f: string) => (error instanceof ApiError ? error.field(f) : undefined);
  const text = (key: keyof typeof blank, label: string, area = false) => (
    <Field label={label} error={err(`body.${key}`) ?? (key === 'code' ? err('params.code') : undefined)}>
      {area ? (
        <textarea rows={2} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
      ) : (
        <input value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
      )}
    </Field>
  );
  return (
    <section>
      <h2>{t('admin.catalog')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('fields.matter')}</th>
            <th>{t('fields.department')}</th>
            <th>{t('fields.promised')}</th>
            <th>{t('fields.fee')}</th>
            <th>{t('fields.prerequisites')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(matters.data ?? []).map((m) => (
            <tr key={m.code}>
              <td>
                {m.name} <small>{m.code}</small>
              </td>
              <td>{m.departmentCode}</td>
              <td>
                {m.promisedLimitDays}/{m.statutoryLimitDays}
              </td>
              <td>{m.fee?.amountFen ? yuan(m.fee.amountFen) : t('fields.free')}</td>
              <td>{m.prerequisites.join('，') || '—'}</td>
              <td>
                <button type="button" className="secondary" onClick={() => edit(m)}>
                  {t('admin.edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form card">
        {text('code', t('admin.code'))}
        {text('name', t('fields.matter'))}
        <Field label={t('fields.department')} error={err('body.departmentCode')}>
          <select value={form.departmentCode} onChange={(e) => setForm({ ...form, departmentCode: e.target.value })}>
            <option value="">—</option>
            {(departments.data ?? []).map((d) => (
              <option key={d.code} value={d.code}>
                {d.name}
              </option>
            ))}
          </select>
        </Field>
        {text('legalBasis', t('fields.legalBasis'), true)}
        {text('conditions', t('fields.conditions'), true)}
        {text('procedure', t('fields.procedure'), true)}
        {text('materials', t('fields.materials'), true)}
        {text('promisedLimitDays', t('fields.promised'))}
        {text('statutoryLimitDays', t('fields.statutory'))}
        {text('feeFen', t('admin.feeFen'))}
        {text('feeBasis', t('admin.feeBasis'))}
        {text('prerequisites', t('fields.prerequisites'))}
        {text('stage', t('fields.stage'))}
        <button type="button" disabled={pending} onClick={save}>
          {t('actions.save')}
        </button>
        {saved && (
          <p className="notice" role="status">
            {saved} ✓
          </p>
        )}
        <ErrorBox error={error} />
      </div>
    </section>
  );
}

export function DepartmentsAndUsers() {
  const { t } = useTranslation();
  const { error, pending, run: act } = useAction();
  const [dept, setDept] = useState({ code: '', name: '' });
  const [user, setUser] = useState({ username: '', password: '', displayName: '', role: 'staff', departmentCode: '' });
  const departments = useLoad(() => api<Array<{ code: string; name: string }>>('GET', '/api/departments'), []);
  const users = useLoad(() => api<any[]>('GET', '/api/users'), []);
  const run = (path: string, body: unknown, after: () => void) => act(() => api('POST', path, body), after);
  const err = (f: string) => (error instanceof ApiError ? error.field(f) : undefined);
  return (
    <section>
      <h2>{t('admin.departments')}</h2>
      <ul>
        {(departments.data ?? []).map((d) => (
          <li key={d.code}>
            {d.code} · {d.name}
          </li>
        ))}
      </ul>
      <div className="toolbar">
        <input
          aria-label={t('admin.code')}
          placeholder={t('admin.code')}
          value={dept.code}
          onChange={(e) => setDept({ ...dept, code: e.target.value })}
        />
        <input
          aria-label={t('fields.name')}
          placeholder={t('fields.name')}
          value={dept.name}
          onChange={(e) => setDept({ ...dept, name: e.target.value })}
        />
        <button type="button" disabled={pending} onClick={() => run('/api/departments', dept, departments.reload)}>
          {t('actions.save')}
        </button>
      </div>
      <h2>{t('nav.users')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('login.username')}</th>
            <th>{t('fields.name')}</th>
            <th>{t('fields.role')}</th>
            <th>{t('fields.department')}</th>
          </tr>
        </thead>
        <tbody>
          {(users.data ?? []).map((u) => (
            <tr key={u.id}>
              <td>{u.username}</td>
              <td>{u.displayName}</td>
              <td>{t(`roles.${u.role}`)}</td>
              <td>{u.departmentCode ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form card">
        <Field label={t('login.username')} error={err('body.username')}>
          <input value={user.username} onChange={(e) => setUser({ ...user, username: e.target.value })} />
        </Field>
        <Field label={t('login.password')} error={err('body.password')}>
          <input
            type="password"
            value={user.password}
            onChange={(e) => setUser({ ...user, password: e.target.value })}
          />
        </Field>
        <Field label={t('fields.name')} error={err('body.displayName')}>
          <input value={user.displayName} onChange={(e) => setUser({ ...user, displayName: e.target.value })} />
        </Field>
        <Field label={t('fields.role')}>
          <select value={user.role} onChange={(e) => setUser({ ...user, role: e.target.value })}>
            {['officer', 'staff', 'supervisor', 'cashier', 'admin'].map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        {user.role === 'staff' && (
          <Field label={t('fields.department')} error={err('body.departmentCode')}>
            <select value={user.departmentCode} onChange={(e) => setUser({ ...user, departmentCode: e.target.value })}>
              <option value="">—</option>
              {(departments.data ?? []).map((d) => (
                <option key={d.code} value={d.code}>
                  {d.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        <button
          type="button"
          disabled={pending}
          onClick={() =>
            run(
              '/api/users',
              {
                ...user,
                departmentCode: user.role === 'staff' && user.departmentCode ? user.departmentCode : undefined,
              },
              users.reload,
            )
          }
        >
          {t('admin.createUser')}
        </button>
        <ErrorBox error={error} />
      </div>
    </section>
  );
}
