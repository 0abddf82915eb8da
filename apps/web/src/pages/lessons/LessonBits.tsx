import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import {
  REALTIME_LIMITS,
  pollTotals,
  type LessonChatMessage,
  type LessonPoll,
  type LessonStatus,
} from '@tongke/contracts';
import { ApiError } from '../../api/client';
import { errorMessage, formatDate } from '../../format';
import { LessonCommandError } from '../../lessons/errors';
import type { SyncStatus } from '../../lessons/session';
import { formatTimeRange } from '../../lessons/time';

const STATUS_ICON: Record<LessonStatus, string> = { scheduled: '○', live: '●', ended: '■', cancelled: '✕' };

export function LessonStatusBadge({ status }: { status: LessonStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge-lesson-${status}`} data-testid="lesson-status">
      <span aria-hidden="true">{STATUS_ICON[status]} </span>
      {t(`lessons.status.${status}`)}
    </span>
  );
}

/** A user-facing sentence for a REST or socket refusal, translated by its code. */
export function lessonErrorText(t: TFunction, e: unknown): string {
  if (e instanceof LessonCommandError) {
    const translated = t(`errors.${e.code}` as 'errors.title', { defaultValue: '' });
    return translated || e.message;
  }
  return errorMessage(t, e);
}

export function LessonError({ error, testId }: { error: unknown; testId?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert" data-testid={testId ?? 'lesson-error'}>
      <span className="alert-icon" aria-hidden="true">
        !
      </span>
      <div>
        <p>{lessonErrorText(t, error)}</p>
      </div>
    </div>
  );
}

interface Conflict {
  resource: 'host' | 'classroom';
  name: string;
  startsAt: string;
  endsAt: string;
}

/** The clashes the API names when it refuses a double booking. */
export function DoubleBooking({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  if (!(error instanceof ApiError) || error.code !== 'LESSON_DOUBLE_BOOKED') return null;
  const conflicts = (Array.isArray(error.details.conflicts) ? error.details.conflicts : []) as Conflict[];
  if (conflicts.length === 0) return null;
  return (
    <div className="conflicts" data-testid="lesson-conflicts">
      <p className="field-error">{t('lessons.form.conflictsTitle')}</p>
      <ul>
        {conflicts.slice(0, 8).map((c, i) => (
          <li key={i}>
            {c.resource === 'host' ? t('lessons.form.conflictHost') : c.name} ·{' '}
            {formatDate(i18n.language, c.startsAt)} {formatTimeRange(c.startsAt, c.endsAt)}
          </li>
        ))}
      </ul>
    </div>
  );
}

const PILL_ICON: Record<SyncStatus, string> = {
  connecting: '…',
  catching_up: '↻',
  in_sync: '●',
  reconnecting: '⚠',
  lobby: '…',
  ended: '■',
  failed: '✕',
};

/** The connection state, in words and colour, announced when it changes. */
export function SyncPill({ status, big = false }: { status: SyncStatus; big?: boolean }) {
  const { t } = useTranslation();
  return (
    <span
      className={`sync-pill sync-${status}${big ? ' sync-pill-big' : ''}`}
      role="status"
      aria-live="polite"
      data-testid="sync-pill"
      data-status={status}
    >
      <span aria-hidden="true" className="sync-icon">
        {PILL_ICON[status]}
      </span>{' '}
      {t(`lessons.sync.${status}`)}
    </span>
  );
}

/** The lesson's chat: the last messages, and a box to write when allowed. */
export function ChatPanel({
  messages,
  canSend,
  onSend,
  big = false,
}: {
  messages: readonly LessonChatMessage[];
  canSend: boolean;
  onSend: (text: string) => Promise<unknown>;
  big?: boolean;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  const shown = messages.slice(-50);

  useEffect(() => {
    const el = list.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [shown.length]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const v = text.trim();
    if (!v) return;
    setBusy(true);
    setError(null);
    try {
      await onSend(v);
      setText('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section
      className={`lesson-panel chat${big ? ' chat-big' : ''}`}
      aria-labelledby="chat-title"
      data-testid="chat"
    >
      <h2 id="chat-title">{t('lessons.chat.title')}</h2>
      {shown.length === 0 ? (
        <p className="muted">{t('lessons.chat.empty')}</p>
      ) : (
        <ol
          className="chat-list"
          ref={list}
          aria-live="polite"
          tabIndex={0}
          aria-label={t('lessons.chat.title')}
        >
          {shown.map((m) => (
            <li key={m.seq} className={`chat-msg chat-${m.role}`}>
              <span className="chat-who">{m.displayName}</span> <span className="chat-text">{m.text}</span>
            </li>
          ))}
        </ol>
      )}
      {canSend && (
        <form className="chat-form" onSubmit={(e) => void submit(e)}>
          <label htmlFor="chat-input" className="visually-hidden">
            {t('lessons.chat.label')}
          </label>
          <input
            id="chat-input"
            value={text}
            maxLength={REALTIME_LIMITS.chatMaxLength}
            placeholder={t('lessons.chat.placeholder')}
            onChange={(e) => setText(e.target.value)}
            data-testid="chat-input"
          />
          <button type="submit" className="btn btn-secondary" disabled={busy || !text.trim()}>
            {t('lessons.chat.send')}
          </button>
        </form>
      )}
      <LessonError error={error} />
    </section>
  );
}

/** Per-classroom tallies of a poll, with totals; a bar per option for the eye. */
export function PollTally({
  poll,
  classrooms,
}: {
  poll: LessonPoll;
  classrooms: readonly { id: string; name: string }[];
}) {
  const { t } = useTranslation();
  const totals = pollTotals(poll);
  const max = Math.max(1, ...totals);
  const answered = classrooms.filter((c) => poll.answers[c.id]);
  return (
    <div className="poll-tally" data-testid="poll-tally">
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">
            {t('lessons.poll.tallyCaption', { question: poll.question })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('lessons.poll.classroom')}</th>
              {poll.options.map((o, i) => (
                <th key={i} scope="col">
                  {o}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {classrooms.map((c) => (
              <tr key={c.id} data-testid="poll-row">
                <th scope="row">{c.name}</th>
                {poll.options.map((_, i) => (
                  <td key={i}>{poll.answers[c.id] ? poll.answers[c.id][i] : '—'}</td>
                ))}
              </tr>
            ))}
            <tr className="poll-total">
              <th scope="row">{t('lessons.poll.total')}</th>
              {totals.map((n, i) => (
                <td key={i}>{n}</td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
      <ul className="poll-bars" aria-hidden="true">
        {poll.options.map((o, i) => (
          <li key={i}>
            <span className="poll-bar-label">{o}</span>
            <span className="poll-bar" style={{ width: `${(totals[i] / max) * 100}%` }} />
            <span className="poll-bar-n">{totals[i]}</span>
          </li>
        ))}
      </ul>
      <p className="muted">{t('lessons.poll.answered', { n: answered.length, of: classrooms.length })}</p>
    </div>
  );
}
