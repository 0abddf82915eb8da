import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { zhCN, type Messages } from './zh-CN';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_KEY = 'tongke.lang';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Messages };
  }
}

function storedLanguage(): Language {
  try {
    const v = window.localStorage.getItem(LANGUAGE_KEY);
    return (LANGUAGES as readonly string[]).includes(v ?? '') ? (v as Language) : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

/** Keeps <html lang> in step and remembers the choice. */
function applyLanguage(lng: string): void {
  document.documentElement.lang = lng;
  try {
    window.localStorage.setItem(LANGUAGE_KEY, lng);
  } catch {
    // Storage blocked: the choice lasts for this page only.
  }
}

export function initI18n(): typeof i18n {
  const lng = storedLanguage();
  void i18n.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng,
    fallbackLng: 'zh-CN',
    supportedLngs: [...LANGUAGES],
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  document.documentElement.lang = lng;
  i18n.on('languageChanged', applyLanguage);
  return i18n;
}

export function currentLanguage(): Language {
  return (i18n.resolvedLanguage as Language | undefined) ?? 'zh-CN';
}

export { i18n };
