import { useEffect, useRef, useState, type HTMLAttributes, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError, request } from './api';
import zhCN from './locales/zh-CN';
import type { Department, Light, Role } from './types';

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

export const formatTime = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '—';

export const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

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

/** Forget the cached departments (after the admin adds one). */
export const reloadDepartments = () => {
  departmentsPromise = undefined;
  for (const listener of [...departmentsChanged]) listener();
};

// ——— Errors in the reader's language ———

/** The refusals whose words belong next to one field of the form. */
const REASON_FIELD: Record<string, string> = {
  reason_required: 'reason',
  items_required: 'items',
  note_required: 'note',
  receipt_required: 'receiptNo',
  extension_days_invalid: 'workdays',
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
  const { reason, params, code, message } = error.body;
  if (isKnownReason(reason)) return { text: reasonText(t, reason, params ?? {}, departmentName) };
  return { text: t(`errorCodes.${code}`, code), detail: message };
}

/** The message for a form field: the API's detail for `body.<name>`, or a refusal that names it. */
export function useFieldError(error: unknown) {
  const { t } = useTranslation();
  const departments = useDepartments();
  return (name: string): string | undefined => {
    if (!(error instanceof ApiError)) return undefined;
    // A refusal naming this field, in the reader's language, before the API's (English) detail.
    const { reason } = error.body;
    if (reason && REASON_FIELD[reason] === name && isKnownReason(reason)) {
      return reasonText(t, reason, error.body.params ?? {}, departments.name);
    }
    return error.field(`body.${name}`) ?? error.field(`params.${name}`) ?? error.field(`query.${name}`);
  };
}

/**
 * The error of a request. `fields` are the fields the form shows with their own message: their
 * details (and refusals naming them) are shown there instead of here.
 */
export function ErrorBox({ error, fields = [] }: { error: unknown; fields?: string[] }) {
  const { t } = useTranslation();
  const departments = useDepartments();
  if (!error) return null;
  const shownAtField = (f: string) => fields.some((name) => f === `body.${name}` || f === `params.${name}`);
  if (error instanceof ApiError) {
    const { reason, details = [] } = error.body;
    const rest = details.filter((d) => !shownAtField(d.field));
    if (reason && REASON_FIELD[reason] && fields.includes(REASON_FIELD[reason])) return null;
    const { text, detail } = errorText(t, error, departments.name);
    return (
      <div className="error" role="alert">
        {text}
        {detail && detail !== text && <small className="error-detail"> · {detail}</small>}
        {rest.length > 0 && (
          <ul>
            {rest.map((d) => (
              <li key={d.field + d.message}>
                {d.field.replace(/^body\./, '')}: {d.message}
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

/** A field with its label and the API's message for it, if any. */
export function Field(props: { label: string; error?: string; children: ReactNode }) {
  return (
    <label className={`field${props.error ? ' field-invalid' : ''}`}>
      <span>{props.label}</span>
      {props.children}
      {props.error && <small className="field-error">{props.error}</small>}
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
