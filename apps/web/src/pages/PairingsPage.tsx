import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  PAIRING_STATUSES,
  TAXONOMY,
  subjectTaughtAt,
  type ClassroomDto,
  type PairingDto,
  type PairingStatus,
  type SchoolDto,
} from '@tongke/contracts';
import { api } from '../api/client';
import { isDistrictAdmin, useUser } from '../auth/session';
import {
  ErrorAlert,
  Field,
  FieldErrors,
  Loading,
  LocaleBadge,
  StatusBadge,
  SuccessNotice,
  useLoad,
} from '../components/ui';
import { usePageTitle } from '../components/usePageTitle';
import {
  fieldErrors,
  formatDate,
  gradeName,
  isValidTerm,
  subjectName,
  suggestedTerms,
  termLabel,
} from '../format';

export function PairingsPage() {
  const { t } = useTranslation();
  const user = useUser();
  const manage = isDistrictAdmin(user);
  usePageTitle(t('pairings.title'));
  const [params, setParams] = useSearchParams();
  const raw = params.get('status');
  const status = (PAIRING_STATUSES as readonly string[]).includes(raw ?? '')
    ? (raw as PairingStatus)
    : undefined;
  const list = useLoad(() => api.pairings(status), [status]);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (notice) noticeRef.current?.scrollIntoView({ block: 'nearest' });
  }, [notice]);

  function replace(p: PairingDto) {
    list.setData((items) => items?.map((x) => (x.id === p.id ? p : x)));
  }

  return (
    <>
      <div className="page-head">
        <div>
          <h1>{t('pairings.title')}</h1>
          <p className="lead">{t('pairings.intro')}</p>
        </div>
        {manage && !creating && (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="pairing-new"
            onClick={() => {
              setNotice(null);
              setCreating(true);
            }}
          >
            ＋ {t('pairings.create')}
          </button>
        )}
      </div>
      {!manage && <p className="info">{t('pairings.readOnly')}</p>}
      {creating && (
        <CreatePairingForm
          onCancel={() => setCreating(false)}
          onCreated={(p) => {
            setCreating(false);
            setNotice(t('pairings.created'));
            setHighlight(p.id);
            if (status && status !== p.status) setParams({}, { replace: true });
            else list.reload();
          }}
        />
      )}
      <div className="toolbar">
        <label htmlFor="pairing-status-filter">{t('pairings.filterStatus')}</label>
        <select
          id="pairing-status-filter"
          value={status ?? ''}
          onChange={(e) => setParams(e.target.value ? { status: e.target.value } : {}, { replace: true })}
        >
          <option value="">{t('pairings.all')}</option>
          {PAIRING_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`pairings.status.${s}`)}
            </option>
          ))}
        </select>
        {list.data && <span className="muted">{t('pairings.count', { count: list.data.length })}</span>}
      </div>
      <div ref={noticeRef}>{notice && <SuccessNotice testId="pairing-notice">{notice}</SuccessNotice>}</div>
      <ErrorAlert error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.length === 0 && (
        <p className="empty">{status ? t('pairings.emptyFiltered') : t('pairings.empty')}</p>
      )}
      {list.data && list.data.length > 0 && (
        <ul className="card-list" data-testid="pairing-list" aria-busy={list.loading}>
          {list.data.map((p) => (
            <li key={p.id}>
              <PairingCard
                pairing={p}
                manage={manage}
                highlight={p.id === highlight}
                onChanged={(np, message) => {
                  replace(np);
                  setNotice(message);
                  setHighlight(np.id);
                }}
              />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function PairingCard({
  pairing: p,
  manage,
  highlight,
  onChanged,
}: {
  pairing: PairingDto;
  manage: boolean;
  highlight: boolean;
  onChanged: (p: PairingDto, message: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [ending, setEnding] = useState(false);
  const [reason, setReason] = useState('');
  const titleId = useId();
  const schoolName = (id: string) => p.partnerSchools.find((s) => s.id === id)?.name;
  // The equity report of a pairing is for administrators (the API answers 404 to teachers).
  const canReport = useUser().role !== 'teacher';

  async function act(run: () => Promise<PairingDto>, message: string) {
    setBusy(true);
    setError(null);
    try {
      const np = await run();
      setEnding(false);
      setReason('');
      onChanged(np, message);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <article
      className={`card pairing-card pairing-${p.status}${highlight ? ' card-highlight' : ''}`}
      aria-labelledby={titleId}
      data-testid="pairing-card"
      data-pairing-id={p.id}
      data-status={p.status}
    >
      <div className="card-head">
        <h2 className="card-title" id={titleId}>
          {p.urbanSchool.name}
          <span className="arrow" aria-hidden="true">
            {' ⇄ '}
          </span>
          <span className="visually-hidden"> — </span>
          {p.partnerSchools.map((s) => s.name).join(t('app.listSep'))}
        </h2>
        <StatusBadge status={p.status} />
      </div>
      <dl className="facts facts-grid">
        <div>
          <dt>{t('pairings.urbanSchool')}</dt>
          <dd data-testid="pairing-urban">
            {p.urbanSchool.name} <LocaleBadge locale="urban" />
          </dd>
        </div>
        <div>
          <dt>{t('pairings.partnerSchools')}</dt>
          <dd data-testid="pairing-partners">
            <ul className="inline-list">
              {p.partnerSchools.map((s) => (
                <li key={s.id}>
                  {s.name} <LocaleBadge locale={s.locale} />
                </li>
              ))}
            </ul>
          </dd>
        </div>
        <div>
          <dt>{t('pairings.masterTeacher')}</dt>
          <dd data-testid="pairing-master">{p.masterTeacher.displayName}</dd>
        </div>
        <div>
          <dt>{t('pairings.term')}</dt>
          <dd data-testid="pairing-term" data-term={p.term}>
            {termLabel(t, p.term)}
          </dd>
        </div>
        <div>
          <dt>{t('pairings.subjects')}</dt>
          <dd data-testid="pairing-subjects">
            {p.subjects.map((c) => subjectName(t, c)).join(t('app.listSep'))}
          </dd>
        </div>
        <div>
          <dt>{t('pairings.classrooms')}</dt>
          <dd data-testid="pairing-classrooms">
            {p.classrooms.length === 0
              ? t('pairings.noClassrooms')
              : p.classrooms
                  .map((c) => `${schoolName(c.schoolId) ?? ''} ${c.name}`.trim())
                  .join(t('app.listSep'))}
          </dd>
        </div>
        {p.activatedAt && (
          <div>
            <dt>{t('pairings.activatedAt')}</dt>
            <dd>{formatDate(i18n.language, p.activatedAt)}</dd>
          </div>
        )}
        {p.endedAt && (
          <div>
            <dt>{t('pairings.endedAt')}</dt>
            <dd>{formatDate(i18n.language, p.endedAt)}</dd>
          </div>
        )}
        {p.endReason && (
          <div>
            <dt>{t('pairings.endReason')}</dt>
            <dd>{p.endReason}</dd>
          </div>
        )}
      </dl>
      {canReport && (
        <p className="card-meta">
          <Link
            to={`/equity/pairings/${p.id}`}
            aria-label={t('equity.pairing.linkFor', { urban: p.urbanSchool.name })}
            data-testid="pairing-report-link"
          >
            {t('equity.pairing.link')} →
          </Link>
        </p>
      )}
      <ErrorAlert error={error} />
      {manage && p.status !== 'ended' && (
        <div
          className="card-actions"
          role="group"
          aria-label={t('pairings.actionsFor', { urban: p.urbanSchool.name })}
        >
          {p.status === 'proposed' && !ending && (
            <button
              type="button"
              className="btn btn-primary"
              disabled={busy}
              data-testid="pairing-activate"
              onClick={() => void act(() => api.activatePairing(p.id), t('pairings.activated'))}
            >
              ▶ {t('pairings.activate')}
            </button>
          )}
          {!ending && (
            <button
              type="button"
              className="btn btn-secondary"
              disabled={busy}
              data-testid="pairing-end"
              onClick={() => setEnding(true)}
            >
              {t('pairings.end')}
            </button>
          )}
          {ending && (
            <form
              className="end-form"
              onSubmit={(e) => {
                e.preventDefault();
                void act(() => api.endPairing(p.id, reason.trim() || undefined), t('pairings.ended'));
              }}
            >
              <Field label={t('pairings.endReasonLabel')}>
                {(fp) => (
                  <input
                    {...fp}
                    maxLength={200}
                    value={reason}
                    onChange={(e) => setReason(e.target.value)}
                    data-testid="pairing-end-reason"
                  />
                )}
              </Field>
              <div className="actions">
                <button
                  type="submit"
                  className="btn btn-danger"
                  disabled={busy}
                  data-testid="pairing-end-confirm"
                >
                  {t('pairings.endConfirm')}
                </button>
                <button
                  type="button"
                  className="btn btn-ghost"
                  disabled={busy}
                  onClick={() => setEnding(false)}
                >
                  {t('app.cancel')}
                </button>
              </div>
            </form>
          )}
        </div>
      )}
    </article>
  );
}

type Errs = Partial<
  Record<
    'urbanSchoolId' | 'masterTeacherId' | 'partnerSchoolIds' | 'classroomIds' | 'term' | 'subjects',
    string[]
  >
>;

function toggle(set: string[], id: string, on: boolean): string[] {
  return on ? (set.includes(id) ? set : [...set, id]) : set.filter((x) => x !== id);
}

function CreatePairingForm({
  onCreated,
  onCancel,
}: {
  onCreated: (p: PairingDto) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const schools = useLoad(() => api.schools(), []);
  const [urbanId, setUrbanId] = useState('');
  const [masterId, setMasterId] = useState('');
  const [partnerIds, setPartnerIds] = useState<string[]>([]);
  const [classroomIds, setClassroomIds] = useState<string[]>([]);
  const [term, setTerm] = useState('');
  const [subjects, setSubjects] = useState<string[]>([]);
  const [rooms, setRooms] = useState<Record<string, ClassroomDto[] | 'loading' | { error: unknown }>>({});
  const [errs, setErrs] = useState<Errs>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const terms = suggestedTerms();
  const termListId = useId();

  const masters = useLoad(() => (urbanId ? api.masterTeachers(urbanId) : Promise.resolve([])), [urbanId]);
  const all = schools.data ?? [];
  const urbanSchools = all.filter((s) => s.locale === 'urban');
  const partnerSchools = all.filter((s) => s.locale !== 'urban');
  const urban = all.find((s) => s.id === urbanId);
  const subjectOptions = TAXONOMY.subjects.filter(
    (s) => !urban || urban.stages.some((st) => subjectTaughtAt(s.code, st)),
  );

  useEffect(() => headingRef.current?.focus(), []);

  // A single master teacher is chosen for the user; a stale choice is dropped.
  useEffect(() => {
    const list = masters.data ?? [];
    setMasterId((cur) => (list.length === 1 ? list[0].id : list.some((m) => m.id === cur) ? cur : ''));
  }, [masters.data]);

  // Subjects not taught at the chosen urban school's stages are dropped.
  useEffect(() => {
    if (urban) setSubjects((cur) => cur.filter((c) => urban.stages.some((st) => subjectTaughtAt(c, st))));
  }, [urban]);

  function loadRooms(schoolId: string) {
    setRooms((r) => ({ ...r, [schoolId]: 'loading' }));
    api.classrooms(schoolId).then(
      (list) => setRooms((r) => ({ ...r, [schoolId]: list })),
      (error: unknown) => setRooms((r) => ({ ...r, [schoolId]: { error } })),
    );
  }

  function togglePartner(s: SchoolDto, on: boolean) {
    setPartnerIds((cur) => toggle(cur, s.id, on));
    if (on) {
      const known = rooms[s.id];
      if (!known || (typeof known === 'object' && 'error' in known)) loadRooms(s.id);
    } else {
      const mine = rooms[s.id];
      if (Array.isArray(mine)) setClassroomIds((cur) => cur.filter((id) => !mine.some((c) => c.id === id)));
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const v: Errs = {};
    if (!urbanId) v.urbanSchoolId = [t('pairings.urbanRequired')];
    if (!masterId) v.masterTeacherId = [t('pairings.masterRequired')];
    if (partnerIds.length === 0) v.partnerSchoolIds = [t('pairings.partnersRequired')];
    if (!isValidTerm(term)) v.term = [t('pairings.termInvalid')];
    if (subjects.length === 0) v.subjects = [t('pairings.subjectsRequired')];
    setErrs(v);
    setError(null);
    if (Object.keys(v).length) return;
    setBusy(true);
    try {
      const created = await api.createPairing({
        urbanSchoolId: urbanId,
        masterTeacherId: masterId,
        partnerSchoolIds: partnerIds,
        classroomIds,
        term: term.trim(),
        subjects,
      });
      onCreated(created);
    } catch (err) {
      setError(err);
      setErrs(fieldErrors(err));
      setBusy(false);
    }
  }

  return (
    <section className="panel create-panel" aria-labelledby="create-pairing-title" data-testid="pairing-form">
      <h2 id="create-pairing-title" tabIndex={-1} ref={headingRef}>
        {t('pairings.createTitle')}
      </h2>
      <p className="muted">{t('pairings.createIntro')}</p>
      <ErrorAlert error={schools.error} onRetry={schools.reload} />
      {schools.loading && !schools.data ? (
        <Loading />
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <ErrorAlert error={error} testId="pairing-form-error" />
          <div className="form-row">
            <Field label={t('pairings.urbanSchool')} errors={errs.urbanSchoolId} required>
              {(p) => (
                <select
                  {...p}
                  value={urbanId}
                  onChange={(e) => setUrbanId(e.target.value)}
                  data-testid="pairing-urban-select"
                >
                  <option value="">{t('pairings.chooseUrban')}</option>
                  {urbanSchools.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}（{s.stages.map((st) => t(`stage.${st}`)).join(t('app.listSep'))}）
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field
              label={t('pairings.masterTeacher')}
              errors={errs.masterTeacherId}
              hint={
                !urbanId
                  ? t('pairings.mastersFirst')
                  : masters.data && masters.data.length === 0
                    ? t('pairings.noMasters')
                    : undefined
              }
              required
            >
              {(p) => (
                <select
                  {...p}
                  value={masterId}
                  disabled={!urbanId || masters.loading}
                  onChange={(e) => setMasterId(e.target.value)}
                  data-testid="pairing-master-select"
                >
                  <option value="">
                    {masters.loading && urbanId ? t('app.loading') : t('pairings.chooseMaster')}
                  </option>
                  {(masters.data ?? []).map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.displayName}
                      {m.subjects.length
                        ? ` · ${m.subjects.map((c) => subjectName(t, c)).join(t('app.listSep'))}`
                        : ''}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <ErrorAlert error={masters.error} onRetry={masters.reload} />

          <fieldset className="choices" aria-describedby={errs.partnerSchoolIds ? 'partners-err' : undefined}>
            <legend>{t('pairings.partnersLegend')}</legend>
            <ul className="choice-grid">
              {partnerSchools.map((s) => (
                <li key={s.id} className="check">
                  <input
                    id={`partner-${s.id}`}
                    type="checkbox"
                    checked={partnerIds.includes(s.id)}
                    onChange={(e) => togglePartner(s, e.target.checked)}
                    data-testid="pairing-partner"
                  />
                  <label htmlFor={`partner-${s.id}`}>
                    {s.name} <LocaleBadge locale={s.locale} />{' '}
                    <span className="muted">
                      {s.stages.map((st) => t(`stage.${st}`)).join(t('app.listSep'))}
                    </span>
                  </label>
                </li>
              ))}
            </ul>
            <FieldErrors id="partners-err" errors={errs.partnerSchoolIds} />
          </fieldset>

          <fieldset className="choices">
            <legend>{t('pairings.classroomsLegend')}</legend>
            {partnerIds.length === 0 && <p className="field-hint">{t('pairings.classroomsHint')}</p>}
            {partnerSchools
              .filter((s) => partnerIds.includes(s.id))
              .map((s) => {
                const r = rooms[s.id];
                return (
                  <div key={s.id} className="room-group">
                    <p className="room-group-title">{s.name}</p>
                    {r === 'loading' || r === undefined ? (
                      <Loading />
                    ) : Array.isArray(r) ? (
                      r.length === 0 ? (
                        <p className="field-hint">{t('pairings.noSchoolClassrooms', { school: s.name })}</p>
                      ) : (
                        <ul className="choice-grid">
                          {r.map((c) => (
                            <li key={c.id} className="check">
                              <input
                                id={`room-${c.id}`}
                                type="checkbox"
                                checked={classroomIds.includes(c.id)}
                                onChange={(e) =>
                                  setClassroomIds((cur) => toggle(cur, c.id, e.target.checked))
                                }
                                data-testid="pairing-classroom"
                              />
                              <label htmlFor={`room-${c.id}`}>
                                {c.name}
                                {c.grade && <span className="muted"> · {gradeName(t, c.grade)}</span>}
                              </label>
                            </li>
                          ))}
                        </ul>
                      )
                    ) : (
                      <ErrorAlert error={r.error} onRetry={() => loadRooms(s.id)} />
                    )}
                  </div>
                );
              })}
            <FieldErrors errors={errs.classroomIds} />
          </fieldset>

          <div className="form-row">
            <Field label={t('pairings.term')} hint={t('pairings.termHint')} errors={errs.term} required>
              {(p) => (
                <input
                  {...p}
                  className="input-short"
                  list={termListId}
                  inputMode="numeric"
                  autoComplete="off"
                  placeholder={terms[0]}
                  value={term}
                  onChange={(e) => setTerm(e.target.value)}
                  data-testid="pairing-term-input"
                />
              )}
            </Field>
            <datalist id={termListId}>
              {terms.map((x) => (
                <option key={x} value={x}>
                  {termLabel(t, x)}
                </option>
              ))}
            </datalist>
          </div>

          <fieldset className="choices" aria-describedby="subjects-hint">
            <legend>{t('pairings.subjectsLegend')}</legend>
            <p className="field-hint" id="subjects-hint">
              {t('pairings.subjectsHint')}
            </p>
            <ul className="choice-grid choice-grid-narrow">
              {subjectOptions.map((s) => (
                <li key={s.code} className="check">
                  <input
                    id={`subject-${s.code}`}
                    type="checkbox"
                    checked={subjects.includes(s.code)}
                    onChange={(e) => setSubjects((cur) => toggle(cur, s.code, e.target.checked))}
                    data-testid="pairing-subject"
                    value={s.code}
                  />
                  <label htmlFor={`subject-${s.code}`}>{subjectName(t, s.code)}</label>
                </li>
              ))}
            </ul>
            <FieldErrors errors={errs.subjects} />
          </fieldset>

          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="pairing-submit">
              {busy ? t('app.saving') : t('pairings.submit')}
            </button>
            <button type="button" className="btn btn-ghost" onClick={onCancel} disabled={busy}>
              {t('app.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
