import { NavLink } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { ResourceDto, ResourceStatus } from '@tongke/contracts';
import { useUser } from '../../auth/session';
import { facetValueLabel } from './facet-labels';
import './library-pages.css';

export function formatBytes(lng: string, bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u += 1;
  }
  return `${new Intl.NumberFormat(lng, { maximumFractionDigits: u === 0 ? 0 : 1 }).format(n)} ${units[u]}`;
}

/** The library's own tabs, under the main navigation on every /library page. */
export function LibraryNav() {
  const { t } = useTranslation();
  const user = useUser();
  const reviewer = user.role !== 'teacher';
  const tabs: [string, string, boolean][] = [
    ['/library', t('library.nav.search'), true],
    ['/library/upload', t('library.nav.upload'), false],
    ['/library/mine', t('library.nav.mine'), false],
    ['/library/favourites', t('library.nav.favourites'), false],
    ['/library/packs', t('library.nav.packs'), false],
  ];
  if (reviewer) tabs.push(['/library/review', t('library.nav.review'), false]);
  return (
    <nav className="library-nav" aria-label={t('library.nav.label')}>
      <ul>
        {tabs.map(([to, label, end]) => (
          <li key={to}>
            <NavLink to={to} end={end} data-testid={`library-nav-${to.split('/')[2] ?? 'search'}`}>
              {label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function ResourceStatusBadge({ status }: { status: ResourceStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge-resource-${status}`} data-testid="resource-status">
      {t(`search.status.${status}`)}
    </span>
  );
}

/** 初中 · 数学 · 七年级 · 人教版 上册 · 课件 */
export function curriculumLine(t: Parameters<typeof facetValueLabel>[0], r: ResourceDto): string {
  return [
    facetValueLabel(t, 'stage', r.stage.code, r.stage.name),
    facetValueLabel(t, 'subject', r.subject.code, r.subject.name),
    facetValueLabel(t, 'grade', r.grade),
    `${facetValueLabel(t, 'edition', r.edition.code, r.edition.name)} ${facetValueLabel(t, 'volume', r.volume.code, r.volume.name)}`,
    facetValueLabel(t, 'resourceType', r.resourceType.code, r.resourceType.name),
  ].join(' · ');
}
