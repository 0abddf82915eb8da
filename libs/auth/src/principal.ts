import type { UserRole } from '@tongke/contracts';

/** Who is calling, as carried in the access token. */
export interface Principal {
  userId: string;
  role: UserRole;
  regionId: string | null;
  schoolId: string | null;
  isMasterTeacher: boolean;
  displayName: string;
}

export interface AccessTokenClaims {
  sub: string;
  typ: 'access';
  role: UserRole;
  rid: string | null;
  sid: string | null;
  mt: boolean;
  name: string;
}

/** The place a principal may act on: platform admins everywhere, district admins their region, others their school. */
export const Scope = {
  canSeeRegion(p: Principal, regionId: string): boolean {
    return p.role === 'platform_admin' || p.regionId === regionId;
  },
  canManageRegion(p: Principal, regionId: string): boolean {
    return p.role === 'platform_admin' || (p.role === 'district_admin' && p.regionId === regionId);
  },
  canManageSchool(p: Principal, school: { id: string; regionId: string }): boolean {
    return (
      Scope.canManageRegion(p, school.regionId) || (p.role === 'school_admin' && p.schoolId === school.id)
    );
  },
  /** Reading a school's own data (teachers, classrooms): its staff admins and the supervising district. */
  canSeeSchoolStaff(p: Principal, school: { id: string; regionId: string }): boolean {
    return Scope.canManageSchool(p, school);
  },
} as const;
