import { Scope, type Principal } from '@tongke/auth';
import type { ResourceVisibility } from '@tongke/contracts';
import type { Resource } from '@tongke/database';
import { Brackets, type WhereExpressionBuilder } from 'typeorm';

export type ResourceScope = Pick<
  Resource,
  'authorId' | 'schoolId' | 'regionId' | 'visibility' | 'status' | 'reviewStage' | 'deletedAt'
>;

/**
 * The visibility rule, identical to the search engine's (`isVisibleTo` in libs/search): a viewer
 * sees their own resources in any status; of other people's only published ones that are public,
 * or district-visible in the viewer's region, or school-visible in the viewer's school; a platform
 * admin sees every published resource. Deleted resources are seen by nobody.
 */
export function isVisibleTo(p: Principal, r: ResourceScope): boolean {
  if (r.deletedAt !== null) return false;
  if (r.authorId === p.userId) return true;
  if (r.status !== 'published') return false;
  if (p.role === 'platform_admin') return true;
  return visibilityAdmits(p, r.visibility, r);
}

/** Whether a visibility setting admits a viewer, for something of that school and region. */
export function visibilityAdmits(
  p: Principal,
  visibility: ResourceVisibility,
  where: { schoolId: string | null; regionId: string },
): boolean {
  switch (visibility) {
    case 'public':
      return true;
    case 'district':
      return p.regionId !== null && p.regionId === where.regionId;
    case 'school':
      return p.schoolId !== null && p.schoolId === where.schoolId;
    case 'private':
      return false;
  }
}

/**
 * Who reviews an open request: the school admin of the author's school at the school stage; the
 * district admin of the region at either stage (their approval is final); platform admins.
 */
export function isReviewerOf(p: Principal, r: ResourceScope): boolean {
  if (r.reviewStage === null || r.deletedAt !== null) return false;
  switch (p.role) {
    case 'platform_admin':
      return true;
    case 'district_admin':
      return p.regionId === r.regionId;
    case 'school_admin':
      return r.reviewStage === 'school' && p.schoolId === r.schoolId;
    case 'teacher':
      return false;
  }
}

/** Read access on every read path (detail, files, preview, download, packs): visible, or in the caller's review queue. */
export function canRead(p: Principal, r: ResourceScope): boolean {
  return isVisibleTo(p, r) || (isReviewerOf(p, r) && r.authorId !== p.userId);
}

/** Withdraw and delete: the author, or an administrator of the author's school (or its district). */
export function canManage(p: Principal, r: ResourceScope): boolean {
  return r.authorId === p.userId || Scope.canManageSchool(p, { id: r.schoolId, regionId: r.regionId });
}

/**
 * Whether the author may add files to the current version now: while it is a draft (or withdrawn),
 * or when it is published no wider than the school (the author publishes those directly anyway).
 * Content published to the district or the public changes only through a new, reviewed version.
 */
export function isAttachable(r: Pick<Resource, 'status' | 'visibility'>): boolean {
  if (r.status === 'draft' || r.status === 'withdrawn') return true;
  return r.status === 'published' && (r.visibility === 'private' || r.visibility === 'school');
}

/** Visibility changes that need an administrator's approval. */
export function needsReview(v: ResourceVisibility): boolean {
  return v === 'district' || v === 'public';
}

const WIDTH: Record<ResourceVisibility, number> = { private: 0, school: 1, district: 2, public: 3 };
export function isWider(a: ResourceVisibility, b: ResourceVisibility): boolean {
  return WIDTH[a] > WIDTH[b];
}

/** The same rule as SQL for list queries on alias `alias` (resources). Adds named parameters v_*. */
export function visibleWhere(p: Principal, alias: string): Brackets {
  return new Brackets((w: WhereExpressionBuilder) => {
    w.where(`${alias}.deleted_at IS NULL`).andWhere(
      new Brackets((o) => {
        o.where(`${alias}.author_id = :v_uid`, { v_uid: p.userId });
        if (p.role === 'platform_admin') {
          o.orWhere(`${alias}.status = 'published'`);
          return;
        }
        o.orWhere(`(${alias}.status = 'published' AND ${alias}.visibility = 'public')`);
        if (p.regionId !== null)
          o.orWhere(
            `(${alias}.status = 'published' AND ${alias}.visibility = 'district' AND ${alias}.region_id = :v_rid)`,
            { v_rid: p.regionId },
          );
        if (p.schoolId !== null)
          o.orWhere(
            `(${alias}.status = 'published' AND ${alias}.visibility = 'school' AND ${alias}.school_id = :v_sid)`,
            { v_sid: p.schoolId },
          );
      }),
    );
  });
}
