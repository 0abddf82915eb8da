import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';

/** "<page> · 同课" in the tab title. */
export function usePageTitle(title: string | undefined): void {
  const { t } = useTranslation();
  const app = t('app.name');
  useEffect(() => {
    document.title = title ? `${title} · ${app}` : app;
  }, [title, app]);
}
