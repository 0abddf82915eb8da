import { useEffect, useId, useRef, useState, useSyncExternalStore, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  REALTIME_LIMITS as R,
  materialKey,
  surfaceKey,
  type LessonClassroomPresence,
  type LessonDto,
  type LessonState,
  type MaterialRef,
  type PollKind,
} from '@tongke/contracts';
import { api } from '../../api/client';
import { ErrorAlert, Loading, useLoad } from '../../components/ui';
import { usePageTitle } from '../../components/usePageTitle';
import { useLessonSession, useStrokeBatcher } from '../../lessons/hooks';
import { HIGHLIGHTER_COLOR, PEN_COLORS, TOOL_WIDTH, currentSurface, inkCount } from '../../lessons/ink';
import { InkSurface, type SurfaceMode } from '../../lessons/InkSurface';
import { RtcStar } from '../../lessons/rtc';
import type { LessonSession, LessonSnapshot } from '../../lessons/session';
import { AvPanel } from './AvPanel';
import { LiveBar } from './LiveBar';
import { ChatPanel, LessonError, PollTally } from './LessonBits';
import { PageContent } from './PageContent';

type Tool = 'pen' | 'highlighter' | 'eraser' | 'point';

/** 主讲端: the master teacher's console for one live lesson. */
export function HostConsolePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const lesson = useLoad(() => api.lesson(id), [id]);
  usePageTitle(lesson.data ? `${lesson.data.title} · ${t('lessons.host.title')}` : t('lessons.host.title'));
  const { session, snap } = useLessonSession(lesson.data ? { lessonId: id, role: 'host' } : null);

  return (
    <div className="live live-host" data-testid="host-console">
      <a className="skip-link" href="#live-main">
        {t('app.skipToContent')}
      </a>
      <LiveBar lesson={lesson.data} snap={snap} role={t('lessons.host.title')}>
        {session && snap && <StartEnd session={session} snap={snap} />}
      </LiveBar>
      <ErrorAlert error={lesson.error} onRetry={lesson.reload} />
      {lesson.loading && !lesson.data && <Loading />}
      {snap?.fatal ? <LessonError error={snap.fatal} testId="lesson-fatal" /> : null}
      {lesson.data && session && snap && snap.join && (
        <HostBody lesson={lesson.data} session={session} snap={snap} />
      )}
      {lesson.data && !snap?.join && !snap?.fatal && <Loading label={t('lessons.joining')} />}
    </div>
  );
}

function StartEnd({ session, snap }: { session: LessonSession; snap: LessonSnapshot }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      setConfirming(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const s = snap.state.status;
  return (
    <div className="live-bar-actions">
      {s === 'scheduled' && (
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy}
          data-testid="lesson-start"
          onClick={() => void run(() => session.send('lesson:start', {}))}
        >
          ▶ {t('lessons.host.start')}
        </button>
      )}
      {s === 'live' && !confirming && (
        <button
          type="button"
          className="btn btn-secondary"
          disabled={busy}
          onClick={() => setConfirming(true)}
        >
          ■ {t('lessons.host.end')}
        </button>
      )}
      {s === 'live' && confirming && (
        <>
          <button
            type="button"
            className="btn btn-danger"
            disabled={busy}
            data-testid="lesson-end-confirm"
            onClick={() => void run(() => session.send('lesson:end', {}))}
          >
            {t('lessons.host.endConfirm')}
          </button>
          <button type="button" className="btn btn-ghost" onClick={() => setConfirming(false)}>
            {t('app.cancel')}
          </button>
        </>
      )}
      {s === 'ended' && (
        <Link className="btn btn-secondary" to={`/lessons/${snap.state.lessonId}/replay`}>
          {t('lessons.openReplay')}
        </Link>
      )}
      <LessonError error={error} />
    </div>
  );
}

function HostBody({
  lesson,
  session,
  snap,
}: {
  lesson: LessonDto;
  session: LessonSession;
  snap: LessonSnapshot;
}) {
  const { t } = useTranslation();
  const state = snap.state;
  const info = snap.join?.lesson;
  const attachments = info?.attachments ?? lesson.attachments;
  const [tool, setTool] = useState<Tool>('pen');
  const [color, setColor] = useState<string>(PEN_COLORS[0]);
  const [actionError, setActionError] = useState<unknown>(null);
  const { batcher, localVersion } = useStrokeBatcher(session, setActionError);
  const surface = currentSurface(state);
  const key = surfaceKey(surface);
  const strokes = state.surfaces[key];
  const [requestedPage, setRequestedPage] = useState<number | null>(null);
  const [clearing, setClearing] = useState(false);
  const act = (p: Promise<unknown>) => p.catch((e: unknown) => setActionError(e));

  const goPage = (page: number) => {
    if (page < 1 || page > R.maxPage) return;
    setRequestedPage(page);
    setActionError(null);
    session.send('page:set', { page }).then(
      () => setRequestedPage((p) => (p === page ? null : p)),
      (e: unknown) => {
        setRequestedPage(null);
        setActionError(e);
      },
    );
  };
  const shownPage = requestedPage ?? state.page;
  const material = attachments.find((a) => state.material && materialKey(a) === materialKey(state.material));
  const live = state.status === 'live';
  const mode: SurfaceMode =
    tool === 'point'
      ? { kind: 'point' }
      : live
        ? {
            kind: 'draw',
            style: {
              tool,
              color: tool === 'highlighter' ? HIGHLIGHTER_COLOR : tool === 'eraser' ? '#000000' : color,
              width: TOOL_WIDTH[tool],
            },
          }
        : { kind: 'view' };

  return (
    <div className="live-body" id="live-main">
      <section className="live-stage" aria-label={t('lessons.host.stage')}>
        <div className="stage-controls">
          {attachments.length > 0 ? (
            <label className="inline-field">
              <span>{t('lessons.host.material')}</span>
              <select
                value={state.material ? materialKey(state.material) : ''}
                data-testid="material-select"
                onChange={(e) => {
                  const a = attachments.find((x) => materialKey(x) === e.target.value);
                  if (!a) return;
                  const ref: MaterialRef = { kind: a.kind, id: a.id };
                  setActionError(null);
                  void act(session.send('material:set', { material: ref, page: 1 }));
                }}
              >
                {!state.material && <option value="">{t('lessons.host.whiteboard')}</option>}
                {attachments.map((a) => (
                  <option key={materialKey(a)} value={materialKey(a)}>
                    {a.title}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <span className="muted">{t('lessons.host.noMaterials')}</span>
          )}
          <div className="pager" role="group" aria-label={t('lessons.host.pages')}>
            <button
              type="button"
              className="btn btn-secondary"
              disabled={shownPage <= 1}
              onClick={() => goPage(shownPage - 1)}
              data-testid="page-prev"
            >
              ‹ {t('lessons.host.prevPage')}
            </button>
            <strong className="pager-now" data-testid="host-page" data-page={state.page} aria-live="polite">
              {t('lessons.pageN', { n: shownPage })}
            </strong>
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => goPage(shownPage + 1)}
              data-testid="page-next"
            >
              {t('lessons.host.nextPage')} ›
            </button>
            <GoToPage onGo={goPage} />
          </div>
        </div>
        <Toolbar
          tool={tool}
          setTool={setTool}
          color={color}
          setColor={setColor}
          live={live}
          onClear={() => setClearing(true)}
        />
        {clearing && (
          <div
            className="alert alert-info clear-confirm"
            role="alertdialog"
            aria-label={t('lessons.host.clear')}
          >
            <p>{t('lessons.host.clearConfirmText', { page: state.page })}</p>
            <div className="actions">
              <button
                type="button"
                className="btn btn-danger btn-small"
                data-testid="clear-confirm"
                onClick={() => {
                  setClearing(false);
                  void act(session.send('board:clear', { surface }));
                }}
              >
                {t('lessons.host.clearConfirm')}
              </button>
              <button type="button" className="btn btn-ghost btn-small" onClick={() => setClearing(false)}>
                {t('app.cancel')}
              </button>
            </div>
          </div>
        )}
        <LessonError error={actionError} testId="host-action-error" />
        {!live && state.status === 'scheduled' && <p className="info">{t('lessons.host.notStarted')}</p>}
        <InkSurface
          surface={surface}
          strokes={strokes}
          version={snap.version}
          mode={mode}
          batcher={batcher}
          localVersion={localVersion}
          onPointer={(x, y) => session.pointer({ surface, x, y })}
          label={t('lessons.surfaceLabel', { page: state.page, count: inkCount(strokes) })}
        >
          <PageContent title={material?.title} page={state.page} whiteboard={!state.material} />
        </InkSurface>
      </section>
      <aside className="live-side">
        <ClassroomList session={session} snap={snap} lesson={lesson} onError={setActionError} />
        <HostAv session={session} snap={snap} />
        <Polls session={session} state={state} classrooms={info?.classrooms ?? lesson.classrooms} />
        <ChatPanel
          messages={state.chat.lesson}
          canSend={state.status !== 'ended'}
          onSend={(text) => session.send('chat:send', { channel: 'lesson', text })}
        />
      </aside>
    </div>
  );
}

function GoToPage({ onGo }: { onGo: (p: number) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [v, setV] = useState('');
  return (
    <form
      className="goto"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        const n = Number(v);
        if (Number.isInteger(n) && n >= 1) {
          onGo(n);
          setV('');
        }
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        {t('lessons.host.goTo')}
      </label>
      <input
        id={id}
        type="number"
        min={1}
        max={R.maxPage}
        inputMode="numeric"
        placeholder={t('lessons.host.goToPlaceholder')}
        value={v}
        onChange={(e) => setV(e.target.value)}
      />
      <button type="submit" className="btn btn-ghost btn-small">
        {t('lessons.host.go')}
      </button>
    </form>
  );
}

function Toolbar({
  tool,
  setTool,
  color,
  setColor,
  live,
  onClear,
}: {
  tool: Tool;
  setTool: (t: Tool) => void;
  color: string;
  setColor: (c: string) => void;
  live: boolean;
  onClear: () => void;
}) {
  const { t } = useTranslation();
  const tools: Tool[] = ['pen', 'highlighter', 'eraser', 'point'];
  return (
    <div className="ink-toolbar" role="toolbar" aria-label={t('lessons.tools.label')}>
      {tools.map((x) => (
        <button
          key={x}
          type="button"
          className={`btn btn-small tool-btn${tool === x ? ' tool-on' : ''}`}
          aria-pressed={tool === x}
          data-testid={`tool-${x}`}
          disabled={x !== 'point' && !live}
          onClick={() => setTool(x)}
        >
          {t(`lessons.tools.${x}`)}
        </button>
      ))}
      {tool === 'pen' && (
        <span className="swatches" role="group" aria-label={t('lessons.tools.color')}>
          {PEN_COLORS.map((c, i) => (
            <button
              key={c}
              type="button"
              className={`swatch${color === c ? ' swatch-on' : ''}`}
              style={{ background: c }}
              aria-pressed={color === c}
              aria-label={t(`lessons.tools.colors.c${i as 0 | 1 | 2 | 3}`)}
              onClick={() => setColor(c)}
            />
          ))}
        </span>
      )}
      <button
        type="button"
        className="btn btn-ghost btn-small"
        disabled={!live}
        onClick={onClear}
        data-testid="tool-clear"
      >
        {t('lessons.host.clear')}
      </button>
    </div>
  );
}

const quality = (rtt: number | null): 'good' | 'fair' | 'poor' | 'unknown' =>
  rtt === null ? 'unknown' : rtt < 150 ? 'good' : rtt < 400 ? 'fair' : 'poor';

function ClassroomList({
  session,
  snap,
  lesson,
  onError,
}: {
  session: LessonSession;
  snap: LessonSnapshot;
  lesson: LessonDto;
  onError: (e: unknown) => void;
}) {
  const { t } = useTranslation();
  const state = snap.state;
  const schoolOf = new Map(lesson.classrooms.map((c) => [c.id, c.schoolName]));
  const rows: LessonClassroomPresence[] =
    snap.presence?.classrooms ??
    lesson.classrooms.map((c) => ({
      classroomId: c.id,
      name: c.name,
      admitted: state.admitted.includes(c.id),
      online: false,
      ready: false,
      devices: [],
      coTeachers: [],
      rttMs: null,
    }));
  const act = (p: Promise<unknown>) => void p.catch(onError);
  const live = state.status === 'live';
  return (
    <section className="lesson-panel" aria-labelledby="rooms-title">
      <h2 id="rooms-title">{t('lessons.rooms.title')}</h2>
      <ul className="room-list" data-testid="classroom-list">
        {rows.map((c) => {
          const peers = [...c.devices, ...c.coTeachers];
          const rtts = peers
            .map((p) => snap.quality[p.peerId] ?? p.rttMs)
            .filter((x): x is number => x != null);
          const rtt = rtts.length ? Math.max(...rtts) : c.rttMs;
          const q = quality(c.online ? rtt : null);
          const hand = state.hands.find((h) => h.classroomId === c.classroomId);
          const pen = state.pen.includes(c.classroomId);
          const muted = state.muted.includes(c.classroomId);
          return (
            <li
              key={c.classroomId}
              className={`room-row${hand ? ' room-hand' : ''}`}
              data-testid="classroom-row"
              data-classroom-id={c.classroomId}
              data-online={c.online}
              data-admitted={c.admitted}
            >
              <div className="room-name">
                <strong>{c.name}</strong> <span className="muted">{schoolOf.get(c.classroomId)}</span>
              </div>
              <ul className="room-facts">
                <li className={c.online ? 'fact-ok' : 'fact-off'}>
                  <span aria-hidden="true">{c.online ? '●' : '○'}</span>{' '}
                  {!c.online
                    ? t('lessons.rooms.offline')
                    : c.admitted
                      ? t('lessons.rooms.online')
                      : t('lessons.rooms.waiting')}
                </li>
                {c.online && (
                  <li className={`fact-q-${q}`} data-testid="room-rtt">
                    {t(`lessons.rooms.quality.${q}`)}
                    {rtt != null && ` · ${t('lessons.rooms.rtt', { ms: Math.round(rtt) })}`}
                  </li>
                )}
                <li className={c.ready ? 'fact-ok' : 'fact-warn'}>
                  {c.ready ? t('lessons.rooms.ready') : t('lessons.rooms.notReady')}
                </li>
                {hand && (
                  <li className="fact-hand" data-testid="room-hand">
                    {t('lessons.rooms.handUp')}
                  </li>
                )}
                {pen && <li className="fact-ok">{t('lessons.rooms.hasPen')}</li>}
                {muted && <li className="fact-warn">{t('lessons.rooms.muted')}</li>}
              </ul>
              <div
                className="room-actions"
                role="group"
                aria-label={t('lessons.rooms.actionsFor', { name: c.name })}
              >
                {!c.admitted && (
                  <button
                    type="button"
                    className="btn btn-primary btn-small"
                    data-testid="room-admit"
                    onClick={() => act(session.send('lobby:admit', { classroomId: c.classroomId }))}
                  >
                    {t('lessons.rooms.admit')}
                  </button>
                )}
                {hand && (
                  <button
                    type="button"
                    className="btn btn-secondary btn-small"
                    onClick={() => act(session.send('hand:lower', { classroomId: c.classroomId }))}
                  >
                    {t('lessons.rooms.lowerHand')}
                  </button>
                )}
                {c.admitted && live && (
                  <button
                    type="button"
                    className="btn btn-secondary btn-small"
                    data-testid={pen ? 'room-revoke-pen' : 'room-grant-pen'}
                    onClick={() =>
                      act(session.send(pen ? 'pen:revoke' : 'pen:grant', { classroomId: c.classroomId }))
                    }
                  >
                    {pen ? t('lessons.rooms.revokePen') : t('lessons.rooms.grantPen')}
                  </button>
                )}
                {live && (
                  <button
                    type="button"
                    className="btn btn-ghost btn-small"
                    onClick={() =>
                      act(session.send('classroom:mute', { classroomId: c.classroomId, muted: !muted }))
                    }
                  >
                    {muted ? t('lessons.rooms.unmute') : t('lessons.rooms.mute')}
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function HostAv({ session, snap }: { session: LessonSession; snap: LessonSnapshot }) {
  const [star, setStar] = useState<RtcStar | null>(null);
  const ice = useRef(snap.join?.iceServers ?? []);
  ice.current = snap.join?.iceServers ?? [];
  useEffect(() => {
    const s = new RtcStar(session, 'host', () => ice.current);
    setStar(s);
    return () => s.dispose();
  }, [session]);
  const view = useSyncExternalStore(star?.subscribe ?? noSub, star?.getSnapshot ?? noView);
  useEffect(() => {
    if (view?.on) star?.syncWith(snap.presence);
  }, [star, view?.on, view?.local, snap.presence]);
  // Everyone sees whether the host is on camera or audio only.
  const tellMode = (audioOnly: boolean) => {
    const mode = audioOnly ? 'audio' : 'av';
    if (snap.state.avMode.host !== mode) void session.send('av:mode', { mode }).catch(() => undefined);
  };
  if (!star || !view) return null;
  return (
    <AvPanel
      view={view}
      classroomName={(id) => snap.presence?.classrooms.find((c) => c.classroomId === id)?.name ?? ''}
      onStart={(audioOnly) => {
        void star.start(audioOnly);
        tellMode(audioOnly);
      }}
      onStop={() => star.stop()}
      onAudioOnly={(on) => {
        star.setAudioOnly(on);
        tellMode(on);
      }}
      muted={false}
    />
  );
}

const noSub = () => () => undefined;
const noView = () => null;

function Polls({
  session,
  state,
  classrooms,
}: {
  session: LessonSession;
  state: LessonState;
  classrooms: readonly { id: string; name: string }[];
}) {
  const { t } = useTranslation();
  const [question, setQuestion] = useState('');
  const [kind, setKind] = useState<PollKind>('single');
  const [options, setOptions] = useState(['A', 'B', 'C', 'D']);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const poll = state.polls[state.polls.length - 1];
  const live = state.status === 'live';
  const qid = useId();

  const run = async (p: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await p();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };

  async function open(e: FormEvent) {
    e.preventDefault();
    const opts = options.map((o) => o.trim()).filter(Boolean);
    if (!question.trim() || opts.length < R.pollMinOptions) {
      setError(new Error(t('lessons.poll.incomplete', { min: R.pollMinOptions })));
      return;
    }
    if (await run(() => session.send('poll:open', { question: question.trim(), kind, options: opts }))) {
      setQuestion('');
    }
  }

  return (
    <section className="lesson-panel" aria-labelledby="polls-title" data-testid="host-polls">
      <h2 id="polls-title">{t('lessons.poll.title')}</h2>
      {poll && (
        <div className="poll-current">
          <p className="poll-question">
            <strong>{poll.question}</strong>{' '}
            <span className="badge">{t(`lessons.poll.status.${poll.status}`)}</span>{' '}
            <span className="muted">{t(`lessons.poll.kind.${poll.kind}`)}</span>
          </p>
          <PollTally poll={poll} classrooms={classrooms} />
          <div className="actions">
            {poll.status === 'open' && (
              <button
                type="button"
                className="btn btn-secondary btn-small"
                disabled={busy}
                onClick={() => void run(() => session.send('poll:close', { pollId: poll.id }))}
              >
                {t('lessons.poll.close')}
              </button>
            )}
            {poll.status !== 'revealed' && (
              <button
                type="button"
                className="btn btn-primary btn-small"
                disabled={busy}
                data-testid="poll-reveal"
                onClick={() => void run(() => session.send('poll:reveal', { pollId: poll.id }))}
              >
                {t('lessons.poll.reveal')}
              </button>
            )}
          </div>
        </div>
      )}
      {live && (
        <form className="poll-form" onSubmit={(e) => void open(e)} aria-labelledby="poll-new-title">
          <h3 id="poll-new-title" className="poll-new-title">
            {t('lessons.poll.new')}
          </h3>
          <label htmlFor={qid}>{t('lessons.poll.question')}</label>
          <input
            id={qid}
            value={question}
            maxLength={R.pollQuestionMaxLength}
            onChange={(e) => setQuestion(e.target.value)}
            data-testid="poll-question"
          />
          <fieldset className="poll-kind">
            <legend>{t('lessons.poll.kindLabel')}</legend>
            {(['single', 'multiple'] as const).map((k) => (
              <label key={k} className="inline-check">
                <input type="radio" name="poll-kind" checked={kind === k} onChange={() => setKind(k)} />{' '}
                {t(`lessons.poll.kind.${k}`)}
              </label>
            ))}
          </fieldset>
          <fieldset className="poll-options">
            <legend>{t('lessons.poll.options')}</legend>
            {options.map((o, i) => (
              <div key={i} className="poll-option-row">
                <input
                  aria-label={t('lessons.poll.optionN', { n: i + 1 })}
                  value={o}
                  maxLength={R.pollOptionMaxLength}
                  onChange={(e) => setOptions((list) => list.map((x, j) => (j === i ? e.target.value : x)))}
                />
                {options.length > R.pollMinOptions && (
                  <button
                    type="button"
                    className="btn btn-ghost btn-small"
                    aria-label={t('lessons.poll.removeOption', { n: i + 1 })}
                    onClick={() => setOptions((list) => list.filter((_, j) => j !== i))}
                  >
                    ✕
                  </button>
                )}
              </div>
            ))}
            {options.length < R.pollMaxOptions && (
              <button
                type="button"
                className="btn btn-ghost btn-small"
                onClick={() => setOptions((list) => [...list, String.fromCharCode(65 + list.length)])}
              >
                ＋ {t('lessons.poll.addOption')}
              </button>
            )}
          </fieldset>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="poll-open">
            {t('lessons.poll.open')}
          </button>
        </form>
      )}
      <LessonError error={error} />
    </section>
  );
}
