import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  REALTIME_LIMITS as R,
  materialKey,
  surfaceKey,
  type LessonDto,
  type LessonPoll,
  type LessonRole,
} from '@tongke/contracts';
import { api } from '../../api/client';
import { useUser } from '../../auth/session';
import { ErrorAlert, Loading, useLoad } from '../../components/ui';
import { usePageTitle } from '../../components/usePageTitle';
import { useLessonSession, useStrokeBatcher } from '../../lessons/hooks';
import { PEN_COLORS, TOOL_WIDTH, currentSurface, inkCount } from '../../lessons/ink';
import { InkSurface } from '../../lessons/InkSurface';
import { prefetchMaterials, type PrefetchItem } from '../../lessons/prefetch';
import { RtcStar } from '../../lessons/rtc';
import type { LessonSession, LessonSnapshot } from '../../lessons/session';
import { AvPanel } from './AvPanel';
import { LiveBar } from './LiveBar';
import { ChatPanel, LessonError, PollTally } from './LessonBits';
import { PageContent } from './PageContent';

/**
 * 课堂大屏: the rural classroom's screen. Very large type, the shared page with its ink, and the
 * connection state always visible. Opened by the room's co-teacher (助教), it also carries their
 * big buttons: hand, the class's poll answer, chat, and the pen when the host grants it. Opened
 * by the school's admin (or with ?as=device) it is the room's device only.
 */
export function ClassroomScreenPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const user = useUser();
  const lesson = useLoad(() => api.lesson(id), [id]);
  const l = lesson.data;
  const room =
    l?.classrooms.find((c) => c.id === params.get('room')) ??
    l?.classrooms.find((c) => c.coTeachers.some((x) => x.id === user.id));
  const isCo = !!room?.coTeachers.some((x) => x.id === user.id);
  const role: LessonRole = isCo && params.get('as') !== 'device' ? 'co_teacher' : 'classroom';
  usePageTitle(l ? `${l.title} · ${t('lessons.screen.title')}` : t('lessons.screen.title'));
  const { session, snap } = useLessonSession(l && room ? { lessonId: id, role, classroomId: room.id } : null);

  return (
    <div className="live live-screen" data-testid="classroom-screen" data-role={role}>
      <a className="skip-link" href="#live-main">
        {t('app.skipToContent')}
      </a>
      <LiveBar lesson={l} snap={snap} role={room ? room.name : t('lessons.screen.title')} big>
        {snap && <ScreenPage snap={snap} />}
      </LiveBar>
      <ErrorAlert error={lesson.error} onRetry={lesson.reload} />
      {lesson.loading && !l && <Loading />}
      {l && !room && <p className="alert alert-error">{t('lessons.screen.noRoom')}</p>}
      {snap?.fatal ? <LessonError error={snap.fatal} testId="lesson-fatal" /> : null}
      {l && room && session && snap?.join && (
        <ScreenBody lesson={l} classroomId={room.id} role={role} session={session} snap={snap} />
      )}
      {l && room && !snap?.join && !snap?.fatal && <Loading label={t('lessons.joining')} />}
    </div>
  );
}

function ScreenPage({ snap }: { snap: LessonSnapshot }) {
  const { t } = useTranslation();
  const key = surfaceKey(currentSurface(snap.state));
  const n = inkCount(snap.state.surfaces[key]);
  if (!snap.join || snap.lobby || snap.status === 'ended') return null;
  return (
    <span className="screen-page" data-testid="screen-page" data-page={snap.state.page} data-stroke-count={n}>
      {t('lessons.pageN', { n: snap.state.page })}
      <span className="screen-ink"> · {t('lessons.inkN', { count: n })}</span>
    </span>
  );
}

function ScreenBody({
  lesson,
  classroomId,
  role,
  session,
  snap,
}: {
  lesson: LessonDto;
  classroomId: string;
  role: LessonRole;
  session: LessonSession;
  snap: LessonSnapshot;
}) {
  const { t } = useTranslation();
  const state = snap.state;
  const [actionError, setActionError] = useState<unknown>(null);
  const [drawing, setDrawing] = useState(false);
  const [color, setColor] = useState<string>(PEN_COLORS[1]);
  const { batcher, localVersion } = useStrokeBatcher(session, setActionError);
  const surface = currentSurface(state);
  const strokes = state.surfaces[surfaceKey(surface)];
  const co = role === 'co_teacher';
  const hasPen = state.pen.includes(classroomId);
  const live = state.status === 'live';
  const attachments = snap.join?.lesson.attachments ?? lesson.attachments;
  const material = attachments.find((a) => state.material && materialKey(a) === materialKey(state.material));
  const hand = state.hands.some((h) => h.classroomId === classroomId);
  const poll = state.polls[state.polls.length - 1];
  const act = (p: Promise<unknown>) => {
    setActionError(null);
    return p.catch((e: unknown) => setActionError(e));
  };
  useEffect(() => {
    if (!hasPen) setDrawing(false);
  }, [hasPen]);
  const prefetch = usePrefetch(session, !!snap.join, attachments);

  if (snap.status === 'ended') {
    return (
      <div className="screen-message" id="live-main">
        <p className="screen-big">{t('lessons.screen.ended')}</p>
        <Link className="btn btn-primary" to={`/lessons/${lesson.id}/replay`}>
          {t('lessons.openReplay')}
        </Link>
      </div>
    );
  }
  if (snap.lobby) {
    return (
      <div className="screen-message" id="live-main" data-testid="screen-lobby">
        <p className="screen-big">{t('lessons.screen.lobby')}</p>
        <p>{t('lessons.screen.lobbyHint')}</p>
        <PrefetchPanel items={prefetch} />
      </div>
    );
  }

  return (
    <div className="live-body screen-body" id="live-main">
      <section className="live-stage" aria-label={t('lessons.host.stage')}>
        {state.status === 'scheduled' && <p className="info screen-note">{t('lessons.screen.notStarted')}</p>}
        <InkSurface
          surface={surface}
          strokes={strokes}
          version={snap.version}
          mode={
            drawing && hasPen && live
              ? { kind: 'draw', style: { tool: 'pen', color, width: TOOL_WIDTH.pen } }
              : { kind: 'view' }
          }
          batcher={co ? batcher : null}
          localVersion={localVersion}
          pointers={Object.values(snap.pointers)}
          label={t('lessons.surfaceLabel', { page: state.page, count: inkCount(strokes) })}
        >
          <PageContent title={material?.title} page={state.page} whiteboard={!state.material} />
        </InkSurface>
      </section>
      <aside className="live-side screen-side">
        <LessonError error={actionError} testId="screen-action-error" />
        {co && (
          <section className="lesson-panel" aria-label={t('lessons.screen.actions')}>
            <button
              type="button"
              className={`btn btn-huge ${hand ? 'btn-secondary' : 'btn-primary'}`}
              disabled={!live}
              aria-pressed={hand}
              data-testid="hand-toggle"
              onClick={() =>
                void act(hand ? session.send('hand:lower', { classroomId }) : session.send('hand:raise', {}))
              }
            >
              {hand ? t('lessons.screen.lowerHand') : t('lessons.screen.raiseHand')}
            </button>
            {hasPen && live && (
              <div className="screen-pen">
                <button
                  type="button"
                  className={`btn btn-huge ${drawing ? 'btn-primary' : 'btn-secondary'}`}
                  aria-pressed={drawing}
                  data-testid="pen-toggle"
                  onClick={() => setDrawing((d) => !d)}
                >
                  {drawing ? t('lessons.screen.penOn') : t('lessons.screen.penOff')}
                </button>
                {drawing && (
                  <span className="swatches" role="group" aria-label={t('lessons.tools.color')}>
                    {PEN_COLORS.map((c, i) => (
                      <button
                        key={c}
                        type="button"
                        className={`swatch swatch-big${color === c ? ' swatch-on' : ''}`}
                        style={{ background: c }}
                        aria-pressed={color === c}
                        aria-label={t(`lessons.tools.colors.c${i as 0 | 1 | 2 | 3}`)}
                        onClick={() => setColor(c)}
                      />
                    ))}
                  </span>
                )}
              </div>
            )}
            {!hasPen && live && <p className="muted">{t('lessons.screen.noPen')}</p>}
          </section>
        )}
        {!co && hand && (
          <p className="screen-hand" role="status">
            {t('lessons.screen.handIsUp')}
          </p>
        )}
        {poll && (
          <ScreenPoll
            key={poll.id}
            poll={poll}
            classroomId={classroomId}
            canAnswer={co}
            onAnswer={(tally) => act(session.send('poll:answer', { pollId: poll.id, tally }))}
            classrooms={snap.join?.lesson.classrooms ?? lesson.classrooms}
          />
        )}
        <PrefetchPanel items={prefetch} />
        <ScreenAv lessonId={lesson.id} classroomId={classroomId} role={role} session={session} snap={snap} />
        <ChatPanel
          big
          messages={state.chat.lesson}
          canSend={co}
          onSend={(text) => session.send('chat:send', { channel: 'lesson', text })}
        />
      </aside>
    </div>
  );
}

/** Prefetches the lesson's materials once joined (the lobby is the time for it) and reports them. */
function usePrefetch(
  session: LessonSession,
  joined: boolean,
  attachments: readonly LessonDto['attachments'][number][],
): PrefetchItem[] | null {
  const [items, setItems] = useState<PrefetchItem[] | null>(null);
  const list = useRef(attachments);
  useEffect(() => {
    if (!joined || list.current.length === 0) return;
    let live = true;
    void prefetchMaterials(list.current, (x) => live && setItems(x)).then((ready) => {
      if (live && ready.length) void session.send('prefetch:report', { ready }).catch(() => undefined);
    });
    return () => {
      live = false;
    };
  }, [session, joined]);
  return items;
}

function PrefetchPanel({ items }: { items: PrefetchItem[] | null }) {
  const { t } = useTranslation();
  if (!items?.length) return null;
  const ready = items.filter((i) => i.status === 'ready').length;
  return (
    <section className="lesson-panel prefetch" aria-labelledby="prefetch-title" data-testid="prefetch">
      <h2 id="prefetch-title">
        {t('lessons.prefetch.title')}{' '}
        <span className="muted">{t('lessons.prefetch.count', { n: ready, of: items.length })}</span>
      </h2>
      <ul className="prefetch-list">
        {items.map((i) => (
          <li key={i.key} className={`prefetch-${i.status}`}>
            {i.title} · {t(`lessons.prefetch.status.${i.status}`)}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The answer card: how many pupils of the class chose each option, sent for the class. */
function ScreenPoll({
  poll,
  classroomId,
  canAnswer,
  onAnswer,
  classrooms,
}: {
  poll: LessonPoll;
  classroomId: string;
  canAnswer: boolean;
  onAnswer: (tally: number[]) => Promise<unknown>;
  classrooms: readonly { id: string; name: string }[];
}) {
  const { t } = useTranslation();
  const sent = poll.answers[classroomId];
  const [tally, setTally] = useState<number[]>(() => sent ?? poll.options.map(() => 0));
  const [busy, setBusy] = useState(false);
  const bump = (i: number, d: number) =>
    setTally((cur) =>
      cur.map((n, j) => (j === i ? Math.min(R.pollMaxTallyPerOption, Math.max(0, n + d)) : n)),
    );
  return (
    <section
      className="lesson-panel screen-poll"
      aria-labelledby="screen-poll-title"
      data-testid="screen-poll"
    >
      <h2 id="screen-poll-title">
        {t('lessons.poll.title')} <span className="badge">{t(`lessons.poll.status.${poll.status}`)}</span>
      </h2>
      <p className="screen-question">{poll.question}</p>
      {poll.status === 'revealed' ? (
        <PollTally poll={poll} classrooms={classrooms} />
      ) : canAnswer && poll.status === 'open' ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            void onAnswer(tally).finally(() => setBusy(false));
          }}
        >
          <p className="muted">{t(`lessons.poll.howTo.${poll.kind}`)}</p>
          <ul className="tally-list">
            {poll.options.map((o, i) => (
              <li key={i} className="tally-row">
                <span className="tally-option">{o}</span>
                <button
                  type="button"
                  className="btn btn-secondary btn-tally"
                  aria-label={t('lessons.poll.minus', { option: o })}
                  onClick={() => bump(i, -1)}
                >
                  −
                </button>
                <output className="tally-n" aria-live="polite" data-testid="tally-n">
                  {tally[i]}
                </output>
                <button
                  type="button"
                  className="btn btn-secondary btn-tally"
                  aria-label={t('lessons.poll.plus', { option: o })}
                  data-testid="tally-plus"
                  onClick={() => bump(i, 1)}
                >
                  ＋
                </button>
              </li>
            ))}
          </ul>
          <button
            type="submit"
            className="btn btn-primary btn-huge"
            disabled={busy || tally.every((n) => n === 0)}
            data-testid="poll-submit"
          >
            {sent ? t('lessons.poll.resubmit') : t('lessons.poll.submit')}
          </button>
          {sent && (
            <p className="screen-sent" role="status" data-testid="poll-sent">
              {t('lessons.poll.sent', {
                tally: poll.options.map((o, i) => `${o} ${sent[i]}`).join(t('app.listSep')),
              })}
            </p>
          )}
        </form>
      ) : (
        <p className="muted">
          {poll.status === 'open' ? t('lessons.poll.waitReveal') : t('lessons.poll.closedNote')}
        </p>
      )}
    </section>
  );
}

const noSub = () => () => undefined;
const noView = () => null;

/**
 * The room's A/V. A classroom device does it on its own connection; a co-teacher's screen opens
 * a second, passive connection as the room's device (the relay only connects the host with
 * classroom devices), so the same screen shows the host and sends the room's camera.
 */
function ScreenAv({
  lessonId,
  classroomId,
  role,
  session,
  snap,
}: {
  lessonId: string;
  classroomId: string;
  role: LessonRole;
  session: LessonSession;
  snap: LessonSnapshot;
}) {
  const aux = useLessonSession(
    role === 'co_teacher' && RtcStar.supported
      ? { lessonId, role: 'classroom', classroomId, passive: true, baseSeq: () => session.lastSeq }
      : null,
  );
  const av = role === 'classroom' ? session : aux.session;
  const avSnap = role === 'classroom' ? snap : aux.snap;
  const [star, setStar] = useState<RtcStar | null>(null);
  const ice = useRef(avSnap?.join?.iceServers ?? []);
  ice.current = avSnap?.join?.iceServers ?? [];
  useEffect(() => {
    if (!av) return;
    const s = new RtcStar(av, 'classroom', () => ice.current);
    setStar(s);
    return () => s.dispose();
  }, [av]);
  const view = useSyncExternalStore(star?.subscribe ?? noSub, star?.getSnapshot ?? noView);
  const muted = snap.state.muted.includes(classroomId);
  useEffect(() => star?.setMuted(muted), [star, muted, view?.local]);
  const { t } = useTranslation();
  // Only a classroom device may say how the room is connected (audio only on a bad day).
  const tellMode = (audioOnly: boolean) => {
    const mode = audioOnly ? 'audio' : 'av';
    const now = snap.state.avMode.classrooms[classroomId] ?? 'av';
    if (av && now !== mode && (role === 'classroom' || aux.snap?.join))
      void av.send('av:mode', { mode }).catch(() => undefined);
  };
  if (!star || !view) return null;
  return (
    <AvPanel
      big
      view={view}
      muted={muted}
      remoteLabel={t('lessons.av.host')}
      onStart={(audioOnly) => {
        void star.start(audioOnly);
        tellMode(audioOnly);
      }}
      onStop={() => star.stop()}
      onAudioOnly={(on) => {
        star.setAudioOnly(on);
        tellMode(on);
      }}
    />
  );
}
