import { useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  LIBRARY_LIMITS,
  type FileOutlineDto,
  type ResourceDto,
  type ResourceFileDto,
  type ResourceVersionDto,
} from '@tongke/contracts';
import { api } from '../../api/client';
import { useUser } from '../../auth/session';
import { ErrorAlert, Field, Loading, SuccessNotice, useLoad } from '../../components/ui';
import { errorMessage, formatDate, formatNumber } from '../../format';
import { saveBlob } from '../../save-blob';
import { formatBytes, ResourceStatusBadge } from './library-ui';
import { downloadByLink, downloadsByLink } from './file-links';
import { downloadResumably, type DownloadProgress } from './resumable-download';
import { ReviewActions } from './ReviewActions';

/** Status, review state, rejection reason, credit, and the counts. */
export function ResourceStanding({ resource: r }: { resource: ResourceDto }) {
  const { t, i18n } = useTranslation();
  const n = (x: number) => formatNumber(i18n.language, x);
  return (
    <section className="panel resource-standing" data-testid="resource-standing">
      <p className="card-head">
        <ResourceStatusBadge status={r.status} />
        <span data-testid="resource-counts">
          {t('library.resource.counts', { views: n(r.counts.views), downloads: n(r.counts.downloads) })}
        </span>
        <span data-testid="resource-rating-summary">
          {r.counts.ratingCount
            ? t('library.resource.ratingSummary', {
                avg: formatNumber(i18n.language, Math.round(r.counts.ratingAvg * 10) / 10),
                n: r.counts.ratingCount,
              })
            : t('library.resource.notRated')}
        </span>
      </p>
      {r.review && (
        <p data-testid="resource-pending">
          {t('library.resource.pending', {
            stage: t(`library.review.stage.${r.review.stage}`),
            visibility: t(`search.visibility.${r.review.requestedVisibility}`),
          })}
        </p>
      )}
      {r.lastRejection && (
        <p className="alert alert-error" data-testid="resource-rejection">
          {t('library.resource.rejection', { reason: r.lastRejection })}
        </p>
      )}
      {r.remixOf && (
        <p className="muted">
          {r.remixOf.available ? (
            <Link to={`/library/resources/${r.remixOf.id}`}>
              {t('library.resource.remixOf', { title: r.remixOf.title, author: r.remixOf.authorName })}
            </Link>
          ) : (
            t('library.resource.remixOf', { title: r.remixOf.title, author: r.remixOf.authorName })
          )}
        </p>
      )}
    </section>
  );
}

/** Favourite, remix, add to a pack, download; for the author submit/withdraw/delete; for reviewers approve/reject. */
export function ResourceActions({
  resource: r,
  onChange,
  onRemixed,
  onDeleted,
}: {
  resource: ResourceDto;
  onChange: (r: ResourceDto) => void;
  onRemixed: (copy: ResourceDto) => void;
  onDeleted: () => void;
}) {
  const { t } = useTranslation();
  const user = useUser();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const isAuthor = r.author.id === user.id;
  const files = r.currentVersion?.files ?? [];

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setFailure(null);
    setNotice(null);
    try {
      await work();
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-label={t('library.resource.actions')} data-testid="resource-actions">
      <ErrorAlert error={failure} />
      {notice && <SuccessNotice testId="resource-notice">{notice}</SuccessNotice>}
      <div className="card-actions">
        {files.length > 0 && <DownloadCurrent resource={r} onDownloaded={onChange} />}
        {r.status === 'published' && (
          <button
            type="button"
            className="btn btn-secondary btn-small"
            aria-pressed={r.favourited}
            data-testid="favourite"
            disabled={busy}
            onClick={() => void run(async () => onChange(await api.favouriteResource(r.id, !r.favourited)))}
          >
            {r.favourited ? `★ ${t('library.resource.unfavourite')}` : `☆ ${t('library.resource.favourite')}`}
          </button>
        )}
        {r.status === 'published' && !isAuthor && (
          <button
            type="button"
            className="btn btn-secondary btn-small"
            disabled={busy}
            data-testid="remix"
            onClick={() => void run(async () => onRemixed(await api.remixResource(r.id)))}
          >
            {t('library.resource.remix')}
          </button>
        )}
        {(r.can.upload || r.can.submit) && (
          <Link
            className="btn btn-secondary btn-small"
            to={`/library/upload?draft=${r.id}`}
            data-testid="continue"
          >
            {r.status === 'published' ? t('library.resource.submit') : t('library.mine.continue')}
          </Link>
        )}
        {r.can.withdraw && (
          <button
            type="button"
            className="btn btn-secondary btn-small"
            disabled={busy}
            data-testid="withdraw"
            onClick={() => {
              if (window.confirm(t('library.resource.withdrawConfirm')))
                void run(async () => onChange(await api.withdrawResource(r.id)));
            }}
          >
            {t('library.resource.withdraw')}
          </button>
        )}
        {r.can.delete && (
          <button
            type="button"
            className="btn btn-danger btn-small"
            disabled={busy}
            data-testid="delete"
            onClick={() => {
              if (window.confirm(t('library.resource.deleteConfirm')))
                void run(async () => {
                  await api.deleteResource(r.id);
                  onDeleted();
                });
            }}
          >
            {t('library.resource.delete')}
          </button>
        )}
      </div>
      {r.status === 'published' && <AddToPack resource={r} onAdded={setNotice} />}
      {r.can.review && r.review && <ReviewActions resource={r} onDone={onChange} />}
    </section>
  );
}

function DownloadCurrent({
  resource: r,
  onDownloaded,
}: {
  resource: ResourceDto;
  onDownloaded: (r: ResourceDto) => void;
}) {
  const { t } = useTranslation();
  const [progress, setProgress] = useState<DownloadProgress | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const file = r.currentVersion?.files[0];
  if (!file) return null;
  const percent = progress?.total ? Math.floor((progress.received / progress.total) * 100) : 0;
  const download = async () => {
    setProgress({ received: 0, total: null, resuming: false });
    setProblem(null);
    try {
      // Large files stream to disk through the browser's download manager; small ones are
      // fetched here, continuing after a dropped link, then saved.
      if (downloadsByLink(file.size)) await downloadByLink(file.id, file.name);
      else saveBlob(await downloadResumably(`/api/resources/${r.id}/download`, setProgress), file.name);
      // Counted by the server; shown at once without fetching the resource again (that would count a view).
      onDownloaded({ ...r, counts: { ...r.counts, downloads: r.counts.downloads + 1 } });
    } catch (e) {
      setProblem(errorMessage(t, e));
    } finally {
      setProgress(null);
    }
  };
  return (
    <>
      <button
        type="button"
        className="btn btn-primary btn-small"
        data-testid="download-current"
        disabled={progress !== null}
        onClick={() => void download()}
      >
        {progress
          ? t('library.resource.downloadProgress', { percent })
          : `⤓ ${t('library.resource.downloadCurrent')}`}
      </button>
      {progress?.resuming && (
        <span role="status" data-testid="download-resuming">
          {t('library.resource.downloadResuming', { percent })}
        </span>
      )}
      {problem && (
        <span className="field-error" role="alert">
          {problem}
        </span>
      )}
    </>
  );
}

function AddToPack({ resource: r, onAdded }: { resource: ResourceDto; onAdded: (msg: string) => void }) {
  const { t } = useTranslation();
  const packs = useLoad(() => api.packs('mine'), []);
  const [packId, setPackId] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const mine = (packs.data ?? []).filter((p) => p.can.edit);
  if (!mine.length) return null;
  const add = async () => {
    const pack = mine.find((p) => p.id === packId);
    if (!pack) return;
    setFailure(null);
    try {
      const ids = pack.items.map((i) => i.resource.id);
      if (!ids.includes(r.id)) await api.setPackItems(pack.id, [...ids, r.id]);
      onAdded(t('library.resource.added', { title: pack.title }));
      packs.reload();
    } catch (e) {
      setFailure(e);
    }
  };
  return (
    <div className="toolbar add-to-pack">
      <label htmlFor="add-to-pack">{t('library.resource.addToPack')}</label>
      <select id="add-to-pack" value={packId} onChange={(e) => setPackId(e.target.value)}>
        <option value="">{t('library.resource.choosePack')}</option>
        {mine.map((p) => (
          <option key={p.id} value={p.id}>
            {p.title}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="btn btn-secondary btn-small"
        disabled={!packId}
        onClick={() => void add()}
      >
        {t('library.resource.addToPack')}
      </button>
      <ErrorAlert error={failure} />
    </div>
  );
}

/** 1–5 stars, one rating per teacher (changing it replaces the old one). */
export function RatingPanel({
  resource: r,
  onChange,
}: {
  resource: ResourceDto;
  onChange: (r: ResourceDto) => void;
}) {
  const { t } = useTranslation();
  const user = useUser();
  const [failure, setFailure] = useState<unknown>(null);
  const [thanks, setThanks] = useState(false);
  if (r.status !== 'published' || r.author.id === user.id) return null;
  const rate = async (stars: number) => {
    setFailure(null);
    try {
      onChange(await api.rateResource(r.id, stars));
      setThanks(true);
    } catch (e) {
      setFailure(e);
    }
  };
  return (
    <section className="panel" data-testid="rating">
      <h2>{t('library.resource.rating')}</h2>
      <div className="star-row" role="group" aria-label={t('library.resource.rating')}>
        {[1, 2, 3, 4, 5].map((n) => (
          <button
            key={n}
            type="button"
            className={`star${r.myRating !== null && n <= r.myRating ? ' star-on' : ''}`}
            aria-label={t('library.resource.rate', { n })}
            aria-pressed={r.myRating === n}
            onClick={() => void rate(n)}
          >
            {r.myRating !== null && n <= r.myRating ? '★' : '☆'}
          </button>
        ))}
        {r.myRating !== null && (
          <span className="muted" data-testid="my-rating">
            {t('library.resource.myRating', { n: r.myRating })}
          </span>
        )}
      </div>
      {thanks && <p role="status">{t('library.resource.rated')}</p>}
      <ErrorAlert error={failure} />
    </section>
  );
}

const MEDIA_KINDS: Record<string, 'img' | 'video' | 'audio'> = {
  png: 'img',
  jpeg: 'img',
  jpg: 'img',
  gif: 'img',
  webp: 'img',
  mp4: 'video',
  webm: 'video',
  mp3: 'audio',
  m4a: 'audio',
};
const OUTLINE_KINDS = new Set(['pdf', 'docx', 'pptx', 'xlsx', 'txt', 'md']);

/**
 * A preview on demand (nothing is fetched until asked, for weak links): images and media inline,
 * PDFs in a new window, and the extracted outline of documents.
 */
export function FilePreview({ files }: { files: ResourceFileDto[] }) {
  const { t, i18n } = useTranslation();
  const [fileId, setFileId] = useState(files[0]?.id ?? '');
  const file = files.find((f) => f.id === fileId) ?? files[0];
  const [shown, setShown] = useState<string | null>(null);
  if (!file) return null;
  return (
    <section className="panel" data-testid="resource-preview">
      <h2>{t('library.resource.preview')}</h2>
      {files.length > 1 && (
        <select
          aria-label={t('resourcePage.files')}
          value={file.id}
          onChange={(e) => {
            setFileId(e.target.value);
            setShown(null);
          }}
        >
          {files.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
      )}
      {shown === file.id ? (
        <PreviewBody file={file} />
      ) : (
        <button type="button" className="btn btn-secondary btn-small" onClick={() => setShown(file.id)}>
          {t('library.resource.showPreview')}
          {MEDIA_KINDS[file.kind] && ` · ${formatBytes(i18n.language, file.size)}`}
        </button>
      )}
    </section>
  );
}

function PreviewBody({ file }: { file: ResourceFileDto }) {
  const { t } = useTranslation();
  const media = MEDIA_KINDS[file.kind];
  const [url, setUrl] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const outline = useLoad<FileOutlineDto | null>(
    () =>
      OUTLINE_KINDS.has(file.kind) || file.kind in { doc: 1, ppt: 1, xls: 1 }
        ? api.fileOutline(file.id)
        : Promise.resolve(null),
    [file.id],
  );
  const [linkRound, setLinkRound] = useState(0);
  useEffect(() => {
    if (!media) return;
    let live = true;
    let made: string | null = null;
    // Audio and video play from a signed link with the browser's own range requests (nothing
    // held in memory, playback starts at once); images are small and fetched here.
    if (media !== 'img') {
      api.fileLink(file.id, 'preview').then(
        (link) => live && setUrl(link.url),
        (e: unknown) => live && setFailure(e),
      );
      return () => {
        live = false;
      };
    }
    api.fetchBlob(file.previewUrl).then(
      (b) => {
        if (!live) return;
        made = URL.createObjectURL(b);
        setUrl(made);
      },
      (e: unknown) => live && setFailure(e),
    );
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [file.id, file.previewUrl, media, linkRound]);
  // A link starts playback only within minutes (then serves the rest): replaying after that
  // asks for a new one, once.
  const renewLink = () => {
    if (linkRound < 1) setLinkRound((n) => n + 1);
  };

  const openWindow = async (path: string) => {
    setFailure(null);
    try {
      const blob = await api.fetchBlob(path);
      window.open(URL.createObjectURL(blob), '_blank', 'noopener');
    } catch (e) {
      setFailure(e);
    }
  };

  return (
    <div className="preview-body">
      <ErrorAlert error={failure} />
      {media && !url && !failure && <Loading label={t('library.resource.loadingPreview')} />}
      {media === 'img' && url && <img src={url} alt={file.name} className="preview-media" />}
      {media === 'video' && url && (
        <video src={url} controls preload="metadata" className="preview-media" onError={renewLink} />
      )}
      {media === 'audio' && url && <audio src={url} controls preload="metadata" onError={renewLink} />}
      {(file.kind === 'pdf' || (file.previewable && !media)) && (
        <button
          type="button"
          className="btn btn-secondary btn-small"
          onClick={() => void openWindow(file.previewUrl)}
        >
          {t('library.resource.openPreview')}
        </button>
      )}
      {outline.data?.rendering.available && outline.data.rendering.url && file.kind !== 'pdf' && (
        <button
          type="button"
          className="btn btn-secondary btn-small"
          onClick={() => void openWindow(outline.data?.rendering.url ?? '')}
        >
          {t('library.resource.openPreview')}
        </button>
      )}
      {outline.loading && OUTLINE_KINDS.has(file.kind) && <Loading />}
      {outline.data && (
        <div className="preview-outline" data-testid="preview-outline">
          <h3>{t('library.resource.outline')}</h3>
          {outline.data.outline.length ? (
            <ul>
              {outline.data.outline.slice(0, 50).map((line, i) => (
                <li key={i}>{line}</li>
              ))}
            </ul>
          ) : outline.data.text ? (
            <pre className="preview-text">{outline.data.text.slice(0, 4000)}</pre>
          ) : (
            <p className="muted">{t('library.resource.outlineEmpty')}</p>
          )}
        </div>
      )}
      {!media && !file.previewable && !outline.data && !outline.loading && (
        <p className="muted">{t('library.resource.previewNone')}</p>
      )}
    </div>
  );
}

/** The version history; the author starts a new version (then uploads its files). */
export function VersionsPanel({
  resource: r,
  onChange,
  onReload,
}: {
  resource: ResourceDto;
  onChange: (r: ResourceDto) => void;
  onReload: () => void;
}) {
  const { t, i18n } = useTranslation();
  const versions = useLoad<ResourceVersionDto[]>(
    () => api.resourceVersions(r.id),
    [r.id, r.currentVersion?.id],
  );
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [copyFiles, setCopyFiles] = useState(true);
  const [noteError, setNoteError] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [created, setCreated] = useState(false);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (!note.trim()) {
      setNoteError(t('library.field.required'));
      return;
    }
    setNoteError(null);
    setFailure(null);
    try {
      onChange(await api.createVersion(r.id, { note: note.trim(), copyFiles }));
      setCreated(true);
      setOpen(false);
      setNote('');
      onReload();
    } catch (err) {
      setFailure(err);
    }
  };

  return (
    <section className="panel" data-testid="resource-versions">
      <h2>{t('library.resource.versions')}</h2>
      {versions.loading && !versions.data && <Loading />}
      <ErrorAlert error={versions.error} onRetry={versions.reload} />
      <ol className="version-list">
        {(versions.data ?? []).map((v) => (
          <li key={v.id}>
            <strong>{t('library.resource.version', { n: v.number })}</strong>
            {v.id === r.currentVersion?.id && (
              <span className="badge badge-ready">{t('library.resource.current')}</span>
            )}{' '}
            {v.note && <span>{v.note}</span>}
            <br />
            <span className="muted">
              {t('library.resource.versionMeta', {
                name: v.createdBy.displayName,
                date: formatDate(i18n.language, v.createdAt, true),
                count: v.files.length,
              })}
              {v.files.length > 0 &&
                ` · ${formatBytes(
                  i18n.language,
                  v.files.reduce((s, f) => s + f.size, 0),
                )}`}
            </span>
          </li>
        ))}
      </ol>
      {created && (
        <SuccessNotice>
          {t('library.resource.versionCreated')}{' '}
          <Link to={`/library/upload?draft=${r.id}`}>{t('library.resource.uploadFile')}</Link>
        </SuccessNotice>
      )}
      {r.can.edit &&
        (open ? (
          <form className="subform" onSubmit={(e) => void create(e)} noValidate>
            <ErrorAlert error={failure} />
            <Field
              label={t('library.resource.versionNote')}
              hint={t('library.resource.versionNoteHint')}
              errors={noteError ? [noteError] : undefined}
              required
            >
              {(p) => (
                <input
                  {...p}
                  value={note}
                  maxLength={LIBRARY_LIMITS.noteMax}
                  onChange={(e) => setNote(e.target.value)}
                />
              )}
            </Field>
            <label className="check">
              <input type="checkbox" checked={copyFiles} onChange={(e) => setCopyFiles(e.target.checked)} />{' '}
              {t('library.resource.copyFiles')}
            </label>
            <div className="card-actions">
              <button type="submit" className="btn btn-primary btn-small">
                {t('library.resource.createVersion')}
              </button>
              <button type="button" className="btn btn-ghost btn-small" onClick={() => setOpen(false)}>
                {t('app.cancel')}
              </button>
            </div>
          </form>
        ) : (
          <button type="button" className="btn btn-secondary btn-small" onClick={() => setOpen(true)}>
            {t('library.resource.newVersion')}
          </button>
        ))}
    </section>
  );
}
