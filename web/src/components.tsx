import {
  cloneElement,
  isValidElement,
  useEffect,
  useId,
  useRef,
  useState,
  type HTMLAttributes,
  type ReactElement,
  type ReactNode,
} from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { PasswordRule } from '../../domain/password-policy';
import { ApiError, request, type ApiErrorDetail } from './api';
import zhCN from './locales/zh-CN';
import type { Department, Light, Matter, Role } from './types';

type Keys<K extends keyof typeof zhCN> = keyof (typeof zhCN)[K];

export function LightBadge({ light }: { light: Light }) {
  const { t } = useTranslation();
  return (
    <span className={`light light-${light}`} data-light={light}>
      {t(`light.${light}`)}
    </span>
  );
}

export type StatusKey = Keys<'status'>;

export function StatusBadge({ status }: { status: StatusKey }) {
  const { t } = useTranslation();
  return <span className={`status status-${status}`}>{t(`status.${status}`)}</span>;
}

const shanghaiParts = (iso: string) => {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
};

/** Every time the UI shows is Beijing time (Asia/Shanghai), whatever the PC's own time zone: YYYY-MM-DD HH:mm. */
export const formatTime = (iso: string | null | undefined) => {
  if (!iso) return '—';
  const { date, time } = shanghaiParts(iso);
  return `${date} ${time}`;
};

/** The calendar date in Beijing, YYYY-MM-DD. */
export const formatDate = (iso: string | null | undefined) => (iso ? shanghaiParts(iso).date : '—');

/**
 * A deadline as the center says it: the date when it falls at the end (or start) of a day, the
 * date and time otherwise (the training clock's deadlines fall within the day).
 */
export const formatDeadline = (iso: string | null | undefined) => {
  if (!iso) return '—';
  const { date, time } = shanghaiParts(iso);
  return time === '23:59' || time === '00:00' ? date : `${date} ${time}`;
};

export const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/** Yuan typed by a person ("200", "1,200.5") as fen, or null when it is not an amount. */
export const fenOf = (yuanText: string): number | null => {
  const clean = yuanText.replace(/[,，\s¥￥]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(clean)) return null;
  return Math.round(Number(clean) * 100);
};

// ——— Departments by name ———

let departmentsPromise: Promise<Department[]> | undefined;
const departmentsChanged = new Set<() => void>();

/** The departments ({code, name}), loaded once per page load; `name(code)` falls back to the code. */
export function useDepartments() {
  const [list, setList] = useState<Department[]>([]);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const listener = () => setVersion((v) => v + 1);
    departmentsChanged.add(listener);
    return () => {
      departmentsChanged.delete(listener);
    };
  }, []);
  useEffect(() => {
    let live = true;
    departmentsPromise ??= request('get', '/api/departments').catch((e: unknown) => {
      departmentsPromise = undefined;
      throw e;
    });
    departmentsPromise.then(
      (d) => live && setList(d),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [version]);
  const byCode = new Map(list.map((d) => [d.code, d.name]));
  return { list, name: (code: string | null | undefined) => (code ? (byCode.get(code) ?? code) : '—') };
}

// ——— Matters by name ———

let mattersPromise: Promise<Matter[]> | undefined;
const mattersChanged = new Set<() => void>();

/** The catalog, loaded once per page load; `name(code)` falls back to the code. */
export function useMatters() {
  const [list, setList] = useState<Matter[]>([]);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const listener = () => setVersion((v) => v + 1);
    mattersChanged.add(listener);
    return () => {
      mattersChanged.delete(listener);
    };
  }, []);
  useEffect(() => {
    let live = true;
    mattersPromise ??= request('get', '/api/matters').catch((e: unknown) => {
      mattersPromise = undefined;
      throw e;
    });
    mattersPromise.then(
      (d) => live && setList(d),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [version]);
  const byCode = new Map(list.map((m) => [m.code, m]));
  return {
    list,
    loaded: list.length > 0,
    find: (code: string) => byCode.get(code),
    name: (code: string | null | undefined) => (code ? (byCode.get(code)?.name ?? code) : '—'),
  };
}

/** Forget the cached catalog (after the admin saves a matter). */
export const reloadMatters = () => {
  mattersPromise = undefined;
  for (const listener of [...mattersChanged]) listener();
};

/** A name with its code as secondary text: 企业投资项目备案 <small>PROJECT-FILING</small>. */
export function Named({ name, code }: { name: string | null | undefined; code?: string | null }) {
  return (
    <>
      {name ?? code ?? '—'}
      {code && name && name !== code && <small className="code"> {code}</small>}
    </>
  );
}

/** Forget the cached departments (after the admin adds one). */
export const reloadDepartments = () => {
  departmentsPromise = undefined;
  for (const listener of [...departmentsChanged]) listener();
};

// ——— Errors in the reader's language ———

/** The refusals whose words belong next to one field of the form. */
export const REASON_FIELD: Record<string, string> = {
  reason_required: 'reason',
  items_required: 'items',
  note_required: 'note',
  receipt_required: 'receiptNo',
  extension_days_invalid: 'workdays',
  extension_exceeds_legal_cap: 'workdays',
  head_approval_required: 'approvedBy',
  approver_required: 'approvedBy',
  answer_required: 'answer',
  invite_required: 'invitedDepartments',
};

/** The refusal codes the UI translates (every locale has the same keys as zh-CN). */
const isKnownReason = (reason: string | undefined): reason is Keys<'reasons'> =>
  !!reason && Object.hasOwn(zhCN.reasons, reason);

/** The refusal in words, its parameters shown as a person reads them (Beijing time, yuan, names). */
export function reasonText(
  t: TFunction,
  reason: Keys<'reasons'>,
  params: Record<string, string | number>,
  departmentName: (code: string) => string,
): string {
  const p: Record<string, string | number> = { ...params };
  if (typeof params.status === 'string') p.status = t(`status.${params.status as StatusKey}`, params.status);
  if (typeof params.amountFen === 'number') p.amount = yuan(params.amountFen);
  if (typeof params.nextAllowedAt === 'string') p.nextAllowedAt = formatTime(params.nextAllowedAt);
  if (typeof params.departmentCode === 'string') p.department = departmentName(params.departmentCode);
  if (typeof params.role === 'string') p.role = t(`roles.${params.role as Role}`, params.role);
  return t(`reasons.${reason}`, p);
}

/** A refusal code with parameters in words; an unknown code as it is. */
export function refusalText(
  t: TFunction,
  refusal: { reason: string; params?: Record<string, string | number> },
  departmentName: (code: string) => string,
): string {
  return isKnownReason(refusal.reason)
    ? reasonText(t, refusal.reason, refusal.params ?? {}, departmentName)
    : refusal.reason;
}

/** The words for a form field the API names (`body.investor.phone` → 联系电话). */
const FIELD_LABELS: Record<string, Keys<'fields'> | `actions.${Keys<'actions'>}`> = {
  'investor.name': 'investorName',
  'investor.creditCode': 'creditCode',
  'investor.contactName': 'contact',
  'investor.phone': 'phone',
  'project.name': 'projectName',
  'project.code': 'projectCode',
  'project.investmentWanYuan': 'investment',
  'project.location': 'location',
  'project.industry': 'industry',
  matters: 'matter',
  reason: 'actions.reason',
  items: 'actions.items',
  note: 'note',
  certificateNo: 'actions.certificateNo',
  workdays: 'actions.workdays',
  approvedBy: 'approvedBy',
  deemedConsent: 'deemedConsent',
  message: 'message',
  receiptNo: 'receiptNo',
  assigneeId: 'assignee',
  date: 'date',
  name: 'name',
  code: 'code',
  departmentCode: 'department',
  prerequisites: 'prerequisites',
  promisedLimitDays: 'promised',
  statutoryLimitDays: 'statutory',
  legalBasis: 'legalBasis',
  conditions: 'conditions',
  procedure: 'procedure',
  materials: 'materials',
  stage: 'stage',
  fee: 'fee',
  'fee.amountFen': 'fee',
  'fee.basis': 'feeBasis',
  username: 'username',
  password: 'password',
  displayName: 'name',
  role: 'role',
  answer: 'answer',
  topic: 'topic',
  reply: 'reply',
  replyWorkdays: 'replyWorkdays',
  stepId: 'step',
  scheduledAt: 'at',
  location: 'location',
  invitedDepartments: 'department',
};

const bareField = (field: string) => field.replace(/^(body|query|params)\./, '');

/** The label of the field an API detail names, in the reader's language (else the path). */
export function fieldLabel(t: TFunction, field: string): string {
  const bare = bareField(field);
  const key = FIELD_LABELS[bare] ?? FIELD_LABELS[bare.replace(/\.\d+$/, '')];
  if (!key) return bare;
  return key.startsWith('actions.') ? t(key as `actions.${Keys<'actions'>}`) : t(`fields.${key as Keys<'fields'>}`);
}

/**
 * One problem of a field in the reader's language, from the detail's stable code and parameters
 * (api/validate.ts): field-specific words for the identifiers (credit code, phone, project code),
 * generic words for bounds and formats, the API's own (English) message only as the last resort.
 */
export function detailText(t: TFunction, d: ApiErrorDetail): string {
  const field = bareField(d.field);
  const p = d.params ?? {};
  const last = field.split('.').pop() ?? field;
  switch (d.code) {
    case 'custom':
      if (last === 'creditCode' && typeof p.problem === 'string')
        return t(`validation.creditCode_${p.problem as 'length' | 'alphabet' | 'check'}`);
      // The password policy (domain/password-policy.ts) and the current password's check.
      if (/^(password|newPassword|currentPassword)$/.test(last) && typeof p.problem === 'string')
        return t(`validation.password_${p.problem as PasswordRule | 'wrong_password'}`, {
          n: p.minimum ?? p.maximum ?? '',
        });
      if (p.problem === 'own_account') return t('reasons.own_account');
      if (p.problem === 'step_or_department') return t('validation.stepOrDepartment');
      if (last === 'reason') return t('validation.reasonRequired');
      if (last === 'promisedLimitDays') return t('validation.promisedOverStatutory');
      if (last === 'departmentCode') return t('validation.staffDepartment');
      if (last === 'matters' || last === 'invitedDepartments') return t('validation.unique');
      return t('validation.invalid');
    case 'invalid_format':
      if (last === 'phone') return t('validation.phone');
      if (field === 'project.code') return t('validation.projectCode');
      if (p.format === 'email') return t('validation.email');
      if (p.format === 'date') return t('validation.date');
      if (p.format === 'datetime') return t('validation.datetime');
      if (last === 'username') return t('validation.username');
      if (last === 'code' || last === 'departmentCode' || field.startsWith('prerequisites'))
        return t('validation.code');
      return t('validation.format');
    case 'too_small':
      if (p.origin === 'string')
        return Number(p.minimum) <= 1 ? t('validation.required') : t('validation.minLength', { n: p.minimum });
      if (p.origin === 'array')
        return last === 'matters' ? t('validation.chooseMatter') : t('validation.minItems', { n: p.minimum });
      return t('validation.min', { n: p.minimum });
    case 'too_big':
      if (p.origin === 'string') return t('validation.maxLength', { n: p.maximum });
      if (p.origin === 'array') return t('validation.maxItems', { n: p.maximum });
      return t('validation.max', { n: p.maximum });
    case 'invalid_type':
      return /received undefined/.test(d.message) ? t('validation.required') : t('validation.type');
    case 'invalid_value':
      return t('validation.choice');
    case 'unrecognized_keys':
      return t('validation.unknownField');
    case 'prerequisite_cycle':
      return t('validation.cycle', { cycle: String(p.cycle ?? '') });
    case 'unknown_matter':
      return t('validation.unknownMatter', { code: String(p.matterCode ?? '') });
    case 'unknown_department':
      return t('validation.unknownDepartment');
    case 'unknown_assignee':
      return t('validation.unknownAssignee');
    case 'code_mismatch':
      return t('validation.codeMismatch');
    default:
      return d.message === 'unknown field' ? t('validation.unknownField') : d.message;
  }
}

/** What to tell the user about an error: the translated refusal, else the code and the API's message. */
export function errorText(
  t: TFunction,
  error: unknown,
  departmentName: (code: string) => string,
): { text: string; detail?: string } {
  if (!(error instanceof ApiError)) {
    return error instanceof TypeError
      ? { text: t('errorCodes.network') }
      : { text: typeof error === 'string' ? error : String(error) };
  }
  const { reason, params, code, message, details } = error.body;
  if (isKnownReason(reason)) return { text: reasonText(t, reason, params ?? {}, departmentName) };
  // Field problems are worded field by field; the English summary adds nothing.
  if (code === 'invalid_request' && details?.length) return { text: t('errorCodes.invalid_request') };
  return { text: t(`errorCodes.${code}`, code), detail: message };
}

/** The message for a form field: a refusal that names it, else the API's details for `body.<name>`, in words. */
export function useFieldError(error: unknown) {
  const { t } = useTranslation();
  const departments = useDepartments();
  return (name: string): string | undefined => {
    if (!(error instanceof ApiError)) return undefined;
    const { reason } = error.body;
    if (reason && REASON_FIELD[reason] === name && isKnownReason(reason)) {
      return reasonText(t, reason, error.body.params ?? {}, departments.name);
    }
    const details = (error.body.details ?? []).filter((d) => bareField(d.field) === name || d.field === name);
    return details.length ? [...new Set(details.map((d) => detailText(t, d)))].join('；') : undefined;
  };
}

/**
 * The error of a request. `fields` are the fields the form shows with their own message: their
 * details (and refusals naming them) are shown there; this box then only says to look at them.
 */
export function ErrorBox({ error, fields = [] }: { error: unknown; fields?: string[] }) {
  const { t } = useTranslation();
  const departments = useDepartments();
  if (!error) return null;
  const shownAtField = (f: string) => fields.includes(bareField(f));
  if (error instanceof ApiError) {
    const { reason, details = [] } = error.body;
    const rest = details.filter((d) => !shownAtField(d.field));
    const atFields = details.length - rest.length;
    const reasonAtField = !!reason && !!REASON_FIELD[reason] && fields.includes(REASON_FIELD[reason]);
    const { text, detail } = errorText(t, error, departments.name);
    return (
      <div className="error" role="alert">
        {reasonAtField || (atFields > 0 && rest.length === 0) ? t('validation.seeFields') : text}
        {detail && detail !== text && !reasonAtField && <small className="error-detail"> · {detail}</small>}
        {rest.length > 0 && (
          <ul>
            {rest.map((d) => (
              <li key={d.field + d.message}>
                {fieldLabel(t, d.field)}：{detailText(t, d)}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <div className="error" role="alert">
      {errorText(t, error, departments.name).text}
    </div>
  );
}

/**
 * A field with its label, an optional hint and its error (API or form check), linked to the
 * control for screen readers (aria-invalid, aria-describedby).
 */
export function Field(props: { label: string; error?: string; hint?: string; children: ReactNode }) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const control = isValidElement(props.children)
    ? cloneElement(props.children as ReactElement<Record<string, unknown>>, {
        'aria-invalid': props.error ? true : undefined,
        'aria-describedby': describedBy,
      })
    : props.children;
  return (
    <label className={`field${props.error ? ' field-invalid' : ''}`}>
      <span>{props.label}</span>
      {control}
      {props.hint && (
        <small id={hintId} className="field-hint">
          {props.hint}
        </small>
      )}
      {props.error && (
        <small id={errorId} className="field-error">
          {props.error}
        </small>
      )}
    </label>
  );
}

// ——— The one table ———

export interface Column<T> {
  /** The header's words; empty for a column of buttons. */
  header: ReactNode;
  cell: (row: T) => ReactNode;
  className?: string;
}

/**
 * Every table of the UI: a header, one row per item, "loading" until the first answer and an
 * empty message when there is nothing. `rowProps` adds attributes to a row (data-step for tests).
 */
/**
 * Previous / next through a list the API serves a page at a time. With `pages` (the total is
 * known) it says "page 2 of 5"; without, a full page means there may be another.
 */
export function Pager(props: { page: number; pages?: number; hasNext?: boolean; onPage: (page: number) => void }) {
  const { t } = useTranslation();
  const { page, pages, onPage } = props;
  const hasNext = pages !== undefined ? page < pages : Boolean(props.hasNext);
  if (page <= 1 && !hasNext) return null;
  return (
    <nav className="toolbar pager" aria-label={t('list.pages')}>
      <button type="button" className="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('list.previous')}
      </button>
      <span>{pages !== undefined ? t('list.page', { page, pages }) : t('list.pageOnly', { page })}</span>
      <button type="button" className="secondary" disabled={!hasNext} onClick={() => onPage(page + 1)}>
        {t('list.next')}
      </button>
    </nav>
  );
}

/** Rows per page of the work lists (inbox, done, board): a page the API serves from one index range. */
export const WORK_LIST_PAGE_SIZE = 50;

export function DataTable<T>(props: {
  columns: Array<Column<T>>;
  rows: T[] | undefined;
  rowKey: (row: T) => string;
  empty?: string;
  className?: string;
  rowProps?: (row: T) => HTMLAttributes<HTMLTableRowElement> & Record<`data-${string}`, string>;
}) {
  const { t } = useTranslation();
  const { columns, rows } = props;
  if (rows === undefined)
    return (
      <p className="loading" aria-busy="true">
        {t('more.loading')}
      </p>
    );
  if (rows.length === 0) return <p className="empty">{props.empty ?? t('more.noRows')}</p>;
  return (
    <table className={props.className}>
      <thead>
        <tr>
          {columns.map((c, i) => (
            <th key={i} className={c.className}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={props.rowKey(row)} {...props.rowProps?.(row)}>
            {columns.map((c, i) => (
              <td key={i} className={c.className}>
                {c.cell(row)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// ——— Loading and actions ———

/** Loads data, reloads it every `refreshMs` (lights change by themselves), and reports errors. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], refreshMs = 0) {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => {
        if (live) {
          setData(d);
          setError(undefined);
        }
      },
      (e: unknown) => {
        if (live) setError(e);
      },
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  useEffect(() => {
    if (!refreshMs) return;
    const timer = setInterval(() => setTick((n) => n + 1), refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs]);
  return { data, error, reload: () => setTick((n) => n + 1) };
}

/**
 * Runs an action from a button: keeps its error for display and, on success, runs `then` (on
 * failure `otherwise`). `pending` is true while the request is out; buttons show it as disabled,
 * and a second run meanwhile (a double click) does nothing.
 */
export function useAction() {
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  const busy = useRef(false);
  const run = async <T,>(
    call: () => Promise<T>,
    then?: (result: T) => void,
    otherwise?: (error: unknown) => void,
  ): Promise<void> => {
    if (busy.current) return;
    busy.current = true;
    setPending(true);
    try {
      const result = await call();
      setError(undefined);
      then?.(result);
    } catch (e) {
      setError(e);
      otherwise?.(e);
    } finally {
      busy.current = false;
      setPending(false);
    }
  };
  return { error, pending, run, clear: () => setError(undefined) };
}
