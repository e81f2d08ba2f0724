import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api';

export function LightBadge({ light }: { light: string }) {
  const { t } = useTranslation();
  return (
    <span className={`light light-${light}`} data-light={light}>
      {t(`light.${light}`)}
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return <span className={`status status-${status}`}>{t(`status.${status}`)}</span>;
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof ApiError ? error.body.message : String(error);
  const details = error instanceof ApiError ? (error.body.details ?? []) : [];
  return (
    <div className="error" role="alert">
      {message}
      {details.length > 0 && (
        <ul>
          {details.map((d) => (
            <li key={d.field + d.message}>
              {d.field}: {d.message}
            </li>
          ))}
        </ul>
      )}
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

export const formatTime = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '—';

export const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/** Loads data, reloads it every `refreshMs` (lights change by themselves), and reports errors. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], refreshMs = 0) {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => live && (setData(d), setError(undefined)),
      (e: unknown) => live && setError(e),
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
  return { error, pending, run };
}
