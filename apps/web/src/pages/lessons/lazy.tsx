import { Suspense, lazy, type ReactNode } from 'react';
import { Loading } from '../../components/ui';

/**
 * The joint-lesson pages load on demand: the socket client, the ink canvas and WebRTC stay out
 * of the first download (rural links are slow).
 */
export const TimetablePage = lazy(() =>
  import('./TimetablePage').then((m) => ({ default: m.TimetablePage })),
);
export const HostConsolePage = lazy(() =>
  import('./HostConsolePage').then((m) => ({ default: m.HostConsolePage })),
);
export const ClassroomScreenPage = lazy(() =>
  import('./ClassroomScreenPage').then((m) => ({ default: m.ClassroomScreenPage })),
);
export const ReplayPage = lazy(() => import('./ReplayPage').then((m) => ({ default: m.ReplayPage })));

export function LazyPage({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}
