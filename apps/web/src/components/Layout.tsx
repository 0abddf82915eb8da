import { useEffect, useRef, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { SchoolDto } from '@tongke/contracts';
import { api } from '../api/client';
import { useSession, useUser } from '../auth/session';
import { LanguageSwitch } from './LanguageSwitch';
import { LibraryNav } from '../pages/library/library-ui';

export const AREAS = [
  { path: '/library', key: 'library', ready: true },
  { path: '/lessons', key: 'jointLessons', ready: true },
  { path: '/lesson-planning', key: 'lessonPlanning', ready: true },
  { path: '/equity', key: 'equity', ready: true },
  { path: '/schools', key: 'schools', ready: true },
  { path: '/pairings', key: 'pairings', ready: true },
] as const;

export function Layout() {
  const { t } = useTranslation();
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);

  // After client-side navigation, move focus to the new page (screen readers announce it).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    mainRef.current?.focus();
  }, [location.pathname]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <div className="topbar-inner">
          <NavLink to="/" className="brand" aria-label={t('nav.home')}>
            <span className="brand-mark" aria-hidden="true">
              同
            </span>
            <span className="brand-text">
              <span className="brand-name">{t('app.name')}</span>
              <span className="brand-tagline">{t('app.tagline')}</span>
            </span>
          </NavLink>
          <div className="topbar-tools">
            <LanguageSwitch />
            <UserMenu />
          </div>
        </div>
        <nav className="mainnav" aria-label={t('nav.main')}>
          <ul>
            {AREAS.map((a) => (
              <li key={a.path}>
                <NavLink to={a.path} data-testid={`nav-${a.key}`}>
                  {t(`nav.${a.key}`)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="main" ref={mainRef} tabIndex={-1} className="main">
        {location.pathname.startsWith('/library') && <LibraryNav />}
        <Outlet />
      </main>
      <footer className="footer">
        <p>{t('app.fullName')}</p>
      </footer>
    </div>
  );
}

function UserMenu() {
  const { t } = useTranslation();
  const user = useUser();
  const { logout } = useSession();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [school, setSchool] = useState<SchoolDto | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!user.schoolId) return;
    let live = true;
    api.school(user.schoolId).then(
      (s) => live && setSchool(s),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [user.schoolId]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const role = t(`user.role.${user.role}`);
  return (
    <div className="usermenu" ref={box}>
      <button
        ref={button}
        type="button"
        className="btn btn-ghost usermenu-button"
        aria-expanded={open}
        aria-controls="usermenu-panel"
        aria-label={t('user.menu', { name: user.displayName })}
        data-testid="user-menu"
        onClick={() => setOpen((o) => !o)}
      >
        <span className="avatar" aria-hidden="true">
          {Array.from(user.displayName)[0] ?? '?'}
        </span>
        <span className="usermenu-text">
          <span className="usermenu-name">{user.displayName}</span>
          <span className="usermenu-role" data-testid="user-role">
            {role}
          </span>
        </span>
        <span aria-hidden="true" className="caret">
          ▾
        </span>
      </button>
      {open && (
        <div id="usermenu-panel" className="usermenu-panel">
          <p className="usermenu-label">{t('user.signedInAs')}</p>
          <p className="usermenu-who">
            <strong>{user.displayName}</strong>
            <br />
            {role}
            {user.isMasterTeacher && ` · ${t('user.masterTeacher')}`}
            {school && (
              <>
                <br />
                {school.name}
              </>
            )}
            {(user.email || user.phone) && (
              <>
                <br />
                <span className="muted">{user.email ?? user.phone}</span>
              </>
            )}
          </p>
          <button
            type="button"
            className="btn btn-secondary btn-block"
            data-testid="logout"
            disabled={busy}
            onClick={() => {
              setBusy(true);
              void logout();
            }}
          >
            {busy ? t('user.loggingOut') : t('user.logout')}
          </button>
        </div>
      )}
    </div>
  );
}
