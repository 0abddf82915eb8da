import { materialKey, type LessonAttachment, type MaterialRef } from '@tongke/contracts';
import { ApiError, api } from '../api/client';

export type PrefetchStatus = 'pending' | 'ready' | 'missing' | 'failed' | 'no-storage';

export interface PrefetchItem {
  key: string;
  title: string;
  status: PrefetchStatus;
}

const CACHE = 'tongke-lesson-materials-v1';
const urlOf = (m: MaterialRef) => `/api/lesson-materials/${m.kind}/${m.id}`;

/**
 * Downloads the lesson's materials into the browser's Cache Storage before the lesson, so the
 * room does not fetch them over its weak link while the class waits. What is already cached is
 * not fetched again. Without Cache Storage (a plain-http school server is not a secure context)
 * nothing can be kept, and the screen says so instead of claiming to be ready.
 */
export async function prefetchMaterials(
  attachments: readonly LessonAttachment[],
  onUpdate: (items: PrefetchItem[]) => void,
): Promise<MaterialRef[]> {
  const items: PrefetchItem[] = attachments.map((a) => ({
    key: materialKey(a),
    title: a.title,
    status: 'pending',
  }));
  const set = (i: number, status: PrefetchStatus) => {
    items[i] = { ...items[i], status };
    onUpdate([...items]);
  };
  onUpdate([...items]);
  const cache = typeof caches === 'undefined' ? null : await caches.open(CACHE).catch(() => null);
  const ready: MaterialRef[] = [];
  for (const [i, a] of attachments.entries()) {
    const ref = { kind: a.kind, id: a.id };
    if (!cache) {
      set(i, 'no-storage');
      continue;
    }
    try {
      if (!(await cache.match(urlOf(ref)))) {
        const res = await api.lessonMaterialDownload(ref);
        await cache.put(urlOf(ref), res);
      }
      ready.push(ref);
      set(i, 'ready');
    } catch (e) {
      set(i, e instanceof ApiError && e.status === 404 ? 'missing' : 'failed');
    }
  }
  return ready;
}
