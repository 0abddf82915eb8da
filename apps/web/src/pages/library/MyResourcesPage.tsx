import { useState } from 'react';
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
      {scope === 'mine' && <Notices />}
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

/** The author's unread review news (approved, sent back, withdrawn by an administrator). */
function Notices() {
  const { t, i18n } = useTranslation();
  const { data, setData } = useLoad(() => api.notifications(true), []);
  const [failure, setFailure] = useState<unknown>(null);
  if (!data?.length) return null;
  const read = async (id: string) => {
    setFailure(null);
    try {
      await api.markNotificationRead(id);
      setData((items) => (items ?? []).filter((n) => n.id !== id));
    } catch (e) {
      setFailure(e);
    }
  };
  return (
    <section className="panel" aria-labelledby="notices-title" data-testid="notices">
      <h2 id="notices-title">{t('library.mine.notices')}</h2>
      <ErrorAlert error={failure} />
      <ul className="notice-list">
        {data.map((n) => (
          <li key={n.id} data-testid="notice">
            <strong>{t(`library.mine.noticeKind.${n.kind}`)}</strong> {n.message}{' '}
            <span className="muted">{formatDate(i18n.language, n.createdAt, true)}</span>{' '}
            {n.resourceId && <Link to={`/library/resources/${n.resourceId}`}>{t('library.mine.open')}</Link>}{' '}
            <button type="button" className="btn btn-ghost btn-small" onClick={() => void read(n.id)}>
              {t('library.mine.markRead')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
