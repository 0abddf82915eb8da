import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  EDITION_CODES,
  LICENSE_CODES,
  LIBRARY_LIMITS,
  RESOURCE_TYPE_CODES,
  RESOURCE_VISIBILITIES,
  STAGE_CODES,
  TAXONOMY,
  VOLUME_CODES,
  type CreateResourceRequest,
  type ResourceDto,
  type ResourceVisibility,
} from '@tongke/contracts';
import { api, ApiError } from '../../api/client';
import { ErrorAlert, Field, Loading, SuccessNotice, useLoad } from '../../components/ui';
import { usePageTitle } from '../../components/usePageTitle';
import { errorMessage, fieldErrors } from '../../format';
import { facetValueLabel } from './facet-labels';
import { curriculumLine, formatBytes } from './library-ui';
import { useTusUpload } from './tus-upload';
import './library.css';

/** Extensions of the kinds the API accepts (it decides from the bytes; this only saves a wasted upload). */
const ACCEPTED = [
  'pdf',
  'doc',
  'docx',
  'ppt',
  'pptx',
  'xls',
  'xlsx',
  'png',
  'jpg',
  'jpeg',
  'gif',
  'webp',
  'mp4',
  'webm',
  'mp3',
  'm4a',
  'txt',
  'md',
];
const extOf = (name: string) => (name.includes('.') ? (name.split('.').pop() ?? '').toLowerCase() : '');
const needsReview = (v: ResourceVisibility) => v === 'district' || v === 'public';

/** The file chosen on the form, handed to the draft step (a File cannot go into the URL). */
let handoff: { resourceId: string; file: File } | null = null;

/** 上传资源: the curriculum details, then a resumable upload into the new draft, then submit. */
export function UploadPage() {
  const { t } = useTranslation();
  usePageTitle(t('library.upload.title'));
  const [params, setParams] = useSearchParams();
  const draft = params.get('draft');
  const config = useLoad(() => api.clientConfig(), []);
  const maxBytes = config.data?.uploadMaxBytes ?? null;
  return (
    <div className="library-upload">
      <div className="page-head">
        <div>
          <h1>{t('library.upload.title')}</h1>
          <p className="lead">{t('library.upload.intro')}</p>
        </div>
      </div>
      {draft ? (
        <DraftUpload
          key={draft}
          id={draft}
          maxBytes={maxBytes}
          onNew={() => setParams(new URLSearchParams(), { replace: false })}
        />
      ) : (
        <MetadataForm
          maxBytes={maxBytes}
          onCreated={(r, file) => {
            handoff = { resourceId: r.id, file };
            setParams({ draft: r.id }, { replace: true });
          }}
        />
      )}
    </div>
  );
}

/** A readable reason to refuse a file before sending a byte of it, or null. */
function useFileProblem(maxBytes: number | null) {
  const { t, i18n } = useTranslation();
  return (file: File | null): string | null => {
    if (!file) return t('library.upload.noFile');
    const ext = extOf(file.name);
    if (!ACCEPTED.includes(ext)) return t('library.upload.typeNotAllowed', { ext: ext || '?' });
    if (file.size === 0) return t('library.upload.empty');
    if (maxBytes !== null && file.size > maxBytes)
      return t('library.upload.tooBig', {
        size: formatBytes(i18n.language, file.size),
        max: formatBytes(i18n.language, maxBytes),
      });
    return null;
  };
}

function FileInput({
  maxBytes,
  error,
  onChange,
}: {
  maxBytes: number | null;
  error: string | null;
  onChange: (f: File | null) => void;
}) {
  const { t, i18n } = useTranslation();
  return (
    <Field
      label={t('library.upload.file')}
      hint={t('library.upload.fileHint', {
        max: maxBytes === null ? '…' : formatBytes(i18n.language, maxBytes),
      })}
      errors={error ? [error] : undefined}
      required
    >
      {(p) => (
        <input
          {...p}
          type="file"
          data-testid="upload-file"
          accept={ACCEPTED.map((e) => `.${e}`).join(',')}
          onChange={(e) => onChange(e.target.files?.[0] ?? null)}
        />
      )}
    </Field>
  );
}

interface FormState {
  title: string;
  description: string;
  stage: string;
  subject: string;
  grade: string;
  edition: string;
  volume: string;
  unit: string;
  lessonPeriod: string;
  resourceType: string;
  tags: string;
  license: string;
  visibility: ResourceVisibility;
}

const EMPTY: FormState = {
  title: '',
  description: '',
  stage: '',
  subject: '',
  grade: '',
  edition: '',
  volume: '',
  unit: '',
  lessonPeriod: '',
  resourceType: '',
  tags: '',
  license: 'cc-by-4.0',
  visibility: 'district',
};

const splitTags = (s: string) =>
  s
    .split(/[,，、\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

const formOf = (r: ResourceDto): FormState => ({
  title: r.title,
  description: r.description,
  stage: r.stage.code,
  subject: r.subject.code,
  grade: r.grade,
  edition: r.edition.code,
  volume: r.volume.code,
  unit: r.unit,
  lessonPeriod: r.lessonPeriod === null ? '' : String(r.lessonPeriod),
  resourceType: r.resourceType.code,
  tags: r.tags.join('，'),
  license: r.license.code,
  visibility: r.visibility,
});

/** New: the details and the file (creates the draft). Editing (`resource`): the details only. */
function MetadataForm({
  maxBytes,
  onCreated,
  resource,
  onSaved,
  onCancel,
}: {
  maxBytes: number | null;
  onCreated?: (r: ResourceDto, file: File) => void;
  resource?: ResourceDto;
  onSaved?: (r: ResourceDto) => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const editing = resource !== undefined;
  const [f, setF] = useState<FormState>(() => (resource ? formOf(resource) : EMPTY));
  const [file, setFile] = useState<File | null>(null);
  const [errs, setErrs] = useState<Record<string, string[]>>({});
  const [fileError, setFileError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const fileProblem = useFileProblem(maxBytes);
  const set = (k: keyof FormState) => (v: string) => setF((s) => ({ ...s, [k]: v }));

  const stage = TAXONOMY.stages.find((s) => s.code === f.stage);
  const subjects = TAXONOMY.subjects.filter(
    (s) => !f.stage || (s.stages as readonly string[]).includes(f.stage),
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string[]> = {};
    const required: (keyof FormState)[] = [
      'title',
      'stage',
      'subject',
      'grade',
      'edition',
      'volume',
      'resourceType',
      'license',
    ];
    for (const k of required) if (!f[k].trim()) problems[k] = [t('library.field.required')];
    const period = f.lessonPeriod.trim() ? Number(f.lessonPeriod) : null;
    if (
      period !== null &&
      (!Number.isInteger(period) || period < 1 || period > LIBRARY_LIMITS.lessonPeriodMax)
    )
      problems.lessonPeriod = [t('library.field.lessonPeriodInvalid')];
    const tags = splitTags(f.tags);
    if (tags.length > LIBRARY_LIMITS.tagsMax || tags.some((x) => x.length > LIBRARY_LIMITS.tagMax))
      problems.tags = [t('library.field.tooManyTags')];
    const fp = editing ? null : fileProblem(file);
    setErrs(problems);
    setFileError(fp);
    if (Object.keys(problems).length || fp || (!editing && !file)) return;
    const req: CreateResourceRequest = {
      title: f.title.trim(),
      description: f.description.trim() || (editing ? '' : undefined),
      subject: f.subject,
      stage: f.stage,
      grade: f.grade,
      edition: f.edition,
      volume: f.volume,
      unit: f.unit.trim() || (editing ? '' : undefined),
      lessonPeriod: period,
      resourceType: f.resourceType,
      tags,
      license: f.license,
      visibility: f.visibility,
    };
    setBusy(true);
    setFailure(null);
    try {
      if (resource) {
        const { visibility: _intended, ...changes } = req;
        onSaved?.(await api.updateResource(resource.id, changes));
        setBusy(false);
      } else if (file) {
        onCreated?.(await api.createResource(req), file);
      }
    } catch (err) {
      setErrs(fieldErrors(err));
      setFailure(err);
      setBusy(false);
    }
  };

  const select = (
    k: keyof FormState,
    label: string,
    options: { value: string; label: string }[],
    extra?: { hint?: string; onPick?: (v: string) => void },
  ) => (
    <Field label={label} errors={errs[k]} required hint={extra?.hint}>
      {(p) => (
        <select
          {...p}
          value={f[k]}
          onChange={(e) => (extra?.onPick ?? set(k))(e.target.value)}
          data-testid={`upload-${k}`}
        >
          <option value="">{t('library.field.choose')}</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );

  return (
    <form
      className={editing ? 'subform' : 'panel create-panel'}
      onSubmit={(e) => void submit(e)}
      noValidate
      data-testid={editing ? 'edit-form' : 'upload-form'}
    >
      {!editing && <h2>{t('library.upload.metaTitle')}</h2>}
      <ErrorAlert error={failure} />
      <Field label={t('library.field.title')} errors={errs.title} required>
        {(p) => (
          <input
            {...p}
            value={f.title}
            maxLength={LIBRARY_LIMITS.titleMax}
            onChange={(e) => set('title')(e.target.value)}
          />
        )}
      </Field>
      <div className="form-row">
        {select(
          'stage',
          t('library.field.stage'),
          STAGE_CODES.map((c) => ({ value: c, label: facetValueLabel(t, 'stage', c) })),
          { onPick: (v) => setF((s) => ({ ...s, stage: v, grade: '', subject: '' })) },
        )}
        {select(
          'subject',
          t('library.field.subject'),
          subjects.map((s) => ({ value: s.code, label: facetValueLabel(t, 'subject', s.code, s.name) })),
        )}
        {select(
          'grade',
          t('library.field.grade'),
          (stage?.grades ?? []).map((g) => ({ value: g, label: facetValueLabel(t, 'grade', g) })),
        )}
      </div>
      <div className="form-row">
        {select(
          'edition',
          t('library.field.edition'),
          EDITION_CODES.map((c) => ({ value: c, label: facetValueLabel(t, 'edition', c) })),
        )}
        {select(
          'volume',
          t('library.field.volume'),
          VOLUME_CODES.map((c) => ({ value: c, label: facetValueLabel(t, 'volume', c) })),
        )}
        {select(
          'resourceType',
          t('library.field.resourceType'),
          RESOURCE_TYPE_CODES.map((c) => ({ value: c, label: facetValueLabel(t, 'resourceType', c) })),
        )}
      </div>
      <div className="form-row">
        <Field
          label={t('library.field.unit')}
          hint={t('library.field.unitHint')}
          errors={errs.unit}
          required={false}
        >
          {(p) => (
            <input
              {...p}
              value={f.unit}
              maxLength={LIBRARY_LIMITS.unitMax}
              onChange={(e) => set('unit')(e.target.value)}
            />
          )}
        </Field>
        <Field
          label={t('library.field.lessonPeriod')}
          hint={t('library.field.lessonPeriodHint')}
          errors={errs.lessonPeriod}
          required={false}
        >
          {(p) => (
            <input
              {...p}
              type="number"
              min={1}
              max={LIBRARY_LIMITS.lessonPeriodMax}
              inputMode="numeric"
              value={f.lessonPeriod}
              onChange={(e) => set('lessonPeriod')(e.target.value)}
            />
          )}
        </Field>
      </div>
      <Field label={t('library.field.description')} errors={errs.description} required={false}>
        {(p) => (
          <textarea
            {...p}
            rows={3}
            maxLength={LIBRARY_LIMITS.descriptionMax}
            value={f.description}
            onChange={(e) => set('description')(e.target.value)}
          />
        )}
      </Field>
      <div className="form-row">
        <Field
          label={t('library.field.tags')}
          hint={t('library.field.tagsHint')}
          errors={errs.tags}
          required={false}
        >
          {(p) => <input {...p} value={f.tags} onChange={(e) => set('tags')(e.target.value)} />}
        </Field>
        {select(
          'license',
          t('library.field.license'),
          LICENSE_CODES.map((c) => ({ value: c, label: facetValueLabel(t, 'license', c) })),
        )}
        {!editing &&
          select(
            'visibility',
            t('library.field.visibility'),
            RESOURCE_VISIBILITIES.map((v) => ({ value: v, label: t(`search.visibility.${v}`) })),
            { hint: t('library.field.visibilityHint') },
          )}
      </div>
      {editing ? (
        <div className="card-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="edit-save">
            {t('library.upload.save')}
          </button>
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            {t('app.cancel')}
          </button>
        </div>
      ) : (
        <>
          <h2>{t('library.upload.fileTitle')}</h2>
          <FileInput
            maxBytes={maxBytes}
            error={fileError}
            onChange={(file) => {
              setFile(file);
              setFileError(file ? fileProblem(file) : null);
            }}
          />
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="upload-start">
            {busy ? t('library.upload.creating') : t('library.upload.start')}
          </button>
        </>
      )}
    </form>
  );
}

/** A draft's files: upload (resumable), then submit for review or publish. */
function DraftUpload({ id, maxBytes, onNew }: { id: string; maxBytes: number | null; onNew: () => void }) {
  const { t, i18n } = useTranslation();
  const { data: r, error, loading, reload, setData } = useLoad(() => api.resource(id), [id]);
  const { state, start, pause, resume, reset } = useTusUpload(reload);
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [visibility, setVisibility] = useState<ResourceVisibility | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [submitted, setSubmitted] = useState<ResourceDto | null>(null);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const fileProblem = useFileProblem(maxBytes);

  // The file chosen on the form starts uploading as soon as the draft exists. The hand-off is
  // kept until the upload is done, so a remount (React's development double-mount, or coming
  // back to this page) continues it rather than losing it.
  useEffect(() => {
    if (!handoff || handoff.resourceId !== id) return;
    setFile(handoff.file);
    void start(handoff.file, id);
  }, [id, start]);
  useEffect(() => {
    if ((state.phase === 'done' || state.phase === 'error') && handoff?.resourceId === id) handoff = null;
  }, [state.phase, id]);

  const chosenVisibility = visibility ?? r?.visibility ?? 'district';
  const percent = state.total ? Math.floor((state.sent / state.total) * 100) : 0;
  const active = state.phase === 'uploading' || state.phase === 'retrying';
  const files = r?.currentVersion?.files ?? [];
  const sizes = useMemo(
    () => ({
      done: formatBytes(i18n.language, state.sent),
      total: formatBytes(i18n.language, state.total),
    }),
    [i18n.language, state.sent, state.total],
  );

  if (loading && !r) return <Loading />;
  if (error) {
    if (error instanceof ApiError && error.status === 404)
      return <p className="empty">{t('library.upload.notFound')}</p>;
    return <ErrorAlert error={error} onRetry={reload} />;
  }
  if (!r) return null;

  const submit = async () => {
    setSubmitting(true);
    setSubmitError(null);
    try {
      const next = await api.submitResource(r.id, chosenVisibility);
      setData(next);
      setSubmitted(next);
    } catch (e) {
      setSubmitError(e);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <>
      <section className="panel" data-testid="upload-draft" data-resource-id={r.id}>
        <h2>{t('library.upload.draftTitle', { title: r.title })}</h2>
        <p className="muted">{curriculumLine(t, r)}</p>
        {r.lastRejection && r.status === 'draft' && (
          <p className="alert alert-error" data-testid="draft-rejection">
            {t('library.resource.rejection', { reason: r.lastRejection })}
          </p>
        )}
        {saved && <SuccessNotice testId="edit-saved">{t('library.upload.saved')}</SuccessNotice>}
        {r.can.edit &&
          (editing ? (
            <MetadataForm
              maxBytes={maxBytes}
              resource={r}
              onSaved={(next) => {
                setData(next);
                setEditing(false);
                setSaved(true);
              }}
              onCancel={() => setEditing(false)}
            />
          ) : (
            <button
              type="button"
              className="btn btn-secondary btn-small"
              data-testid="edit-details"
              onClick={() => {
                setSaved(false);
                setEditing(true);
              }}
            >
              {t('library.upload.edit')}
            </button>
          ))}
        {r.status === 'draft' && state.phase === 'idle' && files.length === 0 && (
          <p>{t('library.upload.draftResume')}</p>
        )}
        <h3>{t('library.upload.files')}</h3>
        {files.length === 0 ? (
          <p className="muted">{t('library.upload.noFiles')}</p>
        ) : (
          <ul className="resource-files" data-testid="upload-files">
            {files.map((x) => (
              <li key={x.id} className="resource-file">
                <span className="resource-file-name">{x.name}</span>
                <span className="muted">{formatBytes(i18n.language, x.size)}</span>
              </li>
            ))}
          </ul>
        )}

        {state.phase !== 'idle' && (
          <div className="upload-progress" data-testid="upload-progress" data-phase={state.phase}>
            <p className="upload-file-name">{state.fileName}</p>
            <progress max={100} value={percent} aria-label={state.fileName} />
            <p role="status" data-testid="upload-status">
              {t('library.upload.progress', { done: sizes.done, total: sizes.total, percent })}
            </p>
            {state.resumedFrom !== null && state.total > 0 && (
              <p className="muted" data-testid="upload-resumed">
                {t('library.upload.resumedFrom', {
                  percent: Math.floor((state.resumedFrom / state.total) * 100),
                })}
              </p>
            )}
            {state.phase === 'retrying' && (
              <p className="alert alert-info" role="status" data-testid="upload-retrying">
                {t('library.upload.retrying', { n: state.attempt })}
              </p>
            )}
            {state.phase === 'paused' && <p data-testid="upload-paused">{t('library.upload.paused')}</p>}
            {state.phase === 'done' && (
              <SuccessNotice testId="upload-done">
                {t('library.upload.done', { name: state.fileName })}
              </SuccessNotice>
            )}
            {state.phase === 'error' && (
              <div className="alert alert-error" role="alert" data-testid="upload-error">
                <p>{t('library.upload.failed', { message: errorMessage(t, state.error) })}</p>
              </div>
            )}
            <div className="card-actions">
              {active && (
                <button type="button" className="btn btn-secondary btn-small" onClick={pause}>
                  {t('library.upload.pause')}
                </button>
              )}
              {(state.phase === 'paused' ||
                (state.phase === 'error' &&
                  !(state.error instanceof ApiError && [400, 413, 415].includes(state.error.status)))) && (
                <button type="button" className="btn btn-primary btn-small" onClick={resume}>
                  {t('library.upload.resume')}
                </button>
              )}
            </div>
          </div>
        )}
        {r.can.upload && (state.phase === 'idle' || state.phase === 'done' || state.phase === 'error') && (
          <div className="subform">
            <FileInput
              maxBytes={maxBytes}
              error={fileError}
              onChange={(f) => {
                setFile(f);
                setFileError(f ? fileProblem(f) : null);
              }}
            />
            <button
              type="button"
              className="btn btn-secondary"
              data-testid="upload-start"
              onClick={() => {
                const problem = fileProblem(file);
                setFileError(problem);
                if (!problem && file) {
                  handoff = null;
                  reset();
                  void start(file, r.id);
                }
              }}
            >
              {t('library.upload.startFile')}
            </button>
          </div>
        )}
      </section>

      <section className="panel">
        <h2>{t('library.upload.submitTitle')}</h2>
        {submitted ? (
          <SuccessNotice testId="upload-submitted">
            <p>
              {submitted.status === 'pending_review'
                ? t('library.upload.submitted')
                : t('library.upload.published')}
            </p>
            <p>
              <Link to={`/library/resources/${submitted.id}`}>{t('library.upload.viewResource')}</Link>
              {' · '}
              <button type="button" className="btn btn-ghost btn-small" onClick={onNew}>
                {t('library.upload.newResource')}
              </button>
            </p>
          </SuccessNotice>
        ) : (
          <>
            <ErrorAlert error={submitError} />
            <Field label={t('library.field.visibility')} hint={t('library.field.visibilityHint')}>
              {(p) => (
                <select
                  {...p}
                  value={chosenVisibility}
                  data-testid="submit-visibility"
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
            <button
              type="button"
              className="btn btn-primary"
              data-testid="upload-submit"
              disabled={submitting || active || !r.can.submit || files.length === 0}
              onClick={() => void submit()}
            >
              {needsReview(chosenVisibility) ? t('library.upload.submit') : t('library.upload.publish')}
            </button>
          </>
        )}
      </section>
    </>
  );
}
