import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  applyLessonEvent,
  initialLessonState,
  materialKey,
  surfaceKey,
  type LessonEventEnvelope,
  type LessonState,
  type LessonTimelineItem,
} from '@tongke/contracts';
import { api } from '../../api/client';
import { ErrorAlert, Loading, useLoad } from '../../components/ui';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDate, subjectName } from '../../format';
import { currentSurface, inkCount } from '../../lessons/ink';
import { InkSurface } from '../../lessons/InkSurface';
import { formatOffset, formatTimeRange, hhmmss } from '../../lessons/time';
import { LessonStatusBadge, PollTally } from './LessonBits';
import { PageContent } from './PageContent';

/** Loads every page of the timeline (paged by seq). */
async function loadTimeline(id: string): Promise<{ startedAt: string | null; items: LessonTimelineItem[] }> {
  const items: LessonTimelineItem[] = [];
  let after = 0;
  let startedAt: string | null = null;
  for (let i = 0; i < 200; i++) {
    const page = await api.lessonTimeline(id, after, 1000);
    startedAt = page.startedAt;
    items.push(...page.items);
    if (page.nextAfterSeq === null) break;
    after = page.nextAfterSeq;
  }
  return { startedAt, items };
}

const toEnvelope = (i: LessonTimelineItem): LessonEventEnvelope =>
  ({
    seq: i.seq,
    type: i.type,
    at: Date.parse(i.at),
    actor: { userId: i.actor.userId, role: i.actor.role, classroomId: i.actor.classroomId },
    clientMsgId: null,
    payload: i.payload,
  }) as LessonEventEnvelope;

const CHECKPOINT_EVERY = 200;
const copy = (s: LessonState): LessonState => JSON.parse(JSON.stringify(s)) as LessonState;

/** Folds the timeline up to any position quickly: a copy of the state every 200 events. */
class Replayer {
  private readonly checkpoints: LessonState[] = [];
  constructor(
    lessonId: string,
    private readonly events: LessonEventEnvelope[],
  ) {
    const s = initialLessonState(lessonId);
    this.checkpoints.push(copy(s));
    events.forEach((e, i) => {
      applyLessonEvent(s, e);
      if ((i + 1) % CHECKPOINT_EVERY === 0) this.checkpoints.push(copy(s));
    });
  }
  /** The state after the first `n` events. */
  at(n: number): LessonState {
    const k = Math.min(Math.floor(n / CHECKPOINT_EVERY), this.checkpoints.length - 1);
    const s = copy(this.checkpoints[k]);
    for (let i = k * CHECKPOINT_EVERY; i < n && i < this.events.length; i++)
      applyLessonEvent(s, this.events[i]);
    return s;
  }
}

/** What a timeline entry was, in a few words (ink batches are summarised, not listed). */
const LANDMARKS = new Set([
  'lesson.started',
  'lesson.ended',
  'lobby.admitted',
  'material.set',
  'page.set',
  'board.cleared',
  'hand.raised',
  'poll.opened',
  'poll.revealed',
  'pen.granted',
]);

/** 回放: the lesson's timeline with a slider, and attendance per classroom. */
export function ReplayPage() {
  const { t, i18n } = useTranslation();
  const { id = '' } = useParams();
  const lesson = useLoad(() => api.lesson(id), [id]);
  const attendance = useLoad(() => api.lessonAttendance(id), [id]);
  const timeline = useLoad(() => loadTimeline(id), [id]);
  usePageTitle(
    lesson.data ? `${lesson.data.title} · ${t('lessons.replay.title')}` : t('lessons.replay.title'),
  );
  const items = useMemo(() => timeline.data?.items ?? [], [timeline.data]);
  const events = useMemo(() => items.map(toEnvelope), [items]);
  const replayer = useMemo(() => new Replayer(id, events), [id, events]);
  const [pos, setPos] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const n = pos ?? events.length;
  const state = useMemo(() => replayer.at(n), [replayer, n]);
  const current = n > 0 ? items[n - 1] : undefined;
  const l = lesson.data;
  const names = new Map((l?.classrooms ?? []).map((c) => [c.id, c.name]));

  // Play: one step per tick, waiting as long as the lesson did between events (capped, ×4).
  useEffect(() => {
    if (!playing) return;
    if (n >= events.length) {
      setPlaying(false);
      return;
    }
    const gap = n > 0 ? Date.parse(items[n].at) - Date.parse(items[n - 1].at) : 0;
    const timer = window.setTimeout(() => setPos(n + 1), Math.min(1500, Math.max(30, gap / 4)));
    return () => window.clearTimeout(timer);
  }, [playing, n, events.length, items]);

  const surface = currentSurface(state);
  const strokes = state.surfaces[surfaceKey(surface)];
  const material = l?.attachments.find(
    (a) => state.material && materialKey(a) === materialKey(state.material),
  );
  const poll = state.polls[state.polls.length - 1];
  const describe = (it: LessonTimelineItem): string => {
    const p = (it.payload ?? {}) as { page?: number; classroomId?: string; question?: string };
    const room = p.classroomId ? (names.get(p.classroomId) ?? '') : '';
    return t(`lessons.replay.event.${it.type as 'page.set'}`, {
      defaultValue: it.type,
      page: p.page,
      room,
      question: p.question ?? '',
    });
  };

  return (
    <>
      <p className="breadcrumb">
        <Link to="/lessons">‹ {t('lessons.title')}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>
            {t('lessons.replay.title')}
            {l && `：${l.title}`}
          </h1>
          {l && (
            <p className="lead">
              {formatDate(i18n.language, l.startsAt)} {formatTimeRange(l.startsAt, l.endsAt)} ·{' '}
              {subjectName(t, l.subject)} · {l.host.displayName} <LessonStatusBadge status={l.status} />
            </p>
          )}
        </div>
      </div>
      <ErrorAlert error={lesson.error} onRetry={lesson.reload} />
      <ErrorAlert error={timeline.error} onRetry={timeline.reload} />
      {timeline.loading && !timeline.data && <Loading />}
      {timeline.data && (
        <section className="panel replay" aria-labelledby="replay-title" data-testid="replay">
          <h2 id="replay-title">{t('lessons.replay.timeline')}</h2>
          {events.length === 0 ? (
            <p className="empty">{t('lessons.replay.empty')}</p>
          ) : (
            <>
              <div className="replay-controls">
                <button
                  type="button"
                  className="btn btn-secondary"
                  onClick={() => {
                    if (n >= events.length) setPos(0);
                    setPlaying((p) => !p);
                  }}
                  data-testid="replay-play"
                >
                  {playing ? `❚❚ ${t('lessons.replay.pause')}` : `▶ ${t('lessons.replay.play')}`}
                </button>
                <label htmlFor="replay-slider" className="visually-hidden">
                  {t('lessons.replay.slider')}
                </label>
                <input
                  id="replay-slider"
                  type="range"
                  min={0}
                  max={events.length}
                  value={n}
                  onChange={(e) => {
                    setPlaying(false);
                    setPos(Number(e.target.value));
                  }}
                  aria-valuetext={`${current ? formatOffset(current.offsetMs) : '0:00'} · ${t('lessons.pageN', { n: state.page })}`}
                  data-testid="replay-slider"
                />
                <span className="replay-time" data-testid="replay-time">
                  {current ? formatOffset(current.offsetMs) : '0:00'} /{' '}
                  {formatOffset(items[items.length - 1].offsetMs)}
                </span>
              </div>
              <div className="replay-body">
                <div className="replay-stage">
                  <InkSurface
                    surface={surface}
                    strokes={strokes}
                    version={n}
                    label={t('lessons.surfaceLabel', { page: state.page, count: inkCount(strokes) })}
                    testId="replay-surface"
                  >
                    <PageContent title={material?.title} page={state.page} whiteboard={!state.material} />
                  </InkSurface>
                  <p className="replay-now" data-testid="replay-now">
                    {t('lessons.pageN', { n: state.page })} ·{' '}
                    {t('lessons.inkN', { count: inkCount(strokes) })}
                    {state.hands.length > 0 &&
                      ` · ${t('lessons.replay.handsUp', { rooms: state.hands.map((h) => names.get(h.classroomId) ?? '').join(t('app.listSep')) })}`}
                  </p>
                  {poll && (
                    <div className="replay-poll">
                      <p>
                        <strong>{poll.question}</strong>{' '}
                        <span className="badge">{t(`lessons.poll.status.${poll.status}`)}</span>
                      </p>
                      <PollTally poll={poll} classrooms={l?.classrooms ?? []} />
                    </div>
                  )}
                </div>
                <ol className="replay-events" aria-label={t('lessons.replay.landmarks')}>
                  {items.map((it, i) =>
                    LANDMARKS.has(it.type) ? (
                      <li key={it.seq} className={i < n ? 'replay-past' : ''}>
                        <button
                          type="button"
                          className="linklike"
                          onClick={() => {
                            setPlaying(false);
                            setPos(i + 1);
                          }}
                          aria-current={i === n - 1 ? 'step' : undefined}
                        >
                          <span className="replay-offset">{formatOffset(it.offsetMs)}</span> {describe(it)}
                        </button>
                      </li>
                    ) : null,
                  )}
                </ol>
              </div>
            </>
          )}
        </section>
      )}
      <section className="panel" aria-labelledby="attendance-title" data-testid="attendance">
        <h2 id="attendance-title">{t('lessons.replay.attendance')}</h2>
        <ErrorAlert error={attendance.error} onRetry={attendance.reload} />
        {attendance.loading && !attendance.data && <Loading />}
        {attendance.data && (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('lessons.replay.classroom')}</th>
                  <th scope="col">{t('lessons.replay.present')}</th>
                  <th scope="col">{t('lessons.replay.minutes')}</th>
                  <th scope="col">{t('lessons.replay.intervals')}</th>
                </tr>
              </thead>
              <tbody>
                {attendance.data.classrooms.map((c) => (
                  <tr key={c.classroomId} data-testid="attendance-row">
                    <th scope="row">
                      {l?.classrooms.find((x) => x.id === c.classroomId)?.schoolName} {c.name}
                    </th>
                    <td>
                      {c.present
                        ? t('lessons.replay.nowPresent')
                        : c.intervals.length
                          ? t('lessons.replay.wasPresent')
                          : t('lessons.replay.absent')}
                    </td>
                    <td>{t('lessons.replay.minutesN', { n: c.minutes })}</td>
                    <td>
                      {c.intervals.length === 0
                        ? '—'
                        : c.intervals
                            .map(
                              (iv) =>
                                `${hhmmss(new Date(iv.joinedAt))}–${iv.leftAt ? hhmmss(new Date(iv.leftAt)) : t('lessons.replay.now')}`,
                            )
                            .join(t('app.listSep'))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
