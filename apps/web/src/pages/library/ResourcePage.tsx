import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ResourceDto, ResourceFileDto } from '@tongke/contracts';
import { api, ApiError } from '../../api/client';
import { ErrorAlert, Loading, LocaleBadge, useLoad } from '../../components/ui';
import { usePageTitle } from '../../components/usePageTitle';
import { errorMessage, formatDate, formatNumber } from '../../format';
import { facetValueLabel } from './facet-labels';
import { saveBlob } from '../../save-blob';
import { downloadByLink, downloadsByLink } from './file-links';
import { downloadResumably } from './resumable-download';
import { ResourceActions, ResourceStanding, FilePreview, RatingPanel, VersionsPanel } from './ResourceExtras';
import './library.css';

function formatSize(lng: string, bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u += 1;
  }
  return `${new Intl.NumberFormat(lng, { maximumFractionDigits: u === 0 ? 0 : 1 }).format(n)} ${units[u]}`;
}

/** A minimal resource page: what it is, who made it, and its files to download. */
export function ResourcePage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from;
  const navigate = useNavigate();
  const { data: r, error, loading, reload, setData } = useLoad(() => api.resource(id), [id]);
  const [deleted, setDeleted] = useState(false);
  usePageTitle(r?.title ?? t('search.title'));
  const back = (
    <p className="breadcrumb">
      <Link to={from ? `/library?${from}` : '/library'}>← {t('resourcePage.back')}</Link>
    </p>
  );

  if (deleted)
    return (
      <>
        {back}
        <p className="empty" role="status" data-testid="resource-deleted">
          {t('library.resource.deleted')}
        </p>
      </>
    );
  if (loading && !r) return <Loading />;
  if (error) {
    const missing = error instanceof ApiError && error.status === 404;
    return (
      <>
        {back}
        {missing ? (
          <p className="empty">{t('resourcePage.notFound')}</p>
        ) : (
          <ErrorAlert error={error} onRetry={reload} />
        )}
      </>
    );
  }
  if (!r) return null;
  const facts: [string, string | undefined][] = [
    [t('resourcePage.stage'), facetValueLabel(t, 'stage', r.stage.code, r.stage.name)],
    [t('resourcePage.subject'), facetValueLabel(t, 'subject', r.subject.code, r.subject.name)],
    [t('resourcePage.grade'), facetValueLabel(t, 'grade', r.grade)],
    [t('resourcePage.edition'), facetValueLabel(t, 'edition', r.edition.code, r.edition.name)],
    [t('resourcePage.volume'), facetValueLabel(t, 'volume', r.volume.code, r.volume.name)],
    [t('resourcePage.unit'), r.unit || undefined],
    [
      t('resourcePage.lessonPeriod'),
      r.lessonPeriod === null ? undefined : t('resourcePage.lessonPeriodValue', { n: r.lessonPeriod }),
    ],
    [
      t('resourcePage.resourceType'),
      facetValueLabel(t, 'resourceType', r.resourceType.code, r.resourceType.name),
    ],
    [t('resourcePage.license'), facetValueLabel(t, 'license', r.license.code, r.license.name)],
    [t('resourcePage.visibility'), t(`search.visibility.${r.visibility}`)],
    [t('resourcePage.status'), t(`search.status.${r.status}`)],
    [t('resourcePage.published'), r.publishedAt ? formatDate(i18n.language, r.publishedAt) : undefined],
    [t('resourcePage.tags'), r.tags.length ? r.tags.join(t('app.listSep')) : undefined],
  ];
  const files = r.currentVersion?.files ?? [];
  return (
    <article className="resource-page" data-testid="resource-page" data-resource-id={r.id}>
      {back}
      <div className="page-head">
        <div>
          <h1>{r.title}</h1>
          <p className="lead">
            {r.author.displayName}
            <span aria-hidden="true"> · </span>
            {r.school.name}{' '}
            {(r.school.locale === 'urban' || r.school.locale === 'town' || r.school.locale === 'rural') && (
              <LocaleBadge locale={r.school.locale} />
            )}
            <span aria-hidden="true"> · </span>
            {t('search.downloads', { n: formatNumber(i18n.language, r.counts.downloads) })}
          </p>
        </div>
      </div>
      <ResourceStanding resource={r} />
      <ResourceActions
        resource={r}
        onChange={(next: ResourceDto) => setData(next)}
        onRemixed={(copy: ResourceDto) => void navigate(`/library/upload?draft=${copy.id}`)}
        onDeleted={() => setDeleted(true)}
      />
      <RatingPanel resource={r} onChange={(next: ResourceDto) => setData(next)} />
      {files.length > 0 && <FilePreview files={files} />}
      <section className="panel">
        <h2>{t('resourcePage.description')}</h2>
        <p className="resource-description">{r.description || t('resourcePage.noDescription')}</p>
      </section>
      <section className="panel">
        <h2>{t('resourcePage.metadata')}</h2>
        <dl className="resource-facts">
          {facts
            .filter((f): f is [string, string] => f[1] !== undefined)
            .map(([label, value]) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
        </dl>
      </section>
      <section className="panel">
        <h2>{t('resourcePage.files')}</h2>
        {files.length === 0 ? (
          <p className="muted">{t('resourcePage.noFiles')}</p>
        ) : (
          <ul className="resource-files" data-testid="resource-files">
            {files.map((f) => (
              <FileRow key={f.id} file={f} />
            ))}
          </ul>
        )}
      </section>
      <VersionsPanel resource={r} onChange={(next: ResourceDto) => setData(next)} onReload={reload} />
    </article>
  );
}

/**
 * Small files are fetched with the session's token (continuing after a dropped link) and then
 * saved; large ones go to the browser's download manager through a signed link.
 */
function FileRow({ file }: { file: ResourceFileDto }) {
  const { t, i18n } = useTranslation();
  const [percent, setPercent] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const busy = percent !== null;
  // Continues where it stopped when the link drops (Range requests), instead of starting over.
  const download = async () => {
    setPercent(0);
    setProblem(null);
    try {
      if (downloadsByLink(file.size)) {
        await downloadByLink(file.id, file.name);
        return;
      }
      const blob = await downloadResumably(file.downloadUrl, (p) =>
        setPercent(p.total ? Math.floor((p.received / p.total) * 100) : 0),
      );
      saveBlob(blob, file.name);
    } catch (e) {
      setProblem(errorMessage(t, e));
    } finally {
      setPercent(null);
    }
  };
  return (
    <li className="resource-file" data-testid="resource-file">
      <span className="resource-file-name">{file.name}</span>
      <span className="muted">{formatSize(i18n.language, file.size)}</span>
      <button
        type="button"
        className="btn btn-secondary btn-small"
        onClick={() => void download()}
        disabled={busy}
      >
        {busy ? t('library.resource.downloadProgress', { percent }) : t('resourcePage.download')}
      </button>
      {problem && (
        <span className="field-error" role="alert">
          {problem}
        </span>
      )}
    </li>
  );
}
