import { useTranslation } from 'react-i18next';

/** One button: switches between 中文 and English; the choice is remembered (see i18n/index.ts). */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const target = t('lang.switchToLang');
  return (
    <button
      type="button"
      className="btn btn-ghost lang-switch"
      data-testid="language-switch"
      aria-label={t('lang.switchLabel')}
      onClick={() => void i18n.changeLanguage(target)}
    >
      <span aria-hidden="true" className="lang-icon">
        文/A
      </span>{' '}
      <span lang={target}>{t('lang.switchTo')}</span>
    </button>
  );
}
