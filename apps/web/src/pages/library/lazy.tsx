import { lazy } from 'react';

/** The upload page loads on demand: the tus client stays out of the first download (rural links are slow). */
export const UploadPage = lazy(() => import('./UploadPage').then((m) => ({ default: m.UploadPage })));
