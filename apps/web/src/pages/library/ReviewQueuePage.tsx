import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { ErrorAlert, Loading, SuccessNotice, useLoad } from '../../components/ui';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDate } from '../../format';
import { curriculumLine, formatBytes } from './library-ui';
import { FilePreview } from './ResourceExtras';
import { ReviewActions } from './ReviewActions';
import './library.css';

/** 审核: what the caller's school (or county) teachers asked to share more widely, oldest first. */
export function ReviewQueuePage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('library.review.title'));
  const { data, error, loading, reload, setData } = useLoad(() => api.reviewQueue(), []);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <div className="library-review">
      <div className="page-head">
        <div>
          <h1>{t('library.review.title')}</h1>
          <p className="lead">{t('library.review.intro')}</p>
        </div>
      </div>
      {notice && <SuccessNotice testId="review-notice">{notice}</SuccessNotice>}
      <ErrorAlert error={error} onRetry={reload} />
      {loading && !data && <Loading />}
      {data && data.length === 0 && (
        <p className="empty" data-testid="review-empty">
          {t('library.review.empty')}
        </p>
      )}
      {data && data.length > 0 && (
        <ul className="card-list" data-testid="review-queue">
          {data.map((r) => {
            const files = r.currentVersion?.files ?? [];
            return (
              <li key={r.id} className="card" data-testid="review-item" data-resource-id={r.id}>
                <div className="card-head">
                  <h2 className="card-title">
                    <Link to={`/library/resources/${r.id}`}>{r.title}</Link>
                  </h2>
                  {r.review && (
                    <span className="badge badge-resource-pending_review">
                      {t('library.review.requested', {
                        visibility: t(`search.visibility.${r.review.requestedVisibility}`),
                      })}
                    </span>
                  )}
                </div>
                <p className="card-meta">{curriculumLine(t, r)}</p>
                <p className="card-meta">
                  {t('library.review.submittedBy', {
                    name: r.author.displayName,
                    school: r.school.name,
                    date: formatDate(i18n.language, r.updatedAt, true),
                  })}
                </p>
                {r.description && <p>{r.description}</p>}
                <ul className="resource-files">
                  {files.map((f) => (
                    <li key={f.id} className="resource-file">
                      <span className="resource-file-name">{f.name}</span>
                      <span className="muted">{formatBytes(i18n.language, f.size)}</span>
                    </li>
                  ))}
                </ul>
                {files.length > 0 && <FilePreview files={files} />}
                <ReviewActions
                  resource={r}
                  onDone={(_next, action) => {
                    setNotice(t(`library.review.${action}`, { title: r.title }));
                    setData((items) => (items ?? []).filter((x) => x.id !== r.id));
                  }}
                />
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
