import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { SessionProvider, useSession } from './auth/session';
import { Layout } from './components/Layout';
import { Loading } from './components/ui';
import { HomePage } from './pages/HomePage';
import { JoinPage } from './pages/JoinPage';
import { LibrarySearchPage } from './pages/library/LibrarySearchPage';
import { ResourcePage } from './pages/library/ResourcePage';
import { MyResourcesPage } from './pages/library/MyResourcesPage';
import { PackPage, PacksPage } from './pages/library/PacksPage';
import { ReviewQueuePage } from './pages/library/ReviewQueuePage';
import { UploadPage } from './pages/library/lazy';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PairingsPage } from './pages/PairingsPage';
import { SchoolPage } from './pages/SchoolPage';
import { SchoolsPage } from './pages/SchoolsPage';
import {
  ClassroomScreenPage,
  HostConsolePage,
  LazyPage,
  ReplayPage,
  TimetablePage,
} from './pages/lessons/lazy';
import { PlanEditorPage, PlanningGroupPage, PlanningGroupsPage } from './pages/planning/lazy';
import { EquityPage, EquitySchoolPage, PairingReportPage } from './pages/equity/lazy';

export function App() {
  return (
    <SessionProvider>
      <BrowserRouter>
        <Gate />
      </BrowserRouter>
    </SessionProvider>
  );
}

/** A signed-in user on /login goes on to where they were heading (?next=, same-origin paths only). */
function AfterLogin() {
  const location = useLocation();
  const next = new URLSearchParams(location.search).get('next');
  const safe = next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
  return <Navigate to={safe} replace />;
}

/** Waits for a stored session to resume, then routes signed-in and anonymous users apart. */
function Gate() {
  const { t } = useTranslation();
  const { status, notice, retryRestore } = useSession();
  const location = useLocation();

  if (status === 'restoring') {
    return (
      <div className="splash">
        <Loading />
      </div>
    );
  }
  if (status === 'offline') {
    return (
      <div className="splash">
        <div className="alert alert-error" role="alert">
          <p>{t('app.restoreFailed')}</p>
          <button type="button" className="btn btn-primary" onClick={retryRestore}>
            {t('app.retry')}
          </button>
        </div>
      </div>
    );
  }
  if (status === 'anonymous') {
    // After a deliberate logout, start fresh; after an expiry, come back to where the user was.
    const here = notice === 'loggedOut' ? '/' : location.pathname + location.search;
    return (
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="/join" element={<JoinPage />} />
        <Route
          path="*"
          element={
            <Navigate to={here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`} replace />
          }
        />
      </Routes>
    );
  }
  return (
    <Routes>
      <Route path="/login" element={<AfterLogin />} />
      <Route path="/join" element={<Navigate to="/" replace />} />
      <Route
        path="lessons/:id/host"
        element={
          <LazyPage>
            <HostConsolePage />
          </LazyPage>
        }
      />
      <Route
        path="lessons/:id/classroom"
        element={
          <LazyPage>
            <ClassroomScreenPage />
          </LazyPage>
        }
      />
      <Route element={<Layout />}>
        <Route index element={<HomePage />} />
        <Route path="library" element={<LibrarySearchPage />} />
        <Route path="library/resources/:id" element={<ResourcePage />} />
        <Route
          path="library/upload"
          element={
            <LazyPage>
              <UploadPage />
            </LazyPage>
          }
        />
        <Route path="library/mine" element={<MyResourcesPage key="mine" scope="mine" />} />
        <Route path="library/favourites" element={<MyResourcesPage key="favourites" scope="favourites" />} />
        <Route path="library/review" element={<ReviewQueuePage />} />
        <Route path="library/packs" element={<PacksPage />} />
        <Route path="library/packs/:id" element={<PackPage />} />
        <Route
          path="lessons"
          element={
            <LazyPage>
              <TimetablePage />
            </LazyPage>
          }
        />
        <Route
          path="lessons/:id/replay"
          element={
            <LazyPage>
              <ReplayPage />
            </LazyPage>
          }
        />
        <Route path="joint-lessons" element={<Navigate to="/lessons" replace />} />
        <Route
          path="lesson-planning"
          element={
            <LazyPage>
              <PlanningGroupsPage />
            </LazyPage>
          }
        />
        <Route
          path="lesson-planning/groups/:id"
          element={
            <LazyPage>
              <PlanningGroupPage />
            </LazyPage>
          }
        />
        <Route
          path="lesson-planning/plans/:id"
          element={
            <LazyPage>
              <PlanEditorPage />
            </LazyPage>
          }
        />
        <Route
          path="equity"
          element={
            <LazyPage>
              <EquityPage />
            </LazyPage>
          }
        />
        <Route
          path="equity/schools/:id"
          element={
            <LazyPage>
              <EquitySchoolPage />
            </LazyPage>
          }
        />
        <Route
          path="equity/pairings/:id"
          element={
            <LazyPage>
              <PairingReportPage />
            </LazyPage>
          }
        />
        <Route path="schools" element={<SchoolsPage />} />
        <Route path="schools/:id" element={<SchoolPage />} />
        <Route path="pairings" element={<PairingsPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
