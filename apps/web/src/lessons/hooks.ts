import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { LessonRole } from '@tongke/contracts';
import { api } from '../api/client';
import { StrokeBatcher } from './ink';
import { LessonSession, type LessonSnapshot } from './session';

let realtimeUrl: Promise<string | null> | null = null;

/** The classroom service's public URL from GET /api/client-config, asked once per page load. */
export function realtimeBaseUrl(): Promise<string | null> {
  realtimeUrl ??= api.clientConfig().then(
    (c) => c.realtimeUrl || null,
    () => {
      realtimeUrl = null;
      return null;
    },
  );
  return realtimeUrl;
}

const noSubscribe = () => () => undefined;
const noSnapshot = () => null;

/**
 * Opens a lesson session for this page (one per lesson, role and classroom) and reads its store.
 * `null` options: nothing to open yet.
 */
export function useLessonSession(
  opts: {
    lessonId: string;
    role: LessonRole;
    classroomId?: string;
    passive?: boolean;
    baseSeq?: () => number;
  } | null,
): { session: LessonSession | null; snap: LessonSnapshot | null } {
  const [session, setSession] = useState<LessonSession | null>(null);
  const key = opts ? `${opts.lessonId}|${opts.role}|${opts.classroomId ?? ''}|${opts.passive ? 1 : 0}` : '';
  useEffect(() => {
    if (!opts) return;
    const { lessonId, role, classroomId, passive, baseSeq } = opts;
    const s = new LessonSession({
      lessonId,
      role,
      classroomId,
      passive,
      baseSeq,
      fetchToken: () => api.lessonJoinToken(lessonId, { role, ...(classroomId && { classroomId }) }),
      realtimeUrl: realtimeBaseUrl,
    });
    setSession(s);
    void s.start();
    return () => {
      s.stop();
      setSession(null);
    };
    // The key says everything the options do.
  }, [key]);
  const snap = useSyncExternalStore(session?.subscribe ?? noSubscribe, session?.getSnapshot ?? noSnapshot);
  return { session, snap };
}

/** A stroke batcher sending through the session; `localVersion` changes as local ink does. */
export function useStrokeBatcher(
  session: LessonSession | null,
  onError: (e: unknown) => void,
): { batcher: StrokeBatcher | null; localVersion: number } {
  const [localVersion, setLocalVersion] = useState(0);
  const [batcher, setBatcher] = useState<StrokeBatcher | null>(null);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;
  useEffect(() => {
    if (!session) return;
    const b = new StrokeBatcher(
      (surface, segments) => session.send('stroke:batch', { surface, segments }),
      (e) => onErrorRef.current(e),
      () => setLocalVersion((n) => n + 1),
    );
    setBatcher(b);
    return () => {
      b.dispose();
      setBatcher(null);
    };
  }, [session]);
  return { batcher, localVersion };
}
