import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { LessonDto } from '@tongke/contracts';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import type { LessonSnapshot } from '../../lessons/session';
import { LessonStatusBadge, SyncPill } from './LessonBits';

/** The top bar of a live page: back, title, role, lesson status and the connection pill. */
export function LiveBar({
  lesson,
  snap,
  role,
  children,
  big = false,
}: {
  lesson: LessonDto | undefined;
  snap: LessonSnapshot | null;
  role: string;
  children?: ReactNode;
  big?: boolean;
}) {
  const { t } = useTranslation();
  const status = snap?.state.status ?? lesson?.status;
  return (
    <header className={`live-bar${big ? ' live-bar-big' : ''}`}>
      <Link to="/lessons" className="live-back">
        ‹ {t('lessons.title')}
      </Link>
      <h1 className="live-title">
        {lesson?.title ?? t('app.loading')} <span className="live-role">· {role}</span>
      </h1>
      {status && <LessonStatusBadge status={status} />}
      <SyncPill status={snap?.status ?? 'connecting'} big={big} />
      {children}
      <LanguageSwitch />
    </header>
  );
}
