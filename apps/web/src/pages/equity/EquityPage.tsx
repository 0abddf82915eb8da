import { Link, useParams, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { isDistrictAdmin, useUser } from '../../auth/session';
import { ErrorAlert, Loading, useLoad } from '../../components/ui';
import { usePageTitle } from '../../components/usePageTitle';
import { DistrictDashboard } from './DistrictDashboard';
import { MyActivity } from './MyActivity';
import { SchoolReport } from './SchoolReport';
import './equity.css';

/**
 * 均衡监测 at /equity, by role: district admins see their county's dashboard, the platform admin
 * picks a county, school admins see their school's figures, teachers their own activity.
 */
export function EquityPage() {
  const { t } = useTranslation();
  const user = useUser();
  usePageTitle(t('equity.title'));
  const intro =
    user.role === 'school_admin'
      ? t('equity.introSchool')
      : user.role === 'teacher'
        ? t('equity.introMe')
        : t('equity.intro');
  return (
    <div className="equity-page">
      <div className="page-head">
        <div>
          <h1>
            {user.role === 'teacher' ? `${t('equity.title')} · ${t('equity.me.title')}` : t('equity.title')}
          </h1>
          <p className="lead">{intro}</p>
        </div>
      </div>
      {user.role === 'platform_admin' ? (
        <PlatformDashboard />
      ) : user.role === 'district_admin' && user.regionId ? (
        <DistrictDashboard regionId={user.regionId} />
      ) : user.role === 'school_admin' && user.schoolId ? (
        <SchoolReport schoolId={user.schoolId} />
      ) : (
        <MyActivity />
      )}
    </div>
  );
}

/** The platform admin chooses a county (?region=); the first one by default. */
function PlatformDashboard() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const regions = useLoad(() => api.regions(), []);
  if (regions.error) return <ErrorAlert error={regions.error} onRetry={regions.reload} />;
  if (!regions.data) return <Loading />;
  if (regions.data.length === 0) return <p className="empty">{t('equity.regionChoose')}</p>;
  const wanted = params.get('region');
  const region = regions.data.find((r) => r.id === wanted) ?? regions.data[0];
  if (!region) return null;
  return (
    <DistrictDashboard
      key={region.id}
      regionId={region.id}
      extraControls={
        <div className="field">
          <label htmlFor="equity-region">{t('equity.region')}</label>
          <select
            id="equity-region"
            value={region.id}
            data-testid="equity-region"
            onChange={(e) => {
              const next = new URLSearchParams(params);
              next.set('region', e.target.value);
              setParams(next, { replace: true });
            }}
          >
            {regions.data.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </div>
      }
    />
  );
}

/** /equity/schools/:id — one school's figures, opened from the county dashboard. */
export function EquitySchoolPage() {
  const { t } = useTranslation();
  const user = useUser();
  const { id = '' } = useParams();
  return (
    <div className="equity-page">
      {isDistrictAdmin(user) && (
        <p className="breadcrumb">
          <Link to="/equity">← {t('equity.schoolDetail.back')}</Link>
        </p>
      )}
      <div className="page-head">
        <div>
          <h1>{t('equity.title')}</h1>
          <p className="lead">{t('equity.introSchool')}</p>
        </div>
      </div>
      <SchoolReport schoolId={id} />
    </div>
  );
}
