import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  LIBRARY_LIMITS,
  RESOURCE_VISIBILITIES,
  type LessonPackDto,
  type ResourceDto,
  type ResourceVisibility,
} from '@tongke/contracts';
import { api, ApiError } from '../../api/client';
import { ErrorAlert, Field, Loading, SuccessNotice, useLoad } from '../../components/ui';
import { usePageTitle } from '../../components/usePageTitle';
import { errorMessage, fieldErrors } from '../../format';
import { saveBlob } from '../../save-blob';
import { curriculumLine, formatBytes } from './library-ui';
import './library.css';

/** 课程包: the caller's lesson packs, and a form to start one. */
export function PacksPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('library.packs.title'));
  const navigate = useNavigate();
  const { data, error, loading, reload } = useLoad(() => api.packs('mine'), []);
  return (
    <div className="library-packs">
      <div className="page-head">
        <div>
          <h1>{t('library.packs.title')}</h1>
          <p className="lead">{t('library.packs.intro')}</p>
        </div>
      </div>
      <ErrorAlert error={error} onRetry={reload} />
      {loading && !data && <Loading />}
      {data && data.length === 0 && <p className="empty">{t('library.packs.empty')}</p>}
      {data && data.length > 0 && (
        <ul className="card-list" data-testid="pack-list">
          {data.map((p) => (
            <li key={p.id} className="card" data-testid="pack-card">
              <h2 className="card-title">
                <Link to={`/library/packs/${p.id}`}>{p.title}</Link>
              </h2>
              <p className="card-meta">
                {t('library.packs.summary', {
                  n: p.items.length,
                  size: formatBytes(i18n.language, p.totalBytes),
                })}
                {' · '}
                {t(`search.visibility.${p.visibility}`)}
              </p>
            </li>
          ))}
        </ul>
      )}
      <PackForm onSaved={(p) => void navigate(`/library/packs/${p.id}`)} />
    </div>
  );
}

function PackForm({ pack, onSaved }: { pack?: LessonPackDto; onSaved: (p: LessonPackDto) => void }) {
  const { t } = useTranslation();
  const [title, setTitle] = useState(pack?.title ?? '');
  const [description, setDescription] = useState(pack?.description ?? '');
  const [visibility, setVisibility] = useState<ResourceVisibility>(pack?.visibility ?? 'school');
  const [errs, setErrs] = useState<Record<string, string[]>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    if (!title.trim()) {
      setErrs({ title: [t('library.field.required')] });
      return;
    }
    setErrs({});
    setFailure(null);
    setBusy(true);
    try {
      const req = { title: title.trim(), description: description.trim(), visibility };
      const saved = pack ? await api.updatePack(pack.id, req) : await api.createPack(req);
      setSaved(true);
      onSaved(saved);
    } catch (err) {
      setErrs(fieldErrors(err));
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className={`panel${pack ? '' : ' create-panel'}`} onSubmit={(e) => void submit(e)} noValidate>
      <h2>{pack ? t('library.packs.save') : t('library.packs.create')}</h2>
      <ErrorAlert error={failure} />
      {saved && pack && <SuccessNotice>{t('library.packs.saved')}</SuccessNotice>}
      <div className="form-row">
        <Field label={t('library.packs.titleLabel')} errors={errs.title} required>
          {(p) => (
            <input
              {...p}
              value={title}
              maxLength={LIBRARY_LIMITS.packTitleMax}
              data-testid="pack-title"
              onChange={(e) => setTitle(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('library.packs.visibility')} errors={errs.visibility}>
          {(p) => (
            <select
              {...p}
              value={visibility}
              onChange={(e) => setVisibility(e.target.value as ResourceVisibility)}
            >
              {RESOURCE_VISIBILITIES.map((v) => (
                <option key={v} value={v}>
                  {t(`search.visibility.${v}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label={t('library.packs.description')} errors={errs.description} required={false}>
        {(p) => (
          <textarea
            {...p}
            rows={2}
            maxLength={LIBRARY_LIMITS.descriptionMax}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        )}
      </Field>
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="pack-save">
        {pack ? t('library.packs.save') : t('library.packs.create')}
      </button>
    </form>
  );
}

/** One lesson pack: its ordered resources (reorder, add, remove) and the zip download. */
export function PackPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { data: pack, error, loading, reload, setData } = useLoad(() => api.pack(id), [id]);
  usePageTitle(pack?.title ?? t('library.packs.title'));
  const [failure, setFailure] = useState<unknown>(null);
  const [downloading, setDownloading] = useState(false);
  const back = (
    <p className="breadcrumb">
      <Link to="/library/packs">← {t('library.packs.back')}</Link>
    </p>
  );

  if (loading && !pack) return <Loading />;
  if (error)
    return (
      <>
        {back}
        {error instanceof ApiError && error.status === 404 ? (
          <p className="empty">{errorMessage(t, error)}</p>
        ) : (
          <ErrorAlert error={error} onRetry={reload} />
        )}
      </>
    );
  if (!pack) return null;
  const ids = pack.items.map((i) => i.resource.id);

  const setItems = async (next: string[]) => {
    setFailure(null);
    try {
      setData(await api.setPackItems(pack.id, next));
    } catch (e) {
      setFailure(e);
    }
  };
  const move = (from: number, to: number) => {
    const next = [...ids];
    const [x] = next.splice(from, 1);
    if (x !== undefined) next.splice(to, 0, x);
    void setItems(next);
  };
  const download = async () => {
    setDownloading(true);
    setFailure(null);
    try {
      saveBlob(await api.fetchBlob(pack.downloadUrl), `${pack.title}.zip`);
    } catch (e) {
      setFailure(e);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <div className="library-pack" data-testid="pack-page">
      {back}
      <div className="page-head">
        <div>
          <h1>{pack.title}</h1>
          <p className="lead">
            {t('library.packs.owner', { name: pack.owner.displayName })} ·{' '}
            {t('library.packs.summary', {
              n: pack.items.length,
              size: formatBytes(i18n.language, pack.totalBytes),
            })}
          </p>
          {pack.description && <p>{pack.description}</p>}
        </div>
        <button
          type="button"
          className="btn btn-primary"
          disabled={downloading || pack.items.length === 0}
          data-testid="pack-download"
          onClick={() => void download()}
        >
          {downloading ? t('library.packs.downloading') : `⤓ ${t('library.packs.download')}`}
        </button>
      </div>
      <ErrorAlert error={failure} />
      {pack.hiddenItems > 0 && <p className="muted">{t('library.packs.hidden', { n: pack.hiddenItems })}</p>}
      <section className="panel">
        <h2>{t('library.packs.items')}</h2>
        {pack.items.length === 0 ? (
          <p className="muted">{t('library.packs.noItems')}</p>
        ) : (
          <ol className="pack-items" data-testid="pack-items">
            {pack.items.map((item, i) => (
              <li key={item.resource.id} className="pack-item" data-resource-id={item.resource.id}>
                <div>
                  <Link to={`/library/resources/${item.resource.id}`}>{item.resource.title}</Link>
                  <br />
                  <span className="muted">{curriculumLine(t, item.resource)}</span>
                </div>
                {pack.can.edit && (
                  <div className="card-actions">
                    <button
                      type="button"
                      className="btn btn-ghost btn-small"
                      disabled={i === 0}
                      aria-label={`${t('library.packs.moveUp')}: ${item.resource.title}`}
                      onClick={() => move(i, i - 1)}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="btn btn-ghost btn-small"
                      disabled={i === pack.items.length - 1}
                      aria-label={`${t('library.packs.moveDown')}: ${item.resource.title}`}
                      onClick={() => move(i, i + 1)}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      className="btn btn-ghost btn-small"
                      onClick={() => void setItems(ids.filter((x) => x !== item.resource.id))}
                    >
                      {t('library.packs.remove')}
                    </button>
                  </div>
                )}
              </li>
            ))}
          </ol>
        )}
        {pack.can.edit && <AddItem exclude={ids} onAdd={(rid) => void setItems([...ids, rid])} />}
      </section>
      {pack.can.edit && (
        <>
          <PackForm key={pack.updatedAt} pack={pack} onSaved={setData} />
          <button
            type="button"
            className="btn btn-danger"
            onClick={() => {
              if (window.confirm(t('library.packs.deleteConfirm')))
                api.deletePack(pack.id).then(
                  () => void navigate('/library/packs'),
                  (e: unknown) => setFailure(e),
                );
            }}
          >
            {t('library.packs.delete')}
          </button>
        </>
      )}
    </div>
  );
}

/** Candidates: the caller's favourites and own published resources. */
function AddItem({ exclude, onAdd }: { exclude: string[]; onAdd: (id: string) => void }) {
  const { t } = useTranslation();
  const [choice, setChoice] = useState('');
  const [options, setOptions] = useState<ResourceDto[] | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    Promise.all([
      api.resources({ scope: 'favourites', pageSize: 100 }),
      api.resources({ scope: 'mine', status: 'published', pageSize: 100 }),
    ]).then(
      ([fav, mine]) => {
        if (!live) return;
        const seen = new Set<string>();
        setOptions([...fav.items, ...mine.items].filter((r) => !seen.has(r.id) && !!seen.add(r.id)));
      },
      (e: unknown) => live && setFailure(e),
    );
    return () => {
      live = false;
    };
  }, []);
  const available = (options ?? []).filter((r) => !exclude.includes(r.id));
  return (
    <div className="subform">
      <ErrorAlert error={failure} />
      {options && available.length === 0 ? (
        <p className="muted">{t('library.packs.addNone')}</p>
      ) : (
        <div className="toolbar">
          <label htmlFor="pack-add">{t('library.packs.add')}</label>
          <select id="pack-add" value={choice} onChange={(e) => setChoice(e.target.value)}>
            <option value="">{t('library.packs.addHint')}</option>
            {available.map((r) => (
              <option key={r.id} value={r.id}>
                {r.title}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn btn-secondary btn-small"
            disabled={!choice}
            onClick={() => {
              onAdd(choice);
              setChoice('');
            }}
          >
            {t('library.packs.add')}
          </button>
        </div>
      )}
    </div>
  );
}
