import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useUser } from '../auth/session';
import { AREAS } from '../components/Layout';
import { usePageTitle } from '../components/usePageTitle';

export function HomePage() {
  const { t } = useTranslation();
  const user = useUser();
  usePageTitle(t('nav.home'));
  return (
    <>
      <h1>{t('home.welcome', { name: user.displayName })}</h1>
      <p className="lead">{t('home.intro')}</p>
      <ul className="area-grid">
        {AREAS.map((a) => (
          <li key={a.path} className={`area-card${a.ready ? '' : ' area-later'}`}>
            <h2>
              <Link to={a.path}>{t(`nav.${a.key}`)}</Link>
            </h2>
            <p>{t(`home.areas.${a.key}`)}</p>
            <span className={`badge ${a.ready ? 'badge-ready' : 'badge-later'}`}>
              {a.ready ? t('home.available') : t('home.later')}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}
