import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { usePageTitle } from '../components/usePageTitle';

type Area = 'library' | 'jointLessons' | 'lessonPlanning' | 'equity';

/** An honest placeholder for areas that are not built yet: no fake data. */
export function ComingSoonPage({ area }: { area: Area }) {
  const { t } = useTranslation();
  const name = t(`nav.${area}`);
  usePageTitle(name);
  return (
    <section className="panel coming-soon" data-testid="coming-soon">
      <h1>{t('comingSoon.title', { area: name })}</h1>
      <p>{t(`home.areas.${area}`)}</p>
      <p>{t('comingSoon.body')}</p>
      <p className="actions">
        <Link className="btn btn-secondary" to="/schools">
          {t('comingSoon.goSchools')}
        </Link>
        <Link className="btn btn-secondary" to="/pairings">
          {t('comingSoon.goPairings')}
        </Link>
      </p>
    </section>
  );
}
