import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { request } from '../api';
import {
  DataTable,
  ErrorBox,
  Field,
  reloadDepartments,
  useAction,
  useDepartments,
  useFieldError,
  useLoad,
  yuan,
} from '../components';
import type { Matter, Role } from '../types';

const ROLES: Role[] = ['officer', 'staff', 'supervisor', 'cashier', 'admin'];

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
  const matters = useLoad(() => request('get', '/api/matters'), []);
  const departments = useDepartments();
  const edit = (m: Matter) =>
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
        request('put', '/api/matters/{code}', {
          params: { code: form.code },
          body: {
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
          },
        }),
      () => {
        setSaved(form.code);
        matters.reload();
      },
    );
  const err = useFieldError(error);
  const text = (key: Exclude<keyof typeof blank, 'caseType'>, label: string, area = false) => (
    <Field label={label} error={err(key)}>
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
      <DataTable
        rows={matters.error && !matters.data ? [] : matters.data}
        rowKey={(m) => m.code}
        columns={[
          {
            header: t('fields.matter'),
            cell: (m) => (
              <>
                {m.name} <small>{m.code}</small>
              </>
            ),
          },
          { header: t('fields.department'), cell: (m) => departments.name(m.departmentCode) },
          { header: t('fields.promised'), cell: (m) => `${m.promisedLimitDays}/${m.statutoryLimitDays}` },
          { header: t('fields.fee'), cell: (m) => (m.fee?.amountFen ? yuan(m.fee.amountFen) : t('fields.free')) },
          { header: t('fields.prerequisites'), cell: (m) => m.prerequisites.join('，') || '—' },
          {
            header: '',
            cell: (m) => (
              <button type="button" className="secondary" onClick={() => edit(m)}>
                {t('admin.edit')}
              </button>
            ),
          },
        ]}
      />
      <div className="form card">
        {text('code', t('admin.code'))}
        {text('name', t('fields.matter'))}
        <Field label={t('fields.department')} error={err('departmentCode')}>
          <select value={form.departmentCode} onChange={(e) => setForm({ ...form, departmentCode: e.target.value })}>
            <option value="">—</option>
            {departments.list.map((d) => (
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
        <ErrorBox error={error} fields={Object.keys(blank)} />
      </div>
    </section>
  );
}

export function DepartmentsAndUsers() {
  const { t } = useTranslation();
  const { error, pending, run: act } = useAction();
  const [dept, setDept] = useState({ code: '', name: '' });
  const [user, setUser] = useState({
    username: '',
    password: '',
    displayName: '',
    role: 'staff' as Role,
    departmentCode: '',
  });
  const departments = useDepartments();
  const users = useLoad(() => request('get', '/api/users'), []);
  const err = useFieldError(error);
  return (
    <section>
      <h2>{t('admin.departments')}</h2>
      <ul>
        {departments.list.map((d) => (
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
        <button
          type="button"
          disabled={pending}
          onClick={() => act(() => request('post', '/api/departments', { body: dept }), reloadDepartments)}
        >
          {t('actions.save')}
        </button>
      </div>
      <h2>{t('nav.users')}</h2>
      <DataTable
        rows={users.error && !users.data ? [] : users.data}
        rowKey={(u) => u.id}
        columns={[
          { header: t('login.username'), cell: (u) => u.username },
          { header: t('fields.name'), cell: (u) => u.displayName },
          { header: t('fields.role'), cell: (u) => t(`roles.${u.role}`) },
          {
            header: t('fields.department'),
            cell: (u) => (u.departmentCode ? departments.name(u.departmentCode) : '—'),
          },
        ]}
      />
      <div className="form card">
        <Field label={t('login.username')} error={err('username')}>
          <input value={user.username} onChange={(e) => setUser({ ...user, username: e.target.value })} />
        </Field>
        <Field label={t('login.password')} error={err('password')}>
          <input
            type="password"
            value={user.password}
            onChange={(e) => setUser({ ...user, password: e.target.value })}
          />
        </Field>
        <Field label={t('fields.name')} error={err('displayName')}>
          <input value={user.displayName} onChange={(e) => setUser({ ...user, displayName: e.target.value })} />
        </Field>
        <Field label={t('fields.role')}>
          <select value={user.role} onChange={(e) => setUser({ ...user, role: e.target.value as Role })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`roles.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        {user.role === 'staff' && (
          <Field label={t('fields.department')} error={err('departmentCode')}>
            <select value={user.departmentCode} onChange={(e) => setUser({ ...user, departmentCode: e.target.value })}>
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
          disabled={pending}
          onClick={() =>
            act(
              () =>
                request('post', '/api/users', {
                  body: {
                    ...user,
                    departmentCode: user.role === 'staff' && user.departmentCode ? user.departmentCode : undefined,
                  },
                }),
              users.reload,
            )
          }
        >
          {t('admin.createUser')}
        </button>
        <ErrorBox error={error} fields={['username', 'password', 'displayName', 'departmentCode']} />
      </div>
    </section>
  );
}
