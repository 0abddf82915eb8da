import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { RESOURCE_STATUSES, type ResourceDto, type ResourceStatus } from '@tongke/contracts';
import { api } from '../../api/client';
import { ErrorAlert, Loading, useLoad } from '../../components/ui';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDate, formatNumber } from '../../format';
import { curriculumLine, ResourceStatusBadge } from './library-ui';
import './library.css';

/** 我的上传 (with status and rejection reasons) or 我的收藏. */
export function MyResourcesPage({ scope }: { scope: 'mine' | 'favourites' }) {
  const { t } = useTranslation();
  const title = scope === 'mine' ? t('library.mine.title') : t('library.favourites.title');
  usePageTitle(title);
  const [params, setParams] = useSearchParams();
  const raw = params.get('status');
  const status = (RESOURCE_STATUSES as readonly string[]).includes(raw ?? '')
    ? (raw as ResourceStatus)
    : undefined;
  const { data, error, loading, reload } = useLoad(
    () =>
      api.resources({ scope, status: scope === 'mine' ? status : undefined, sort: 'newest', pageSize: 100 }),
    [scope, status],
  );

  return (
    <div className={`library-${scope}`}>
      <div className="page-head">
        <div>
          <h1>{title}</h1>
          <p className="lead">{scope === 'mine' ? t('library.mine.intro') : t('library.favourites.intro')}</p>
        </div>
        {scope === 'mine' && (
          <Link className="btn btn-primary" to="/library/upload">
            {t('library.nav.upload')}
          </Link>
        )}
      </div>
      {scope === 'mine' && (
        <div className="toolbar">
          <label htmlFor="mine-status">{t('library.mine.filter')}</label>
          <select
            id="mine-status"
            value={status ?? ''}
            onChange={(e) => setParams(e.target.value ? { status: e.target.value } : {})}
          >
            <option value="">{t('library.mine.all')}</option>
            {RESOURCE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`search.status.${s}`)}
              </option>
            ))}
          </select>
        </div>
      )}
      <ErrorAlert error={error} onRetry={reload} />
      {loading && !data && <Loading />}
      {data && data.items.length === 0 && (
        <p className="empty">{scope === 'mine' ? t('library.mine.empty') : t('library.favourites.empty')}</p>
      )}
      {data && data.items.length > 0 && (
        <ul className="card-list" data-testid={`${scope}-list`}>
          {data.items.map((r) => (
            <ResourceCard key={r.id} resource={r} showStatus={scope === 'mine'} />
          ))}
        </ul>
      )}
    </div>
  );
}

export function ResourceCard({ resource: r, showStatus }: { resource: ResourceDto; showStatus: boolean }) {
  const { t, i18n } = useTranslation();
  return (
    <li className="card" data-testid="resource-card" data-resource-id={r.id}>
      <div className="card-head">
        <h2 className="card-title">
          <Link to={`/library/resources/${r.id}`}>{r.title}</Link>
        </h2>
        {showStatus && <ResourceStatusBadge status={r.status} />}
        {showStatus && r.review && (
          <span className="muted">
            {t('library.mine.pendingAt', { stage: t(`library.review.stage.${r.review.stage}`) })}
          </span>
        )}
      </div>
      <p className="card-meta">{curriculumLine(t, r)}</p>
      <p className="card-meta">
        {showStatus ? (
          <>
            {t(`search.visibility.${r.visibility}`)} ·{' '}
            {t('library.mine.updated', { date: formatDate(i18n.language, r.updatedAt, true) })}
          </>
        ) : (
          `${r.author.displayName} · ${r.school.name}`
        )}
        {' · '}
        {t('search.downloads', { n: formatNumber(i18n.language, r.counts.downloads) })}
      </p>
      {showStatus && r.lastRejection && r.status === 'draft' && (
        <p className="alert alert-error" data-testid="rejection-reason">
          {t('library.mine.rejected', { reason: r.lastRejection })}
        </p>
      )}
      {showStatus && r.can.upload && r.status === 'draft' && (
        <div className="card-actions">
          <Link className="btn btn-secondary btn-small" to={`/library/upload?draft=${r.id}`}>
            {t('library.mine.continue')}
          </Link>
        </div>
      )}
    </li>
  );
}
