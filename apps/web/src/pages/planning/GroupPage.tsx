import type { TFunction } from 'i18next';
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  EDITION_CODES,
  PLAN_LESSON_PERIOD_MAX,
  PLANNING_SESSION_CHECKIN_MARGIN_MINUTES,
  VOLUME_CODES,
  gradesOf,
  type EditionCode,
  type PlanDto,
  type PlanningSessionDto,
  type StageCode,
  type VolumeCode,
} from '@tongke/contracts';
import { isDistrictAdmin, useUser } from '../../auth/session';
import { ErrorAlert, Field, Loading, useLoad } from '../../components/ui';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDate, gradeName, subjectName } from '../../format';
import { api } from '../../api/client';
import { planningApi } from '../../planning/api';
import './planning.css';

/** A group's space: members, its plans, preparation sessions (agenda, minutes) and a thread per plan. */
export function GroupPage() {
  const { id = '' } = useParams();
  const { t, i18n } = useTranslation();
  const user = useUser();
  const group = useLoad(() => planningApi.group(id), [id]);
  const plans = useLoad(() => planningApi.plans(id), [id]);
  const sessions = useLoad(() => planningApi.sessions(id), [id]);
  usePageTitle(group.data?.name);
  const g = group.data;
  const canEdit = g?.myRole === 'lead' || g?.myRole === 'member';
  // Sessions and their minutes are the lead's (or the county's); everyone in the group checks in and talks.
  const manages = g?.myRole === 'lead' || isDistrictAdmin(user);
  const participates = !!g?.myRole;
  if (group.error) return <ErrorAlert error={group.error} onRetry={group.reload} />;
  if (!g) return <Loading />;
  return (
    <>
      <div className="page-head">
        <div>
          <p className="breadcrumb">
            <Link to="/lesson-planning">{t('planning.groupsTitle')}</Link>
          </p>
          <h1>{g.name}</h1>
          <p className="lead">
            {t(`stage.${g.stage as StageCode}`)} · {subjectName(t, g.subject)} ·{' '}
            {t('planning.leadBy', { name: g.lead.displayName })}
          </p>
        </div>
      </div>
      <div className="planning-columns">
        <div>
          <section className="card" aria-labelledby="plans-h">
            <h2 id="plans-h">{t('planning.plans')}</h2>
            <ErrorAlert error={plans.error} onRetry={plans.reload} />
            {plans.data && plans.data.length === 0 && <p className="empty">{t('planning.noPlans')}</p>}
            <ul className="plain-list" data-testid="plan-list">
              {plans.data?.map((p) => (
                <li key={p.id} data-testid="plan-item">
                  <Link to={`/lesson-planning/plans/${p.id}`}>{p.title}</Link>
                  <span className="muted"> · {curriculumLine(t, p)}</span>
                </li>
              ))}
            </ul>
            {canEdit && <CreatePlanForm groupId={id} stage={g.stage} onCreated={plans.reload} />}
          </section>
          <section className="card" aria-labelledby="sessions-h">
            <h2 id="sessions-h">{t('planning.sessions')}</h2>
            <ErrorAlert error={sessions.error} onRetry={sessions.reload} />
            {sessions.data && sessions.data.length === 0 && (
              <p className="empty">{t('planning.noSessions')}</p>
            )}
            <ul className="plain-list" data-testid="session-list">
              {sessions.data?.map((s) => (
                <SessionItem
                  key={s.id}
                  session={s}
                  planTitle={plans.data?.find((p) => p.id === s.planId)?.title ?? ''}
                  canManage={manages}
                  canCheckIn={participates}
                  lng={i18n.language}
                  onChanged={sessions.reload}
                />
              ))}
            </ul>
            {manages && plans.data && plans.data.length > 0 && (
              <CreateSessionForm groupId={id} plans={plans.data} onCreated={sessions.reload} />
            )}
          </section>
          {plans.data && plans.data.length > 0 && <Discussion plans={plans.data} canPost={participates} />}
        </div>
        <aside className="card" aria-labelledby="members-h">
          <h2 id="members-h">{t('planning.members')}</h2>
          <ul className="plain-list" data-testid="member-list">
            {g.members.map((m) => (
              <li key={m.user.id}>
                {m.user.displayName} <span className="badge">{t(`planning.role.${m.role}`)}</span>
              </li>
            ))}
          </ul>
          {(g.myRole === 'lead' || isDistrictAdmin(user)) && (
            <AddMemberForm groupId={id} onAdded={group.reload} />
          )}
        </aside>
      </div>
    </>
  );
}

export function curriculumLine(t: TFunction, p: PlanDto): string {
  const c = p.curriculum;
  const edition = (EDITION_CODES as string[]).includes(c.edition)
    ? t(`search.edition.${c.edition as EditionCode}`)
    : c.edition;
  const volume = (VOLUME_CODES as string[]).includes(c.volume)
    ? t(`search.volume.${c.volume as VolumeCode}`)
    : c.volume;
  return [gradeName(t, c.grade), edition, volume, c.unit, t('planning.period', { n: c.lessonPeriod })].join(
    ' · ',
  );
}

function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = (p: Promise<unknown>, done: () => void) => {
    setBusy(true);
    setError(null);
    p.then(
      () => {
        setBusy(false);
        done();
      },
      (e: unknown) => {
        setBusy(false);
        setError(e);
      },
    );
  };
  return { busy, error, run };
}

/** The lead adds a teacher of the county as a member (edits) or an observer (reads). */
function AddMemberForm({ groupId, onAdded }: { groupId: string; onAdded: () => void }) {
  const { t } = useTranslation();
  const candidates = useLoad(() => planningApi.memberCandidates(groupId), [groupId]);
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<'member' | 'observer'>('member');
  const { busy, error, run } = useSubmit();
  const list = candidates.data ?? [];
  return (
    <form
      className="planning-form"
      data-testid="member-form"
      onSubmit={(e) => {
        e.preventDefault();
        run(planningApi.addMember(groupId, { userId, role }), () => {
          setUserId('');
          candidates.reload();
          onAdded();
        });
      }}
    >
      <h3>{t('planning.addMember')}</h3>
      <ErrorAlert error={error ?? candidates.error} />
      <Field label={t('planning.candidate')}>
        {(p) => (
          <select {...p} value={userId} onChange={(e) => setUserId(e.target.value)}>
            <option value="">{list.length ? t('planning.pickTeacher') : t('planning.noCandidates')}</option>
            {list.map((c) => (
              <option key={c.user.id} value={c.user.id}>
                {c.schoolName ? `${c.user.displayName}（${c.schoolName}）` : c.user.displayName}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('planning.memberRole')}>
        {(p) => (
          <select {...p} value={role} onChange={(e) => setRole(e.target.value as 'member' | 'observer')}>
            <option value="member">{t('planning.role.member')}</option>
            <option value="observer">{t('planning.role.observer')}</option>
          </select>
        )}
      </Field>
      <button type="submit" className="btn btn-primary btn-small" disabled={busy || !userId}>
        {t('planning.addMemberSubmit')}
      </button>
    </form>
  );
}

function CreatePlanForm({
  groupId,
  stage,
  onCreated,
}: {
  groupId: string;
  stage: string;
  onCreated: () => void;
}) {
  return (
    <PlanForm
      stage={stage}
      label="createPlan"
      testId="plan-form"
      onSubmit={(v) => planningApi.createPlan(groupId, v)}
      onDone={onCreated}
    />
  );
}

export interface PlanFields {
  title: string;
  grade: string;
  edition: string;
  volume: string;
  unit: string;
  lessonPeriod: number;
}

/** A plan's title and curriculum position (new plan, or editing one). */
export function PlanForm({
  stage,
  initial,
  label,
  testId,
  onSubmit,
  onDone,
}: {
  stage: string;
  initial?: PlanFields;
  label: 'createPlan' | 'editPlan';
  testId: string;
  onSubmit: (v: PlanFields) => Promise<unknown>;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const grades = gradesOf(stage);
  const [title, setTitle] = useState(initial?.title ?? '');
  const [grade, setGrade] = useState(initial?.grade ?? grades[0] ?? '');
  const [edition, setEdition] = useState(initial?.edition ?? 'pep');
  const [volume, setVolume] = useState(initial?.volume ?? 'first');
  const [unit, setUnit] = useState(initial?.unit ?? '');
  const [period, setPeriod] = useState(initial?.lessonPeriod ?? 1);
  const [open, setOpen] = useState(false);
  const { busy, error, run } = useSubmit();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run(
      onSubmit({ title: title.trim(), grade, edition, volume, unit: unit.trim(), lessonPeriod: period }),
      () => {
        if (!initial) setTitle('');
        setOpen(false);
        onDone();
      },
    );
  };
  return (
    <details className="planning-details" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t(`planning.${label}`)}</summary>
      <form className="planning-form" onSubmit={submit} data-testid={testId}>
        <ErrorAlert error={error} />
        <Field label={t('planning.planTitle')} required>
          {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} />}
        </Field>
        <div className="form-row">
          <Field label={t('planning.grade')}>
            {(p) => (
              <select {...p} value={grade} onChange={(e) => setGrade(e.target.value)}>
                {grades.map((g) => (
                  <option key={g} value={g}>
                    {gradeName(t, g)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('planning.edition')}>
            {(p) => (
              <select {...p} value={edition} onChange={(e) => setEdition(e.target.value)}>
                {EDITION_CODES.map((c) => (
                  <option key={c} value={c}>
                    {t(`search.edition.${c}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('planning.volume')}>
            {(p) => (
              <select {...p} value={volume} onChange={(e) => setVolume(e.target.value)}>
                {VOLUME_CODES.map((c) => (
                  <option key={c} value={c}>
                    {t(`search.volume.${c}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="form-row">
          <Field label={t('planning.unit')} required>
            {(p) => <input {...p} value={unit} onChange={(e) => setUnit(e.target.value)} maxLength={200} />}
          </Field>
          <Field label={t('planning.lessonPeriod')}>
            {(p) => (
              <input
                {...p}
                type="number"
                min={1}
                max={PLAN_LESSON_PERIOD_MAX}
                value={period}
                onChange={(e) => setPeriod(Number(e.target.value))}
              />
            )}
          </Field>
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy || !title.trim() || !unit.trim()}>
          {t(`planning.${label}`)}
        </button>
      </form>
    </details>
  );
}

/** Check-in is open from shortly before a session starts until shortly after it ends. */
function checkInOpen(s: PlanningSessionDto, now = Date.now()): boolean {
  const margin = PLANNING_SESSION_CHECKIN_MARGIN_MINUTES * 60_000;
  const start = new Date(s.scheduledAt).getTime();
  return now >= start - margin && now <= start + s.durationMinutes * 60_000 + margin;
}

function SessionItem({
  session: s,
  planTitle,
  canManage,
  canCheckIn,
  lng,
  onChanged,
}: {
  session: PlanningSessionDto;
  planTitle: string;
  canManage: boolean;
  canCheckIn: boolean;
  lng: string;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const [minutes, setMinutes] = useState(s.minutes ?? '');
  const [editing, setEditing] = useState(false);
  const { busy, error, run } = useSubmit();
  return (
    <li className="planning-session" data-testid="session-item">
      <strong>{s.title}</strong>
      <span className="muted">
        {' '}
        · {formatDate(lng, s.scheduledAt, true)} · {t('planning.minutesLong', { n: s.durationMinutes })} ·{' '}
        {planTitle}
      </span>
      <p>
        <span className="muted">{t('planning.agenda')}：</span>
        {s.agenda}
      </p>
      {s.attendees.length > 0 && (
        <p className="muted">
          {t('planning.attendees')}：{s.attendees.map((a) => a.user.displayName).join(t('app.listSep'))}
        </p>
      )}
      <ErrorAlert error={error} />
      {editing ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            run(planningApi.updateSession(s.id, { minutes }), () => {
              setEditing(false);
              onChanged();
            });
          }}
        >
          <Field label={t('planning.minutes')}>
            {(p) => <textarea {...p} rows={4} value={minutes} onChange={(e) => setMinutes(e.target.value)} />}
          </Field>
          <button type="submit" className="btn btn-primary btn-small" disabled={busy}>
            {t('planning.saveMinutes')}
          </button>
        </form>
      ) : (
        <>
          <p>
            <span className="muted">{t('planning.minutes')}：</span>
            {s.minutes || t('planning.noMinutes')}
          </p>
          {s.jointLessonId && (
            <p>
              <Link to="/lessons">{t('planning.linkedLesson')}</Link>
            </p>
          )}
          {(canManage || canCheckIn) && (
            <div className="card-actions">
              {canManage && (
                <button type="button" className="btn btn-ghost btn-small" onClick={() => setEditing(true)}>
                  {t('planning.editMinutes')}
                </button>
              )}
              {canCheckIn && checkInOpen(s) && (
                <button
                  type="button"
                  className="btn btn-ghost btn-small"
                  disabled={busy}
                  onClick={() => run(planningApi.attendSession(s.id), onChanged)}
                >
                  {t('planning.checkIn')}
                </button>
              )}
            </div>
          )}
        </>
      )}
    </li>
  );
}

function CreateSessionForm({
  groupId,
  plans,
  onCreated,
}: {
  groupId: string;
  plans: PlanDto[];
  onCreated: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [planId, setPlanId] = useState(plans[0].id);
  const [title, setTitle] = useState('');
  const [when, setWhen] = useState('');
  const [duration, setDuration] = useState(60);
  const [agenda, setAgenda] = useState('');
  const [lessonId, setLessonId] = useState('');
  // Joint lessons of the coming weeks this session may prepare for.
  const lessons = useLoad(
    () =>
      api.lessons({
        from: new Date(Date.now() - 86_400_000).toISOString(),
        to: new Date(Date.now() + 60 * 86_400_000).toISOString(),
      }),
    [],
  );
  const { busy, error, run } = useSubmit();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run(
      planningApi.createSession(groupId, {
        planId,
        title: title.trim(),
        scheduledAt: new Date(when).toISOString(),
        durationMinutes: duration,
        agenda: agenda.trim(),
        ...(lessonId ? { jointLessonId: lessonId } : {}),
      }),
      () => {
        setTitle('');
        setAgenda('');
        onCreated();
      },
    );
  };
  return (
    <details className="planning-details">
      <summary>{t('planning.createSession')}</summary>
      <form className="planning-form" onSubmit={submit} data-testid="session-form">
        <ErrorAlert error={error} />
        <Field label={t('planning.sessionPlan')}>
          {(p) => (
            <select {...p} value={planId} onChange={(e) => setPlanId(e.target.value)}>
              {plans.map((pl) => (
                <option key={pl.id} value={pl.id}>
                  {pl.title}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('planning.sessionTitle')} required>
          {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} />}
        </Field>
        <div className="form-row">
          <Field label={t('planning.sessionWhen')} required>
            {(p) => (
              <input {...p} type="datetime-local" value={when} onChange={(e) => setWhen(e.target.value)} />
            )}
          </Field>
          <Field label={t('planning.sessionDuration')}>
            {(p) => (
              <input
                {...p}
                type="number"
                min={10}
                max={480}
                value={duration}
                onChange={(e) => setDuration(Number(e.target.value))}
              />
            )}
          </Field>
        </div>
        <Field label={t('planning.agenda')} required>
          {(p) => <textarea {...p} rows={3} value={agenda} onChange={(e) => setAgenda(e.target.value)} />}
        </Field>
        <Field label={t('planning.jointLesson')} required={false}>
          {(p) => (
            <select {...p} value={lessonId} onChange={(e) => setLessonId(e.target.value)}>
              <option value="">{t('planning.noJointLesson')}</option>
              {(lessons.data ?? [])
                .filter((l) => l.status !== 'cancelled')
                .map((l) => (
                  <option key={l.id} value={l.id}>
                    {l.title} · {formatDate(i18n.language, l.startsAt, true)}
                  </option>
                ))}
            </select>
          )}
        </Field>
        <button
          type="submit"
          className="btn btn-primary"
          disabled={busy || !title.trim() || !when || !agenda.trim()}
        >
          {t('planning.createSession')}
        </button>
      </form>
    </details>
  );
}

/** The discussion thread of one plan (pick the plan). */
function Discussion({ plans, canPost }: { plans: PlanDto[]; canPost: boolean }) {
  const { t, i18n } = useTranslation();
  const [planId, setPlanId] = useState(plans[0].id);
  const posts = useLoad(() => planningApi.posts(planId), [planId]);
  const [body, setBody] = useState('');
  const { busy, error, run } = useSubmit();
  return (
    <section className="card" aria-labelledby="thread-h" data-testid="discussion">
      <h2 id="thread-h">{t('planning.discussion')}</h2>
      <Field label={t('planning.discussionPlan')}>
        {(p) => (
          <select {...p} value={planId} onChange={(e) => setPlanId(e.target.value)}>
            {plans.map((pl) => (
              <option key={pl.id} value={pl.id}>
                {pl.title}
              </option>
            ))}
          </select>
        )}
      </Field>
      <ErrorAlert error={posts.error} onRetry={posts.reload} />
      {posts.data && posts.data.length === 0 && <p className="empty">{t('planning.noPosts')}</p>}
      <ul className="plain-list">
        {posts.data?.map((p) => (
          <li key={p.id} data-testid="post">
            <strong>{p.author.displayName}</strong>{' '}
            <span className="muted">{formatDate(i18n.language, p.createdAt, true)}</span>
            <p className="planning-body">{p.body}</p>
          </li>
        ))}
      </ul>
      {canPost && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            run(planningApi.addPost(planId, body.trim()), () => {
              setBody('');
              posts.reload();
            });
          }}
        >
          <ErrorAlert error={error} />
          <Field label={t('planning.newPost')}>
            {(p) => <textarea {...p} rows={3} value={body} onChange={(e) => setBody(e.target.value)} />}
          </Field>
          <button type="submit" className="btn btn-primary btn-small" disabled={busy || !body.trim()}>
            {t('planning.post')}
          </button>
        </form>
      )}
    </section>
  );
}
