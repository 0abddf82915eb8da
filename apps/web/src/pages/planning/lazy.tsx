import { lazy } from 'react';

/**
 * The lesson-planning pages load on demand: the editor (ProseMirror, Yjs, the socket client)
 * stays out of the first download (rural links are slow).
 */
export const PlanningGroupsPage = lazy(() => import('./GroupsPage').then((m) => ({ default: m.GroupsPage })));
export const PlanningGroupPage = lazy(() => import('./GroupPage').then((m) => ({ default: m.GroupPage })));
export const PlanEditorPage = lazy(() =>
  import('./PlanEditorPage').then((m) => ({ default: m.PlanEditorPage })),
);
