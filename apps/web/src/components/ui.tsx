import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { PairingStatus, SchoolLocale } from '@tongke/contracts';
import { errorMessage } from '../format';

/** Loads data for a view; `reload()` fetches again. Ignores answers that arrive after unmount or a newer load. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    const mine = ++seq.current;
    setLoading(true);
    setError(null);
    run().then(
      (d) => {
        if (seq.current !== mine) return;
        setData(d);
        setLoading(false);
      },
      (e: unknown) => {
        if (seq.current !== mine) return;
        setError(e);
        setLoading(false);
      },
    );
  }, [run]);
  useEffect(() => {
    reload();
    return () => {
      seq.current++;
    };
  }, [reload]);
  return { data, error, loading, reload, setData };
}

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('app.loading')}
    </p>
  );
}

/** An error a user can read (translated by code), with an optional retry. */
export function ErrorAlert({
  error,
  onRetry,
  title,
  testId,
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert" data-testid={testId ?? 'error'}>
      <span className="alert-icon" aria-hidden="true">
        !
      </span>
      <div>
        {title && <strong className="alert-title">{title}</strong>}
        <p>{errorMessage(t, error)}</p>
        {onRetry && (
          <button type="button" className="btn btn-secondary btn-small" onClick={onRetry}>
            {t('app.retry')}
          </button>
        )}
      </div>
    </div>
  );
}

export function SuccessNotice({
  children,
  testId,
  tone = 'success',
}: {
  children: ReactNode;
  testId?: string;
  tone?: 'success' | 'info';
}) {
  return (
    <div className={`alert alert-${tone}`} role="status" data-testid={testId ?? 'notice'}>
      <span className="alert-icon" aria-hidden="true">
        {tone === 'success' ? '✓' : 'i'}
      </span>
      <div>{children}</div>
    </div>
  );
}

/** A labelled control with hint and errors wired to aria-describedby. */
export function Field({
  label,
  hint,
  errors,
  required,
  children,
}: {
  label: string;
  hint?: string;
  errors?: string[];
  required?: boolean;
  children: (props: {
    id: string;
    'aria-describedby'?: string;
    'aria-invalid'?: boolean;
    required?: boolean;
  }) => ReactNode;
}) {
  const { t } = useTranslation();
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errId = errors?.length ? `${id}-err` : undefined;
  const describedBy = [hintId, errId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${errors?.length ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>
        {label}
        {required === false && <span className="field-optional"> {t('app.optional')}</span>}
      </label>
      {hint && (
        <p className="field-hint" id={hintId}>
          {hint}
        </p>
      )}
      {children({
        id,
        'aria-describedby': describedBy,
        'aria-invalid': errors?.length ? true : undefined,
        required: required || undefined,
      })}
      <FieldErrors id={errId} errors={errors} />
    </div>
  );
}

export function FieldErrors({ id, errors }: { id?: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <p className="field-error" id={id}>
      <span aria-hidden="true">⚠ </span>
      {errors.join(' ')}
    </p>
  );
}

export function LocaleBadge({ locale }: { locale: SchoolLocale }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge-locale-${locale}`} data-testid="locale-badge">
      {t(`locale.${locale}`)}
    </span>
  );
}

const STATUS_ICON: Record<PairingStatus, string> = { proposed: '○', active: '●', ended: '■' };

export function StatusBadge({ status }: { status: PairingStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge-status-${status}`} data-testid="pairing-status">
      <span aria-hidden="true">{STATUS_ICON[status]} </span>
      {t(`pairings.status.${status}`)}
    </span>
  );
}
