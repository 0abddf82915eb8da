import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { UserDto } from '@tongke/contracts';
import { api } from '../api/client';
import { forgetLocalPlans } from '../planning/local-copies';

export type SessionStatus = 'restoring' | 'offline' | 'anonymous' | 'authenticated';
/** Why the user is on the login page (shown there once). */
export type SessionNotice = 'expired' | 'loggedOut' | null;

interface SessionValue {
  status: SessionStatus;
  user: UserDto | null;
  notice: SessionNotice;
  login: (identifier: string, password: string) => Promise<UserDto>;
  logout: () => Promise<void>;
  /** Try again to resume a stored session (after a network failure at start-up). */
  retryRestore: () => void;
  clearNotice: () => void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SessionStatus>(api.hasStoredSession ? 'restoring' : 'anonymous');
  const [user, setUser] = useState<UserDto | null>(null);
  const [notice, setNotice] = useState<SessionNotice>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(
    () =>
      api.onSession((u, reason) => {
        setUser(u);
        setStatus(u ? 'authenticated' : 'anonymous');
        if (reason === 'expired') setNotice('expired');
        else if (reason === 'logout') setNotice('loggedOut');
        else setNotice(null);
      }),
    [],
  );

  useEffect(() => {
    if (!api.hasStoredSession) return;
    let live = true;
    setStatus('restoring');
    api.restore().then(
      (u) => {
        if (!live) return;
        setUser(u);
        setStatus(u ? 'authenticated' : 'anonymous');
      },
      () => live && setStatus('offline'),
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  const login = useCallback((identifier: string, password: string) => api.login(identifier, password), []);
  const logout = useCallback(async () => {
    await api.logout();
    // A shared school computer: the next person must not find this teacher's plan drafts.
    if (user) await forgetLocalPlans(user.id);
  }, [user]);
  const retryRestore = useCallback(() => setAttempt((n) => n + 1), []);
  const clearNotice = useCallback(() => setNotice(null), []);

  const value = useMemo(
    () => ({ status, user, notice, login, logout, retryRestore, clearNotice }),
    [status, user, notice, login, logout, retryRestore, clearNotice],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** The signed-in user (only inside the authenticated part of the app). */
export function useUser(): UserDto {
  const { user } = useSession();
  if (!user) throw new Error('useUser without a session');
  return user;
}

export const isDistrictAdmin = (u: UserDto): boolean =>
  u.role === 'district_admin' || u.role === 'platform_admin';

/** Mirrors the API's Scope.canManageSchool. */
export function canManageSchool(u: UserDto, school: { id: string; regionId: string }): boolean {
  if (u.role === 'platform_admin') return true;
  if (u.role === 'district_admin') return u.regionId === school.regionId;
  return u.role === 'school_admin' && u.schoolId === school.id;
}
