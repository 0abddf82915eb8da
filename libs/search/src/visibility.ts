import type { ResourceSearchDocument, SearchViewer } from './search.types.js';

/**
 * The visibility rule, shared by both adapters (each applies it inside its own query):
 * a viewer sees their own documents in any status; of other people's documents only published
 * ones that are public, or district-visible in the viewer's region, or school-visible in the
 * viewer's school; a platform admin sees every published document.
 */
export function isVisibleTo(
  doc: Pick<ResourceSearchDocument, 'authorId' | 'status' | 'visibility' | 'schoolId' | 'regionId'>,
  viewer: SearchViewer,
): boolean {
  if (doc.authorId === viewer.userId) return true;
  if (doc.status !== 'published') return false;
  if (viewer.isPlatformAdmin) return true;
  switch (doc.visibility) {
    case 'public':
      return true;
    case 'district':
      return viewer.regionId !== null && doc.regionId === viewer.regionId;
    case 'school':
      return viewer.schoolId !== null && doc.schoolId === viewer.schoolId;
    case 'private':
      return false;
  }
}
