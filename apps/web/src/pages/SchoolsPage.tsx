import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { SCHOOL_LOCALES, type SchoolLocale } from '@tongke/contracts';
import { api } from '../api/client';
import { useUser } from '../auth/session';
import { ErrorAlert, Loading, LocaleBadge, useLoad } from '../components/ui';
import { usePageTitle } from '../components/usePageTitle';
import { formatNumber } from '../format';

export function SchoolsPage() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  usePageTitle(t('schools.title'));
  const [params, setParams] = useSearchParams();
  const raw = params.get('locale');
  const locale = (SCHOOL_LOCALES as readonly string[]).includes(raw ?? '')
    ? (raw as SchoolLocale)
    : undefined;
  const { data, error, loading, reload } = useLoad(() => api.schools(locale), [locale]);

  return (
    <>
      <div className="page-head">
        <div>
          <h1>{t('schools.title')}</h1>
          <p className="lead">{t('schools.intro')}</p>
        </div>
      </div>
      <div className="toolbar">
        <label htmlFor="school-locale-filter">{t('schools.filterLocale')}</label>
        <select
          id="school-locale-filter"
          value={locale ?? ''}
          onChange={(e) => setParams(e.target.value ? { locale: e.target.value } : {}, { replace: true })}
        >
          <option value="">{t('schools.all')}</option>
          {SCHOOL_LOCALES.map((l) => (
            <option key={l} value={l}>
              {t(`locale.${l}`)}
            </option>
          ))}
        </select>
        {data && <span className="muted">{t('schools.count', { count: data.length })}</span>}
      </div>
      <ErrorAlert error={error} onRetry={reload} />
      {loading && !data ? (
        <Loading />
      ) : data && data.length === 0 ? (
        <p className="empty">{t('schools.empty')}</p>
      ) : (
        <ul className="card-list" data-testid="school-list" aria-busy={loading}>
          {data?.map((s) => (
            <li key={s.id} className="card school-card" data-testid="school-card">
              <div className="card-head">
                <h2 className="card-title">
                  <Link to={`/schools/${s.id}`}>{s.name}</Link>
                </h2>
                <LocaleBadge locale={s.locale} />
                {s.id === user.schoolId && <span className="badge badge-mine">{t('schools.mine')}</span>}
              </div>
              <p className="card-meta">
                <span>
                  <span className="visually-hidden">{t('schools.stages')}: </span>
                  {s.stages.map((st) => t(`stage.${st}`)).join(t('app.listSep'))}
                </span>
                <span aria-hidden="true"> · </span>
                <span>{t('schools.enrolment', { n: formatNumber(i18n.language, s.enrolment) })}</span>
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
