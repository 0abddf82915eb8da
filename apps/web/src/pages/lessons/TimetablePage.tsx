import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { LessonDto, UserDto } from '@tongke/contracts';
import { api } from '../../api/client';
import { isDistrictAdmin, useUser } from '../../auth/session';
import { ErrorAlert, Field, Loading, SuccessNotice, useLoad } from '../../components/ui';
import { usePageTitle } from '../../components/usePageTitle';
import { subjectName } from '../../format';
import {
  addDays,
  formatDay,
  formatShortDate,
  formatTimeRange,
  isoDate,
  parseIsoDate,
  sameDay,
  startOfWeek,
} from '../../lessons/time';
import { LessonStatusBadge } from './LessonBits';
import { ScheduleLessonForm } from './ScheduleLessonForm';

/** Who may schedule: a master teacher (for their pairings) or the district. */
export function canSchedule(u: UserDto): boolean {
  return u.isMasterTeacher || isDistrictAdmin(u);
}

function canManage(u: UserDto, l: LessonDto): boolean {
  return (
    l.host.id === u.id || (isDistrictAdmin(u) && (u.role === 'platform_admin' || u.regionId === l.regionId))
  );
}

/** The classrooms this user may open the big screen of: as its co-teacher or its school's admin. */
export function screensFor(u: UserDto, l: LessonDto): LessonDto['classrooms'] {
  return l.classrooms.filter(
    (c) =>
      c.coTeachers.some((x) => x.id === u.id) || (u.role === 'school_admin' && u.schoolId === c.schoolId),
  );
}

/** 同步课表: a week of joint lessons, Monday to Sunday, with what this user can do in each. */
export function TimetablePage() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  usePageTitle(t('lessons.title'));
  const [params, setParams] = useSearchParams();
  const week = startOfWeek(parseIsoDate(params.get('week')) ?? new Date());
  const weekKey = isoDate(week);
  const end = addDays(week, 7);
  const list = useLoad(
    () => api.lessons({ from: week.toISOString(), to: end.toISOString(), includeCancelled: true }),
    [weekKey],
  );
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (notice) noticeRef.current?.scrollIntoView({ block: 'nearest' });
  }, [notice]);

  const goWeek = (d: Date) => setParams({ week: isoDate(startOfWeek(d)) }, { replace: true });
  const days = Array.from({ length: 7 }, (_, i) => addDays(week, i));
  const lessons = list.data ?? [];
  const today = new Date();

  return (
    <>
      <div className="page-head">
        <div>
          <h1>{t('lessons.title')}</h1>
          <p className="lead">{t('lessons.intro')}</p>
        </div>
        {canSchedule(user) && !creating && (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="lesson-new"
            onClick={() => {
              setNotice(null);
              setCreating(true);
            }}
          >
            ＋ {t('lessons.schedule')}
          </button>
        )}
      </div>
      {creating && (
        <ScheduleLessonForm
          onCancel={() => setCreating(false)}
          onCreated={(first, count) => {
            setCreating(false);
            setHighlight(first.id);
            setNotice(
              count > 1
                ? t('lessons.createdSeries', { title: first.title, count })
                : t('lessons.created', { title: first.title }),
            );
            const target = isoDate(startOfWeek(new Date(first.startsAt)));
            if (target !== weekKey) setParams({ week: target }, { replace: true });
            else list.reload();
          }}
        />
      )}
      <nav className="toolbar week-nav" aria-label={t('lessons.weekNav')}>
        <button
          type="button"
          className="btn btn-secondary btn-small"
          onClick={() => goWeek(addDays(week, -7))}
        >
          ‹ {t('lessons.prevWeek')}
        </button>
        <button type="button" className="btn btn-ghost btn-small" onClick={() => goWeek(new Date())}>
          {t('lessons.thisWeek')}
        </button>
        <button
          type="button"
          className="btn btn-secondary btn-small"
          onClick={() => goWeek(addDays(week, 7))}
        >
          {t('lessons.nextWeek')} ›
        </button>
        <strong className="week-label" data-testid="week-label" aria-live="polite">
          {t('lessons.weekOf', {
            from: formatShortDate(i18n.language, week),
            to: formatShortDate(i18n.language, addDays(week, 6)),
          })}
        </strong>
        {list.data && (
          <span className="muted">
            {t('lessons.count', { count: lessons.filter((l) => l.status !== 'cancelled').length })}
          </span>
        )}
      </nav>
      <div ref={noticeRef}>{notice && <SuccessNotice testId="lesson-notice">{notice}</SuccessNotice>}</div>
      <ErrorAlert error={list.error} onRetry={list.reload} />
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <ol className="week" data-testid="timetable" aria-busy={list.loading}>
          {days.map((d) => {
            const mine = lessons.filter((l) => sameDay(new Date(l.startsAt), d));
            return (
              <li
                key={d.toISOString()}
                className={`week-day${sameDay(d, today) ? ' week-today' : ''}${mine.length ? '' : ' week-day-empty'}`}
              >
                <h2 className="week-day-title">
                  {formatDay(i18n.language, d)}
                  {sameDay(d, today) && <span className="badge badge-ready">{t('lessons.today')}</span>}
                </h2>
                {mine.length === 0 ? (
                  <p className="muted week-free">{t('lessons.noLessons')}</p>
                ) : (
                  <ul className="card-list">
                    {mine.map((l) => (
                      <li key={l.id}>
                        <LessonCard
                          lesson={l}
                          user={user}
                          highlight={l.id === highlight}
                          onCancelled={(nl) => {
                            list.setData((items) => items?.map((x) => (x.id === nl.id ? nl : x)));
                            setHighlight(nl.id);
                            setNotice(
                              t('lessons.cancelledNotice', {
                                title: nl.title,
                                time: `${formatShortDate(i18n.language, new Date(nl.startsAt))} ${formatTimeRange(nl.startsAt, nl.endsAt)}`,
                              }),
                            );
                          }}
                        />
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            );
          })}
        </ol>
      )}
    </>
  );
}

function LessonCard({
  lesson: l,
  user,
  highlight,
  onCancelled,
}: {
  lesson: LessonDto;
  user: UserDto;
  highlight: boolean;
  onCancelled: (l: LessonDto) => void;
}) {
  const { t } = useTranslation();
  const [cancelling, setCancelling] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const open = l.status === 'scheduled' || l.status === 'live';
  const isHost = l.host.id === user.id;
  const screens = screensFor(user, l);
  const manage = canManage(user, l) && l.status === 'scheduled';
  const hasActions =
    (open && (isHost || screens.length > 0)) || l.status === 'ended' || l.status === 'live' || manage;

  async function cancel() {
    setBusy(true);
    setError(null);
    try {
      onCancelled(await api.cancelLesson(l.id, reason.trim() ? { reason: reason.trim() } : {}));
      setCancelling(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <article
      className={`card lesson-card lesson-${l.status}${highlight ? ' card-highlight' : ''}`}
      data-testid="lesson-card"
      data-lesson-id={l.id}
      aria-labelledby={`lesson-${l.id}-title`}
    >
      <div className="card-head">
        <span className="lesson-time">{formatTimeRange(l.startsAt, l.endsAt)}</span>
        <h3 className="card-title" id={`lesson-${l.id}-title`}>
          {l.title}
        </h3>
        <LessonStatusBadge status={l.status} />
        {l.seriesId && <span className="badge badge-series">{t('lessons.weekly')}</span>}
      </div>
      <dl className="facts facts-grid lesson-facts">
        <div>
          <dt>{t('lessons.subject')}</dt>
          <dd>{subjectName(t, l.subject)}</dd>
        </div>
        <div>
          <dt>{t('lessons.hostLabel')}</dt>
          <dd>{l.host.displayName}</dd>
        </div>
        <div>
          <dt>{t('lessons.classrooms')}</dt>
          <dd>
            {l.classrooms
              .map(
                (c) =>
                  `${c.schoolName} ${c.name}` +
                  (c.coTeachers.length
                    ? `（${t('lessons.coTeacherShort')}：${c.coTeachers.map((x) => x.displayName).join(t('app.listSep'))}）`
                    : ''),
              )
              .join(t('app.listSep'))}
          </dd>
        </div>
        {l.attachments.length > 0 && (
          <div>
            <dt>{t('lessons.materials')}</dt>
            <dd>{l.attachments.map((a) => a.title).join(t('app.listSep'))}</dd>
          </div>
        )}
        {l.cancelReason && (
          <div>
            <dt>{t('lessons.cancelReason')}</dt>
            <dd>{l.cancelReason}</dd>
          </div>
        )}
      </dl>
      <ErrorAlert error={error} />
      {hasActions && (
        <div className="card-actions" role="group" aria-label={t('lessons.actionsFor', { title: l.title })}>
          {open && isHost && (
            <Link className="btn btn-primary" to={`/lessons/${l.id}/host`} data-testid="lesson-open-host">
              {t('lessons.openHost')}
            </Link>
          )}
          {open &&
            screens.map((c) => (
              <Link
                key={c.id}
                className="btn btn-primary"
                to={`/lessons/${l.id}/classroom?room=${encodeURIComponent(c.id)}`}
                data-testid="lesson-open-screen"
              >
                {screens.length > 1 ? t('lessons.openScreenOf', { name: c.name }) : t('lessons.openScreen')}
              </Link>
            ))}
          {(l.status === 'ended' || l.status === 'live') && (
            <Link
              className="btn btn-secondary"
              to={`/lessons/${l.id}/replay`}
              data-testid="lesson-open-replay"
            >
              {t('lessons.openReplay')}
            </Link>
          )}
          {manage && !cancelling && (
            <button
              type="button"
              className="btn btn-ghost"
              data-testid="lesson-cancel"
              onClick={() => setCancelling(true)}
            >
              {t('lessons.cancel')}
            </button>
          )}
        </div>
      )}
      {cancelling && (
        <form
          className="end-form"
          onSubmit={(e) => {
            e.preventDefault();
            void cancel();
          }}
        >
          <Field
            label={t('lessons.cancelReasonLabel')}
            hint={l.seriesId ? t('lessons.cancelOneHint') : undefined}
          >
            {(fp) => (
              <input
                {...fp}
                maxLength={200}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                data-testid="lesson-cancel-reason"
              />
            )}
          </Field>
          <div className="actions">
            <button
              type="submit"
              className="btn btn-danger"
              disabled={busy}
              data-testid="lesson-cancel-confirm"
            >
              {t('lessons.cancelConfirm')}
            </button>
            <button
              type="button"
              className="btn btn-ghost"
              disabled={busy}
              onClick={() => setCancelling(false)}
            >
              {t('lessons.keep')}
            </button>
          </div>
        </form>
      )}
    </article>
  );
}
