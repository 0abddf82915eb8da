import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  LESSON_SCHEDULE_LIMITS as L,
  type LessonAttachment,
  type LessonAttachmentKind,
  type LessonDto,
  type LessonPersonRef,
  type PairingDto,
} from '@tongke/contracts';
import { api } from '../../api/client';
import { isDistrictAdmin, useUser } from '../../auth/session';
import { ErrorAlert, Field, FieldErrors, Loading, useLoad } from '../../components/ui';
import { fieldErrors, subjectName } from '../../format';
import { newUuid } from '../../lessons/ids';
import { addDays, atLocal, hhmm, isoDate, isoWeekday, localTimeZone, parseIsoDate } from '../../lessons/time';
import { DoubleBooking } from './LessonBits';

interface MaterialRow {
  key: string;
  kind: LessonAttachmentKind;
  title: string;
  /** A library id when known; otherwise one is minted (the library links it later). */
  id: string;
}

type Errs = Partial<
  Record<'pairing' | 'title' | 'subject' | 'time' | 'until' | 'classrooms' | 'materials', string[]>
>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Tomorrow 08:00, or the next quarter hour, as the form's first suggestion. */
function suggestedStart(): Date {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(8, 0, 0, 0);
  return d;
}

/** Candidate co-teachers of one school: its staff when the caller may list them, else people who co-taught before. */
type Candidates = { list: LessonPersonRef[] } | 'loading' | { error: unknown };

/**
 * Schedules one lesson or a weekly series for an active pairing: rooms with their co-teachers
 * (助教), time, repeat, and the lesson's materials (a free list until the library is linked).
 */
export function ScheduleLessonForm({
  onCreated,
  onCancel,
}: {
  onCreated: (first: LessonDto, count: number) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const user = useUser();
  const district = isDistrictAdmin(user);
  const pairings = useLoad(() => api.pairings('active'), []);
  const mine = (pairings.data ?? []).filter((p) => district || p.masterTeacher.id === user.id);
  const start = suggestedStart();
  const [pairingId, setPairingId] = useState('');
  const [title, setTitle] = useState('');
  const [subject, setSubject] = useState('');
  const [date, setDate] = useState(isoDate(start));
  const [from, setFrom] = useState(hhmm(start));
  const [to, setTo] = useState('08:45');
  const [weekly, setWeekly] = useState(false);
  const [until, setUntil] = useState(isoDate(addDays(start, 7 * 8)));
  const [rooms, setRooms] = useState<Record<string, string[]>>({});
  const [candidates, setCandidates] = useState<Record<string, Candidates>>({});
  const [materials, setMaterials] = useState<MaterialRow[]>([]);
  const [errs, setErrs] = useState<Errs>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const pairing = mine.find((p) => p.id === pairingId);

  useEffect(() => headingRef.current?.focus(), []);

  // One pairing: choose it. Its only subject: choose that too.
  useEffect(() => {
    if (mine.length === 1 && !pairingId) setPairingId(mine[0].id);
  }, [mine, pairingId]);
  useEffect(() => {
    if (!pairing) return;
    setSubject((s) =>
      pairing.subjects.includes(s) ? s : pairing.subjects.length === 1 ? pairing.subjects[0] : '',
    );
    setRooms({});
    for (const s of new Set(pairing.classrooms.map((c) => c.schoolId))) void loadCandidates(pairing, s);
    // Only when another pairing is chosen (loadCandidates reads the pairing passed in).
  }, [pairing?.id]);

  async function loadCandidates(p: PairingDto, schoolId: string) {
    setCandidates((c) => ({ ...c, [schoolId]: 'loading' }));
    try {
      // The pairing's partner-school teachers, which the master teacher may list (names only).
      const teachers = await api.pairingTeachers(p.id);
      const list = teachers
        .filter((u) => u.schoolId === schoolId && u.id !== p.masterTeacher.id)
        .map((u) => ({ id: u.id, displayName: u.displayName }));
      setCandidates((c) => ({ ...c, [schoolId]: { list } }));
    } catch (e) {
      setCandidates((c) => ({ ...c, [schoolId]: { error: e } }));
    }
  }

  function setRoom(classroomId: string, on: boolean) {
    setRooms((r) => {
      const next = { ...r };
      if (on) next[classroomId] = next[classroomId] ?? [];
      else delete next[classroomId];
      return next;
    });
  }

  function toggleCo(classroomId: string, userId: string, on: boolean) {
    setRooms((r) => {
      const cur = r[classroomId] ?? [];
      return {
        ...r,
        [classroomId]: on ? [...cur.filter((x) => x !== userId), userId] : cur.filter((x) => x !== userId),
      };
    });
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const v: Errs = {};
    const startsAt = atLocal(date, from);
    const endsAt = atLocal(date, to);
    if (!pairing) v.pairing = [t('lessons.form.pairingRequired')];
    if (!title.trim()) v.title = [t('lessons.form.titleRequired')];
    if (!subject) v.subject = [t('lessons.form.subjectRequired')];
    if (!startsAt || !endsAt) v.time = [t('lessons.form.timeInvalid')];
    else {
      const minutes = (endsAt.getTime() - startsAt.getTime()) / 60_000;
      if (minutes < L.minMinutes || minutes > L.maxMinutes)
        v.time = [t('lessons.form.durationInvalid', { min: L.minMinutes, max: L.maxMinutes })];
      else if (startsAt.getTime() <= Date.now()) v.time = [t('lessons.form.inPast')];
    }
    if (weekly) {
      const u = parseIsoDate(until);
      const d = parseIsoDate(date);
      if (!u || !d || u < d) v.until = [t('lessons.form.untilInvalid')];
    }
    const chosen = Object.entries(rooms);
    if (chosen.length === 0) v.classrooms = [t('lessons.form.classroomsRequired')];
    else if (chosen.some(([, co]) => co.length === 0)) v.classrooms = [t('lessons.form.coTeacherRequired')];
    if (materials.some((m) => !m.title.trim())) v.materials = [t('lessons.form.materialTitleRequired')];
    else if (materials.some((m) => m.id.trim() && !UUID.test(m.id.trim())))
      v.materials = [t('lessons.form.materialIdInvalid')];
    setErrs(v);
    setError(null);
    if (Object.keys(v).length || !pairing || !startsAt || !endsAt) return;

    const base = {
      pairingId: pairing.id,
      title: title.trim(),
      subject,
      classrooms: chosen.map(([classroomId, coTeacherIds]) => ({ classroomId, coTeacherIds })),
      attachments: materials.map((m): LessonAttachment => ({
        kind: m.kind,
        title: m.title.trim(),
        id: m.id.trim() || newUuid(),
      })),
    };
    setBusy(true);
    try {
      if (weekly) {
        const series = await api.createLessonSeries({
          ...base,
          rule: {
            weekday: isoWeekday(startsAt),
            startTime: from,
            durationMinutes: Math.round((endsAt.getTime() - startsAt.getTime()) / 60_000),
            fromDate: date,
            untilDate: until,
            timezone: localTimeZone(),
          },
        });
        const first = series.occurrences.find((o) => o.status !== 'cancelled') ?? series.occurrences[0];
        onCreated(first, series.occurrences.length);
      } else {
        onCreated(
          await api.createLesson({ ...base, startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() }),
          1,
        );
      }
    } catch (err) {
      setError(err);
      const f = fieldErrors(err);
      if (Object.keys(f).length) setErrs((x) => ({ ...x, ...mapFieldErrors(f) }));
      setBusy(false);
    }
  }

  return (
    <section className="panel create-panel" aria-labelledby="schedule-title" data-testid="lesson-form">
      <h2 id="schedule-title" tabIndex={-1} ref={headingRef}>
        {t('lessons.form.title')}
      </h2>
      <p className="muted">{t('lessons.form.intro')}</p>
      <ErrorAlert error={pairings.error} onRetry={pairings.reload} />
      {pairings.loading && !pairings.data ? (
        <Loading />
      ) : mine.length === 0 ? (
        <p className="info">{t('lessons.form.noPairings')}</p>
      ) : (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <ErrorAlert error={error} testId="lesson-form-error" />
          <DoubleBooking error={error} />
          <div className="form-row">
            <Field label={t('lessons.form.pairing')} errors={errs.pairing} required>
              {(p) => (
                <select {...p} value={pairingId} onChange={(e) => setPairingId(e.target.value)}>
                  <option value="">{t('lessons.form.choosePairing')}</option>
                  {mine.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.urbanSchool.name} → {x.partnerSchools.map((s) => s.name).join(t('app.listSep'))}（
                      {x.masterTeacher.displayName}）
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('lessons.form.subject')} errors={errs.subject} required>
              {(p) => (
                <select
                  {...p}
                  value={subject}
                  disabled={!pairing}
                  onChange={(e) => setSubject(e.target.value)}
                >
                  <option value="">{t('lessons.form.chooseSubject')}</option>
                  {(pairing?.subjects ?? []).map((s) => (
                    <option key={s} value={s}>
                      {subjectName(t, s)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <Field
            label={t('lessons.form.lessonTitle')}
            hint={t('lessons.form.lessonTitleHint')}
            errors={errs.title}
            required
          >
            {(p) => <input {...p} maxLength={120} value={title} onChange={(e) => setTitle(e.target.value)} />}
          </Field>

          <fieldset className="choices" aria-describedby={errs.time ? 'lesson-time-err' : undefined}>
            <legend>{t('lessons.form.when')}</legend>
            <div className="form-row form-row-time">
              <Field label={t('lessons.form.date')} required>
                {(p) => <input {...p} type="date" value={date} onChange={(e) => setDate(e.target.value)} />}
              </Field>
              <Field label={t('lessons.form.from')} required>
                {(p) => (
                  <input
                    {...p}
                    type="time"
                    step={300}
                    value={from}
                    onChange={(e) => setFrom(e.target.value)}
                  />
                )}
              </Field>
              <Field label={t('lessons.form.to')} required>
                {(p) => (
                  <input {...p} type="time" step={300} value={to} onChange={(e) => setTo(e.target.value)} />
                )}
              </Field>
            </div>
            <FieldErrors id="lesson-time-err" errors={errs.time} />
            <div className="check">
              <input
                id="lesson-weekly"
                type="checkbox"
                checked={weekly}
                onChange={(e) => setWeekly(e.target.checked)}
              />
              <label htmlFor="lesson-weekly">{t('lessons.form.weekly')}</label>
            </div>
            {weekly && (
              <Field
                label={t('lessons.form.until')}
                hint={t('lessons.form.untilHint', { max: L.maxOccurrences })}
                errors={errs.until}
                required
              >
                {(p) => (
                  <input
                    {...p}
                    type="date"
                    className="input-short"
                    value={until}
                    onChange={(e) => setUntil(e.target.value)}
                  />
                )}
              </Field>
            )}
          </fieldset>

          <fieldset className="choices">
            <legend>{t('lessons.form.classrooms')}</legend>
            {!pairing && <p className="field-hint">{t('lessons.form.pairingFirst')}</p>}
            {pairing?.classrooms.length === 0 && (
              <p className="field-hint">{t('lessons.form.pairingNoRooms')}</p>
            )}
            {pairing && (
              <ul className="room-picks">
                {pairing.classrooms.map((c) => {
                  const school = pairing.partnerSchools.find((s) => s.id === c.schoolId);
                  const cand = candidates[c.schoolId];
                  const on = c.id in rooms;
                  return (
                    <li key={c.id} className="room-pick">
                      <div className="check">
                        <input
                          id={`lesson-room-${c.id}`}
                          type="checkbox"
                          checked={on}
                          onChange={(e) => setRoom(c.id, e.target.checked)}
                          data-testid="lesson-classroom"
                        />
                        <label htmlFor={`lesson-room-${c.id}`}>
                          {school?.name} {c.name}
                        </label>
                      </div>
                      {on && (
                        <fieldset className="co-teachers">
                          <legend>{t('lessons.form.coTeachersOf', { name: c.name })}</legend>
                          {cand === undefined || cand === 'loading' ? (
                            <Loading />
                          ) : 'error' in cand ? (
                            <ErrorAlert
                              error={cand.error}
                              onRetry={() => void loadCandidates(pairing, c.schoolId)}
                            />
                          ) : cand.list.length === 0 ? (
                            <p className="field-hint">{t('lessons.form.noStaff')}</p>
                          ) : (
                            <>
                              <ul className="choice-grid">
                                {cand.list.map((u) => (
                                  <li key={u.id} className="check">
                                    <input
                                      id={`co-${c.id}-${u.id}`}
                                      type="checkbox"
                                      checked={(rooms[c.id] ?? []).includes(u.id)}
                                      onChange={(e) => toggleCo(c.id, u.id, e.target.checked)}
                                      data-testid="lesson-co-teacher"
                                    />
                                    <label htmlFor={`co-${c.id}-${u.id}`}>{u.displayName}</label>
                                  </li>
                                ))}
                              </ul>
                            </>
                          )}
                        </fieldset>
                      )}
                    </li>
                  );
                })}
              </ul>
            )}
            <FieldErrors errors={errs.classrooms} />
          </fieldset>

          <fieldset className="choices">
            <legend>{t('lessons.form.materials')}</legend>
            <p className="field-hint">{t('lessons.form.materialsHint')}</p>
            {materials.length > 0 && (
              <ol className="material-rows">
                {materials.map((m, i) => (
                  <li key={m.key} className="material-row">
                    <Field label={t('lessons.form.materialTitle', { n: i + 1 })}>
                      {(p) => (
                        <input
                          {...p}
                          maxLength={200}
                          value={m.title}
                          onChange={(e) =>
                            setMaterials((list) =>
                              list.map((x) => (x.key === m.key ? { ...x, title: e.target.value } : x)),
                            )
                          }
                          data-testid="lesson-material-title"
                        />
                      )}
                    </Field>
                    <Field label={t('lessons.form.materialKind')}>
                      {(p) => (
                        <select
                          {...p}
                          value={m.kind}
                          onChange={(e) =>
                            setMaterials((list) =>
                              list.map((x) =>
                                x.key === m.key ? { ...x, kind: e.target.value as LessonAttachmentKind } : x,
                              ),
                            )
                          }
                        >
                          <option value="resource">{t('lessons.form.kindResource')}</option>
                          <option value="pack">{t('lessons.form.kindPack')}</option>
                        </select>
                      )}
                    </Field>
                    <Field label={t('lessons.form.materialId')} required={false}>
                      {(p) => (
                        <input
                          {...p}
                          className="mono"
                          maxLength={36}
                          value={m.id}
                          placeholder="xxxxxxxx-xxxx-…"
                          onChange={(e) =>
                            setMaterials((list) =>
                              list.map((x) => (x.key === m.key ? { ...x, id: e.target.value } : x)),
                            )
                          }
                        />
                      )}
                    </Field>
                    <button
                      type="button"
                      className="btn btn-ghost btn-small"
                      aria-label={t('lessons.form.removeMaterial', { n: i + 1 })}
                      onClick={() => setMaterials((list) => list.filter((x) => x.key !== m.key))}
                    >
                      ✕
                    </button>
                  </li>
                ))}
              </ol>
            )}
            {materials.length < L.maxAttachments && (
              <button
                type="button"
                className="btn btn-secondary btn-small"
                data-testid="lesson-material-add"
                onClick={() =>
                  setMaterials((list) => [...list, { key: newUuid(), kind: 'resource', title: '', id: '' }])
                }
              >
                ＋ {t('lessons.form.addMaterial')}
              </button>
            )}
            <FieldErrors errors={errs.materials} />
          </fieldset>

          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="lesson-submit">
              {busy ? t('app.saving') : weekly ? t('lessons.form.submitSeries') : t('lessons.form.submit')}
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

/** The API names DTO fields; the form groups them. */
function mapFieldErrors(f: Record<string, string[]>): Errs {
  const out: Errs = {};
  for (const [k, v] of Object.entries(f)) {
    const key: keyof Errs = k.startsWith('title')
      ? 'title'
      : k.startsWith('subject')
        ? 'subject'
        : k.startsWith('classrooms')
          ? 'classrooms'
          : k.startsWith('attachments')
            ? 'materials'
            : k.startsWith('rule')
              ? 'until'
              : k.startsWith('starts') || k.startsWith('ends')
                ? 'time'
                : 'pairing';
    out[key] = [...(out[key] ?? []), ...v];
  }
  return out;
}
