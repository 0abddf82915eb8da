import { lazy } from 'react';

/** The equity pages load on demand: most users (teachers in class) never open them. */
export const EquityPage = lazy(() => import('./EquityPage').then((m) => ({ default: m.EquityPage })));
export const EquitySchoolPage = lazy(() =>
  import('./EquityPage').then((m) => ({ default: m.EquitySchoolPage })),
);
export const PairingReportPage = lazy(() =>
  import('./PairingReportPage').then((m) => ({ default: m.PairingReportPage })),
);
