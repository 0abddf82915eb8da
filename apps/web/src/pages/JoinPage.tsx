import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { PASSWORD_MIN_LENGTH, PHONE_PATTERN } from '@tongke/contracts';
import { api } from '../api/client';
import { ErrorAlert, Field } from '../components/ui';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { fieldErrors } from '../format';

type Errs = Partial<Record<'code' | 'displayName' | 'email' | 'phone' | 'password', string[]>>;

/** New teachers create their account with an invite code from their school admin. */
export function JoinPage() {
  const { t } = useTranslation();
  const [form, setForm] = useState({ code: '', displayName: '', email: '', phone: '', password: '' });
  const [errs, setErrs] = useState<Errs>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    const v: Errs = {};
    const code = form.code.trim().toUpperCase();
    const phone = form.phone.replace(/\s+/g, '');
    const email = form.email.trim();
    if (!code) v.code = [t('join.codeRequired')];
    if (!form.displayName.trim()) v.displayName = [t('join.nameRequired')];
    if (!email && !phone) v.email = [t('join.contactRequired')];
    if (phone && !PHONE_PATTERN.test(phone)) v.phone = [t('join.phoneInvalid')];
    if (form.password.length < PASSWORD_MIN_LENGTH)
      v.password = [t('join.passwordShort', { min: PASSWORD_MIN_LENGTH })];
    setErrs(v);
    setError(null);
    if (Object.keys(v).length) return;
    setBusy(true);
    try {
      await api.acceptInvite({
        code,
        displayName: form.displayName.trim(),
        password: form.password,
        ...(email && { email }),
        ...(phone && { phone }),
      });
    } catch (err) {
      setError(err);
      setErrs(fieldErrors(err));
      setBusy(false);
    }
  }

  return (
    <div className="auth-page">
      <div className="auth-lang">
        <LanguageSwitch />
      </div>
      <main id="main" className="auth-card">
        <h1>{t('join.title')}</h1>
        <p className="muted">{t('join.intro')}</p>
        <ErrorAlert error={error} />
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Field label={t('join.code')} hint={t('join.codeHint')} errors={errs.code} required>
            {(p) => (
              <input
                {...p}
                autoComplete="off"
                autoCapitalize="characters"
                spellCheck={false}
                value={form.code}
                onChange={set('code')}
              />
            )}
          </Field>
          <Field label={t('join.displayName')} errors={errs.displayName} required>
            {(p) => (
              <input
                {...p}
                autoComplete="name"
                maxLength={80}
                value={form.displayName}
                onChange={set('displayName')}
              />
            )}
          </Field>
          <Field label={t('join.email')} errors={errs.email} required={false}>
            {(p) => (
              <input {...p} type="email" autoComplete="email" value={form.email} onChange={set('email')} />
            )}
          </Field>
          <Field label={t('join.phone')} errors={errs.phone} required={false}>
            {(p) => (
              <input
                {...p}
                type="tel"
                inputMode="numeric"
                autoComplete="tel"
                value={form.phone}
                onChange={set('phone')}
              />
            )}
          </Field>
          <Field
            label={t('join.password')}
            hint={t('join.passwordHint', { min: PASSWORD_MIN_LENGTH })}
            errors={errs.password}
            required
          >
            {(p) => (
              <input
                {...p}
                type="password"
                autoComplete="new-password"
                value={form.password}
                onChange={set('password')}
              />
            )}
          </Field>
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? t('app.saving') : t('join.submit')}
          </button>
        </form>
        <p className="auth-alt">
          <Link to="/login">{t('join.backToLogin')}</Link>
        </p>
      </main>
    </div>
  );
}
