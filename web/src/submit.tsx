// Every change a user submits goes through `useSubmit`: an irreversible one first asks in a
// confirmation dialog that says what will happen (role=dialog, focus kept inside, Esc cancels);
// the button is disabled while the request runs and a second click meanwhile does nothing; each
// submission carries its own Idempotency-Key, kept for the retry of the same submission when the
// answer was lost (network, 5xx) and dropped after a definite answer; and the result is told in a
// message that stays until dismissed or replaced (role=status, focus moved to it), built from the
// answer. A new error replaces an earlier success, never stands beside it.
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router-dom';
import { ApiError, isUnsettled, newIdempotencyKey } from './api';
import { ErrorBox, Field, REASON_FIELD, useFieldError } from './components';

// ——— The result message ———

/** What an action tells: a success in words, or the error (with the fields that show their own part). */
export type ResultInput =
  { kind: 'success'; text: string; path?: string } | { kind: 'error'; error: unknown; fields: string[]; path?: string };
export type Result = ResultInput & { id: number };

type ResultSink = { show: (r: ResultInput | undefined) => void };
const ResultContext = createContext<ResultSink | null>(null);

let resultIds = 0;

/**
 * Where a page's results appear (the top of the page). A result stays until dismissed or replaced;
 * leaving for another page clears it, except a result addressed to the page an action opens
 * (`path`), such as the application a launch created.
 */
export function ResultScope({ children }: { children: ReactNode }) {
  const [result, setResult] = useState<Result>();
  const { pathname } = useLocation();
  const seen = useRef(pathname);
  useEffect(() => {
    if (seen.current === pathname) return;
    seen.current = pathname;
    setResult((r) => (r && r.path === pathname ? r : undefined));
  }, [pathname]);
  const show = useCallback(
    (r: ResultInput | undefined) => setResult(r ? ({ ...r, id: ++resultIds } as Result) : undefined),
    [],
  );
  return (
    <ResultContext.Provider value={{ show }}>
      <ResultMessage result={result} onDismiss={() => setResult(undefined)} />
      {children}
    </ResultContext.Provider>
  );
}

/** The message of the latest result; focus moves to it when it changes, for screen readers and keyboards. */
export function ResultMessage({ result, onDismiss }: { result: Result | undefined; onDismiss: () => void }) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (result) box.current?.focus();
  }, [result?.id]);
  return (
    <div className="result-area">
      {result && (
        <div className={`result result-${result.kind}`} data-result={result.kind}>
          <div
            ref={box}
            tabIndex={-1}
            className="result-text"
            role={result.kind === 'success' ? 'status' : undefined}
            aria-live={result.kind === 'success' ? 'polite' : undefined}
          >
            {result.kind === 'success' ? (
              <>✓ {result.text}</>
            ) : (
              <ErrorBox error={result.error} fields={result.fields} />
            )}
          </div>
          <button type="button" className="link dismiss" onClick={onDismiss} aria-label={t('submit.dismiss')}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}

// ——— The confirmation dialog ———

/** A field of the dialog itself (a withdrawal reason, an urge message, extension days). */
export interface DialogInput {
  name: string;
  label: string;
  kind?: 'text' | 'textarea' | 'number';
  initial?: string;
  required?: boolean;
  min?: number;
  max?: number;
  hint?: string;
}

export interface Confirmation {
  title: string;
  /** What will happen, line by line (may read the dialog's own inputs). */
  lines: (values: Record<string, string>) => ReactNode[];
  confirmLabel: string;
  danger?: boolean;
  inputs?: DialogInput[];
  /** A warning shown above the buttons (an approval without certificate number, …). */
  warning?: ReactNode;
}

const CLICK_GUARD_MS = 400;

function ConfirmDialog(props: {
  confirmation: Confirmation;
  pending: boolean;
  error: unknown;
  onConfirm: (values: Record<string, string>) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const { confirmation: c, pending } = props;
  const titleId = useId();
  const bodyId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const openedAt = useRef(Date.now());
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries((c.inputs ?? []).map((i) => [i.name, i.initial ?? ''])),
  );
  const [missing, setMissing] = useState<string[]>([]);
  const fieldError = useFieldError(props.error);
  useEffect(() => {
    // Focus the first field, else the safe choice (cancel) for a destructive action, else confirm.
    const root = dialog.current;
    const first =
      root?.querySelector<HTMLElement>('input, textarea') ??
      root?.querySelector<HTMLElement>(c.danger ? 'button.cancel' : 'button.confirm');
    first?.focus();
  }, []);
  const confirm = () => {
    // The second click of a double click on the button that opened the dialog does not confirm it.
    if (pending || Date.now() - openedAt.current < CLICK_GUARD_MS) return;
    const empty = (c.inputs ?? []).filter((i) => i.required && !values[i.name]?.trim()).map((i) => i.name);
    setMissing(empty);
    if (empty.length > 0) {
      dialog.current?.querySelector<HTMLElement>(`[name="${empty[0]}"]`)?.focus();
      return;
    }
    props.onConfirm(values);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      if (!pending) props.onCancel();
      return;
    }
    if (e.key !== 'Tab') return;
    // Focus stays inside the dialog.
    const focusable = [
      ...(dialog.current?.querySelectorAll<HTMLElement>('input, textarea, select, button:not([disabled])') ?? []),
    ];
    if (focusable.length === 0) return;
    const first = focusable[0]!;
    const last = focusable[focusable.length - 1]!;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };
  return (
    <div className="dialog-backdrop">
      <div
        ref={dialog}
        className={`dialog${c.danger ? ' dialog-danger' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId}>{c.title}</h2>
        <div id={bodyId} className="dialog-body">
          {c.lines(values).map((line, i) => (
            <p key={i}>{line}</p>
          ))}
        </div>
        {(c.inputs ?? []).map((i) => (
          <Field
            key={i.name}
            label={i.label}
            hint={i.hint}
            error={missing.includes(i.name) ? t('validation.required') : fieldError(i.name)}
          >
            {i.kind === 'textarea' ? (
              <textarea
                name={i.name}
                rows={3}
                value={values[i.name]}
                onChange={(e) => setValues({ ...values, [i.name]: e.target.value })}
              />
            ) : (
              <input
                name={i.name}
                type={i.kind === 'number' ? 'number' : 'text'}
                min={i.min}
                max={i.max}
                value={values[i.name]}
                onChange={(e) => setValues({ ...values, [i.name]: e.target.value })}
              />
            )}
          </Field>
        ))}
        {c.warning && <p className="notice dialog-warning">{c.warning}</p>}
        <div className="dialog-buttons">
          <button type="button" className="secondary cancel" disabled={pending} onClick={props.onCancel}>
            {t('submit.cancel')}
          </button>
          <button
            type="button"
            className={`confirm${c.danger ? ' danger' : ''}`}
            disabled={pending}
            aria-busy={pending}
            onClick={confirm}
          >
            {pending ? t('submit.pending') : c.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}

// ——— The submission ———

export interface Submission<T> {
  /** Asks first in a dialog; without it the request goes at once. */
  confirm?: Confirmation;
  /** What identifies this submission (its body): sending the same again after a lost answer is its retry. */
  identity: unknown;
  /** The request, with this submission's Idempotency-Key and the dialog's inputs. */
  send: (idempotencyKey: string, values: Record<string, string>) => Promise<T>;
  /** The result message, from the answer. */
  success: (answer: T, values: Record<string, string>) => string;
  /** Where the success message is to be read, when the action opens another page. */
  successPath?: (answer: T) => string;
  then?: (answer: T) => void;
  otherwise?: (error: unknown) => void;
  /** The form fields that show their own errors (the rest go into the message). */
  fields?: string[];
}

/**
 * One form's submissions. `submit` opens the dialog (if the submission asks first) and sends;
 * `pending` disables the form's buttons; `error` is the latest error, for the fields that show
 * their own message; `dialog` is to be rendered by the form.
 */
export function useSubmit() {
  const sink = useContext(ResultContext);
  const [local, setLocal] = useState<Result>();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const [asking, setAsking] = useState<Submission<any>>();
  const busy = useRef(false);
  const unsettled = useRef<{ identity: string; key: string } | undefined>(undefined);
  const returnFocus = useRef<HTMLElement | null>(null);
  const restoreFocus = useRef(false);
  // A cancelled dialog gives the focus back to what opened it, once that is enabled again.
  useEffect(() => {
    if (asking || !restoreFocus.current) return;
    restoreFocus.current = false;
    returnFocus.current?.focus();
  }, [asking]);
  const show = (r: ResultInput | undefined) =>
    sink ? sink.show(r) : setLocal(r ? ({ ...r, id: ++resultIds } as Result) : undefined);

  const send = async <T,>(s: Submission<T>, values: Record<string, string>) => {
    if (busy.current) return;
    busy.current = true;
    setPending(true);
    const identity = JSON.stringify([s.identity, values]);
    const key = unsettled.current?.identity === identity ? unsettled.current.key : newIdempotencyKey();
    unsettled.current = { identity, key };
    try {
      const answer = await s.send(key, values);
      unsettled.current = undefined;
      setError(undefined);
      setAsking(undefined);
      show({ kind: 'success', text: s.success(answer, values), path: s.successPath?.(answer) });
      s.then?.(answer);
    } catch (e) {
      if (!isUnsettled(e)) unsettled.current = undefined;
      setError(e);
      // An error about one of the dialog's own fields stays in the dialog, next to that field.
      const inDialog =
        e instanceof ApiError &&
        (s.confirm?.inputs ?? []).some(
          (i) => e.field(`body.${i.name}`) !== undefined || fieldOfReason(e.body.reason) === i.name,
        );
      if (!inDialog) {
        setAsking(undefined);
        show({ kind: 'error', error: e, fields: s.fields ?? [] });
      }
      s.otherwise?.(e);
    } finally {
      busy.current = false;
      setPending(false);
    }
  };

  return {
    pending: pending || asking !== undefined,
    /** True only while a request runs. */
    sending: pending,
    error,
    /** The result when no ResultScope holds it (a form outside the pages). */
    result: local,
    dismiss: () => show(undefined),
    /** Clears the form's own errors (when the user corrects a field). */
    clearError: () => setError(undefined),
    submit: <T,>(s: Submission<T>) => {
      if (busy.current || asking) return;
      if (s.confirm) {
        returnFocus.current = document.activeElement as HTMLElement | null;
        setError(undefined);
        setAsking(s);
      } else void send(s, {});
    },
    dialog: asking?.confirm ? (
      <ConfirmDialog
        confirmation={asking.confirm}
        pending={pending}
        error={error}
        onConfirm={(values) => void send(asking, values)}
        onCancel={() => {
          restoreFocus.current = true;
          setAsking(undefined);
          setError(undefined);
        }}
      />
    ) : null,
  };
}

/** The form field a refusal code concerns (domain/step-rules.ts input refusals). */
export const fieldOfReason = (reason: string | undefined): string | undefined =>
  reason ? REASON_FIELD[reason] : undefined;
