import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { PHONE_PATTERN } from '@tongke/contracts';
import { useSession } from '../auth/session';
import { ErrorAlert, Field, SuccessNotice } from '../components/ui';
import { LanguageSwitch } from '../components/LanguageSwitch';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function LoginPage() {
  const { t } = useTranslation();
  const { login, notice, clearNotice } = useSession();
  const [identifier, setIdentifier] = useState('');
  const [password, setPassword] = useState('');
  const [show, setShow] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldErr, setFieldErr] = useState<{ identifier?: string; password?: string }>({});

  async function submit(e: FormEvent) {
    e.preventDefault();
    const id = identifier.trim().replace(/\s+/g, '');
    const errs: typeof fieldErr = {};
    if (!id) errs.identifier = t('login.identifierRequired');
    else if (!EMAIL.test(id) && !PHONE_PATTERN.test(id)) errs.identifier = t('login.identifierInvalid');
    if (!password) errs.password = t('login.passwordRequired');
    setFieldErr(errs);
    setError(null);
    if (errs.identifier || errs.password) return;
    setBusy(true);
    clearNotice();
    try {
      // On success the session switches the routes; /login then forwards to ?next= (see App.tsx).
      await login(id, password);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <div className="auth-page">
      <div className="auth-lang">
        <LanguageSwitch />
      </div>
      <main id="main" className="auth-card">
        <div className="auth-brand">
          <span className="brand-mark brand-mark-large" aria-hidden="true">
            同
          </span>
          <div>
            <p className="brand-name">{t('app.name')}</p>
            <p className="brand-tagline">{t('app.tagline')}</p>
          </div>
        </div>
        <h1>{t('login.title')}</h1>
        <p className="muted">{t('login.intro')}</p>
        {notice === 'expired' && !error && (
          <SuccessNotice testId="session-notice" tone="info">
            {t('login.expired')}
          </SuccessNotice>
        )}
        {notice === 'loggedOut' && !error && (
          <SuccessNotice testId="session-notice">{t('login.loggedOut')}</SuccessNotice>
        )}
        <ErrorAlert error={error} title={t('login.failedTitle')} testId="login-error" />
        <form onSubmit={(e) => void submit(e)} noValidate data-testid="login-form">
          <Field
            label={t('login.identifier')}
            hint={t('login.identifierHint')}
            errors={fieldErr.identifier ? [fieldErr.identifier] : undefined}
            required
          >
            {(p) => (
              <input
                {...p}
                name="identifier"
                type="text"
                inputMode="email"
                autoComplete="username"
                autoCapitalize="none"
                spellCheck={false}
                value={identifier}
                onChange={(e) => setIdentifier(e.target.value)}
                data-testid="login-identifier"
              />
            )}
          </Field>
          <Field
            label={t('login.password')}
            errors={fieldErr.password ? [fieldErr.password] : undefined}
            required
          >
            {(p) => (
              <input
                {...p}
                name="password"
                type={show ? 'text' : 'password'}
                autoComplete="current-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                data-testid="login-password"
              />
            )}
          </Field>
          <div className="check">
            <input
              id="show-password"
              type="checkbox"
              checked={show}
              onChange={(e) => setShow(e.target.checked)}
            />
            <label htmlFor="show-password">{t('login.showPassword')}</label>
          </div>
          <button
            type="submit"
            className="btn btn-primary btn-block"
            disabled={busy}
            data-testid="login-submit"
          >
            {busy ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
        <p className="auth-alt">
          <Link to="/join">{t('login.haveInvite')}</Link>
        </p>
      </main>
    </div>
  );
}
