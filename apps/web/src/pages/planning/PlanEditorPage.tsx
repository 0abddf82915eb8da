import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  PLAN_SECTIONS,
  isPlanSectionCode,
  type PlanCommentDto,
  type PlanDto,
  type PlanSectionCode,
} from '@tongke/contracts';
import { useUser } from '../../auth/session';
import { ErrorAlert, Loading, useLoad } from '../../components/ui';
import { usePageTitle } from '../../components/usePageTitle';
import { PlanConnection, type PlanConnectionState } from '../../planning/connection';
import { createSectionEditor, type CommentMark } from '../../planning/editor';
import { resolveRange } from '../../../../../libs/contracts/src/planning/plan-doc';
import { planningApi } from '../../planning/api';
import { PlanForm, curriculumLine } from './GroupPage';
import { CommentsPanel, type SelectionRef } from './CommentsPanel';
import { VersionsPanel } from './VersionsPanel';
import './planning.css';

type SectionEditor = ReturnType<typeof createSectionEditor>;

/** The collaborative plan editor: one rich-text area per section, live cursors, comments, versions. */
export function PlanEditorPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const plan = useLoad(() => planningApi.plan(id), [id]);
  usePageTitle(plan.data?.title);
  if (plan.error) return <ErrorAlert error={plan.error} onRetry={plan.reload} />;
  if (!plan.data) return <Loading />;
  if (!plan.data.myAccess) return <p className="empty">{t('planning.noAccess')}</p>;
  return <Editor key={plan.data.id} plan={plan.data} onPlanChanged={plan.setData} />;
}

const NO_STATE: PlanConnectionState = {
  sync: 'connecting',
  online: false,
  unsynced: false,
  localLoaded: false,
  error: null,
};

/** The plan's document and its connection, for as long as the page shows the plan. */
function useConnection(planId: string) {
  const user = useUser();
  const [conn, setConn] = useState<PlanConnection | null>(null);
  useEffect(() => {
    const c = new PlanConnection(planId, { id: user.id, displayName: user.displayName });
    setConn(c);
    void c.start();
    return () => {
      setConn(null);
      void c.stop();
    };
  }, [planId, user.id, user.displayName]);
  const state = useSyncExternalStore(
    (l) => conn?.subscribe(l) ?? (() => undefined),
    () => conn?.state ?? NO_STATE,
  );
  return { conn, state };
}

function Editor({ plan, onPlanChanged }: { plan: PlanDto; onPlanChanged: (p: PlanDto) => void }) {
  const { t } = useTranslation();
  const { conn, state } = useConnection(plan.id);
  const editors = useRef(new Map<PlanSectionCode, SectionEditor>());
  const [selection, setSelection] = useState<SelectionRef | null>(null);
  const [comments, setComments] = useState<PlanCommentDto[]>([]);
  // Publishing to the library is the lead's call.
  const group = useLoad(() => planningApi.group(plan.groupId), [plan.groupId]);
  if (!conn) return <Loading />;
  const readOnly = plan.myAccess !== 'editor' || conn.provider?.access === 'observer';
  return (
    <div className="plan-editor-page">
      <div className="page-head">
        <div>
          <p className="breadcrumb">
            <Link to="/lesson-planning">{t('planning.groupsTitle')}</Link> ›{' '}
            <Link to={`/lesson-planning/groups/${plan.groupId}`}>{t('planning.groupSpace')}</Link>
          </p>
          <h1>{plan.title}</h1>
          <p className="lead" data-testid="plan-curriculum">
            {curriculumLine(t, plan)}
          </p>
          {!readOnly && (
            <PlanForm
              stage={plan.curriculum.stage}
              initial={{ title: plan.title, ...plan.curriculum }}
              label="editPlan"
              testId="plan-edit-form"
              onSubmit={(v) => planningApi.updatePlan(plan.id, v).then(onPlanChanged)}
              onDone={() => undefined}
            />
          )}
        </div>
        <div className="plan-head-side">
          <SyncStatus state={state} />
          <Presence conn={conn} />
        </div>
      </div>
      {readOnly && <p className="alert alert-info">{t('planning.readOnly')}</p>}
      <div className="planning-columns">
        <div className="plan-sections">
          {PLAN_SECTIONS.map((s) => (
            <SectionBlock
              key={s.code}
              code={s.code}
              conn={conn}
              readOnly={readOnly}
              marks={marksOf(comments, s.code)}
              onMount={(ed) => {
                if (ed) editors.current.set(s.code, ed);
                else editors.current.delete(s.code);
              }}
              onSelection={(from, to) => setSelection(from === to ? null : { section: s.code, from, to })}
            />
          ))}
        </div>
        <aside className="plan-side">
          <CommentsPanel
            plan={plan}
            doc={conn.doc}
            selection={selection}
            readOnly={readOnly}
            onComments={setComments}
            onLocate={(c) => {
              const r = c.anchor ? resolveRange(conn.doc, c.anchor.start, c.anchor.end) : null;
              if (r) editors.current.get(r.section)?.select(r.from, r.to);
            }}
          />
          <VersionsPanel plan={plan} readOnly={readOnly} canPublish={group.data?.myRole === 'lead'} />
        </aside>
      </div>
    </div>
  );
}

/** A section's open comments, as highlights for its editor. */
function marksOf(comments: PlanCommentDto[], code: PlanSectionCode): CommentMark[] {
  const marks: CommentMark[] = [];
  for (const c of comments)
    if (c.section === code && !c.resolved && c.anchor)
      marks.push({
        id: c.id,
        start: c.anchor.start,
        end: c.anchor.end,
        title: `${c.author.displayName}：${c.body}`,
      });
  return marks;
}

function SectionBlock({
  code,
  conn,
  readOnly,
  marks,
  onMount,
  onSelection,
}: {
  code: PlanSectionCode;
  conn: PlanConnection;
  readOnly: boolean;
  marks: CommentMark[];
  onMount: (ed: SectionEditor | null) => void;
  onSelection: (from: number, to: number) => void;
}) {
  const { t } = useTranslation();
  const mount = useRef<HTMLDivElement>(null);
  const edRef = useRef<SectionEditor | null>(null);
  const label = t(`planning.section.${code}`);
  const readOnlyRef = useRef(readOnly);
  readOnlyRef.current = readOnly;
  const selRef = useRef(onSelection);
  selRef.current = onSelection;
  useEffect(() => {
    if (!mount.current) return;
    const ed = createSectionEditor(mount.current, {
      fragment: conn.doc.getXmlFragment(code),
      awareness: conn.awareness,
      editable: () => !readOnlyRef.current,
      label,
      onSelection: (from, to) => selRef.current(from, to),
    });
    edRef.current = ed;
    onMount(ed);
    return () => {
      onMount(null);
      edRef.current = null;
      ed.destroy();
    };
    // The editor lives as long as the section does (label and callbacks are read through refs).
  }, [conn, code]);
  const marksKey = marks.map((m) => `${m.id}:${m.title}`).join('|');
  // Re-applied when the comments change (compared by content) or the editor is new.
  useEffect(() => edRef.current?.setComments(marks), [marksKey, conn]);
  // ProseMirror asks `editable` again on its next update.
  useEffect(() => edRef.current?.view.setProps({}), [readOnly]);
  return (
    <section className="plan-section card" data-testid={`section-${code}`} aria-labelledby={`sec-${code}`}>
      <h2 id={`sec-${code}`}>{label}</h2>
      <div
        ref={mount}
        className="plan-section-mount"
        // Where I am, for everyone's presence list.
        onFocus={() => conn.awareness.setLocalStateField('section', code)}
        onBlur={() => conn.awareness.setLocalStateField('section', null)}
      />
    </section>
  );
}

/** Saved / saving / offline with unsynced edits / connecting / refused. */
function SyncStatus({ state }: { state: PlanConnectionState }) {
  const { t } = useTranslation();
  let key: 'saved' | 'saving' | 'offlineUnsynced' | 'offline' | 'connecting' | 'error';
  if (state.sync === 'error') key = 'error';
  else if (state.sync === 'saved') key = 'saved';
  else if (state.sync === 'saving') key = 'saving';
  else if (state.sync === 'offline') key = 'offlineUnsynced';
  else key = state.online ? 'connecting' : state.localLoaded ? 'offline' : 'connecting';
  return (
    <p className={`sync-pill sync-${key}`} role="status" data-testid="plan-status" data-status={key}>
      {t(`planning.status.${key}`)}
      {state.error && <span className="visually-hidden"> {state.error.message}</span>}
    </p>
  );
}

interface PresenceState {
  user?: { id: string; name: string; color: string };
  /** The section being edited, if any. */
  section?: PlanSectionCode | null;
}

interface Person {
  clientId: number;
  name: string;
  color: string;
  me: boolean;
  section: PlanSectionCode | null;
}

/** Everyone with the plan open (from awareness), ourselves first. */
function Presence({ conn }: { conn: PlanConnection }) {
  const { t } = useTranslation();
  const [people, setPeople] = useState<Person[]>([]);
  useEffect(() => {
    const read = () => {
      const list: Person[] = [];
      conn.awareness.getStates().forEach((s: PresenceState, clientId) => {
        if (s.user)
          list.push({
            clientId,
            name: s.user.name,
            color: s.user.color,
            me: clientId === conn.doc.clientID,
            section: isPlanSectionCode(s.section) ? s.section : null,
          });
      });
      list.sort((a, b) => Number(b.me) - Number(a.me) || a.name.localeCompare(b.name));
      setPeople(list);
    };
    read();
    conn.awareness.on('change', read);
    return () => conn.awareness.off('change', read);
  }, [conn]);
  return (
    <ul className="presence" aria-label={t('planning.presence')} data-testid="presence">
      {people.map((p) => (
        <li key={p.clientId} style={{ borderColor: p.color }}>
          {p.me ? t('planning.me', { name: p.name }) : p.name}
          {p.section && <span className="muted"> · {t(`planning.section.${p.section}`)}</span>}
        </li>
      ))}
    </ul>
  );
}
