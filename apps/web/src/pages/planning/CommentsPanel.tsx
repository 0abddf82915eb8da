import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlanCommentDto, PlanDto, PlanSectionCode } from '@tongke/contracts';
import type * as Y from 'yjs';
import { ErrorAlert, Field, useLoad } from '../../components/ui';
import { formatDate } from '../../format';
import { planningApi } from '../../planning/api';
import { anchorAt, sectionText } from '../../../../../libs/contracts/src/planning/plan-doc';

/** A selection in a section, as offsets of its plain text. */
export interface SelectionRef {
  section: PlanSectionCode;
  from: number;
  to: number;
}

/**
 * Comments anchored to text: made from the current selection (Yjs relative positions, so the
 * anchor moves and grows with everyone's edits), with replies and resolve / reopen.
 */
export function CommentsPanel({
  plan,
  doc,
  selection,
  readOnly,
  onComments,
  onLocate,
}: {
  plan: PlanDto;
  doc: Y.Doc;
  selection: SelectionRef | null;
  readOnly: boolean;
  /** The comments as loaded (for the editors' highlights). */
  onComments?: (comments: PlanCommentDto[]) => void;
  /** Shows a comment's words in the editor. */
  onLocate?: (comment: PlanCommentDto) => void;
}) {
  const { t } = useTranslation();
  const comments = useLoad(() => planningApi.comments(plan.id), [plan.id]);
  const [showResolved, setShowResolved] = useState(false);
  const [draft, setDraft] = useState<{ sel: SelectionRef; quote: string } | null>(null);
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (comments.data) onComments?.(comments.data);
  }, [comments.data, onComments]);

  // Comments change when others comment or edit: refresh now and then while the page is open.
  useEffect(() => {
    const timer = window.setInterval(() => comments.reload(), 30_000);
    return () => window.clearInterval(timer);
  }, [comments.reload]);

  const start = () => {
    if (!selection) return;
    setDraft({
      sel: selection,
      quote: sectionText(doc, selection.section).slice(selection.from, selection.to),
    });
    setBody('');
  };
  const submit = () => {
    if (!draft) return;
    setBusy(true);
    setError(null);
    planningApi
      .addComment(plan.id, {
        section: draft.sel.section,
        start: anchorAt(doc, draft.sel.section, draft.sel.from, 0),
        end: anchorAt(doc, draft.sel.section, draft.sel.to, -1),
        body: body.trim(),
      })
      .then(
        () => {
          setBusy(false);
          setDraft(null);
          comments.reload();
        },
        (e: unknown) => {
          setBusy(false);
          setError(e);
        },
      );
  };

  const list = (comments.data ?? []).filter((c) => showResolved || !c.resolved);
  return (
    <section className="card plan-panel" aria-labelledby="comments-h" data-testid="comments">
      <h2 id="comments-h">{t('planning.comments')}</h2>
      {!readOnly && !draft && (
        <button type="button" className="btn btn-secondary btn-small" disabled={!selection} onClick={start}>
          {selection ? t('planning.commentOnSelection') : t('planning.selectToComment')}
        </button>
      )}
      {draft && (
        <form
          className="planning-form"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
          data-testid="comment-form"
        >
          <blockquote className="plan-quote">{draft.quote}</blockquote>
          <ErrorAlert error={error} />
          <Field label={t('planning.commentBody')}>
            {(p) => (
              <textarea {...p} rows={3} value={body} onChange={(e) => setBody(e.target.value)} autoFocus />
            )}
          </Field>
          <div className="card-actions">
            <button type="submit" className="btn btn-primary btn-small" disabled={busy || !body.trim()}>
              {t('planning.addComment')}
            </button>
            <button type="button" className="btn btn-ghost btn-small" onClick={() => setDraft(null)}>
              {t('app.cancel')}
            </button>
          </div>
        </form>
      )}
      <label className="checkbox-inline">
        <input type="checkbox" checked={showResolved} onChange={(e) => setShowResolved(e.target.checked)} />{' '}
        {t('planning.showResolved')}
      </label>
      <ErrorAlert error={comments.error} onRetry={comments.reload} />
      {comments.data && list.length === 0 && <p className="empty">{t('planning.noComments')}</p>}
      <ul className="plain-list">
        {list.map((c) => (
          <CommentItem
            key={c.id}
            planId={plan.id}
            comment={c}
            readOnly={readOnly}
            onChanged={comments.reload}
            onLocate={onLocate}
          />
        ))}
      </ul>
    </section>
  );
}

function CommentItem({
  planId,
  comment: c,
  readOnly,
  onChanged,
  onLocate,
}: {
  planId: string;
  comment: PlanCommentDto;
  readOnly: boolean;
  onChanged: () => void;
  onLocate?: (comment: PlanCommentDto) => void;
}) {
  const { t, i18n } = useTranslation();
  const [reply, setReply] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const act = (p: Promise<unknown>, done?: () => void) => {
    setBusy(true);
    setError(null);
    p.then(
      () => {
        setBusy(false);
        done?.();
        onChanged();
      },
      (e: unknown) => {
        setBusy(false);
        setError(e);
      },
    );
  };
  return (
    <li className={`plan-comment${c.resolved ? ' resolved' : ''}`} data-testid="comment">
      <p className="muted">
        {t(`planning.section.${c.section}`)}
        {c.range === null
          ? ` · ${t('planning.anchorGone')}`
          : c.range.text && c.range.text !== c.quote
            ? ` · ${t('planning.nowReads', { text: c.range.text })}`
            : ''}
      </p>
      <blockquote className="plan-quote">
        {onLocate && c.anchor && !c.resolved ? (
          <button
            type="button"
            className="link-button"
            onClick={() => onLocate(c)}
            title={t('planning.showInText')}
          >
            {c.quote}
          </button>
        ) : (
          c.quote
        )}
      </blockquote>
      <p>
        <strong>{c.author.displayName}</strong>：{c.body}
      </p>
      {c.replies.map((r) => (
        <p key={r.id} className="plan-reply">
          <strong>{r.author.displayName}</strong>：{r.body}{' '}
          <span className="muted">{formatDate(i18n.language, r.createdAt, true)}</span>
        </p>
      ))}
      {c.resolved && c.resolvedBy && (
        <p className="muted">{t('planning.resolvedBy', { name: c.resolvedBy.displayName })}</p>
      )}
      <ErrorAlert error={error} />
      {!readOnly && (
        <div className="card-actions">
          {!c.resolved && (
            <form
              className="plan-reply-form"
              onSubmit={(e) => {
                e.preventDefault();
                act(planningApi.reply(planId, c.id, reply.trim()), () => setReply(''));
              }}
            >
              <input
                aria-label={t('planning.replyLabel')}
                placeholder={t('planning.replyLabel')}
                value={reply}
                onChange={(e) => setReply(e.target.value)}
              />
              <button type="submit" className="btn btn-ghost btn-small" disabled={busy || !reply.trim()}>
                {t('planning.reply')}
              </button>
            </form>
          )}
          <button
            type="button"
            className="btn btn-ghost btn-small"
            disabled={busy}
            onClick={() =>
              act(c.resolved ? planningApi.reopen(planId, c.id) : planningApi.resolve(planId, c.id))
            }
          >
            {c.resolved ? t('planning.reopen') : t('planning.resolve')}
          </button>
        </div>
      )}
    </li>
  );
}
