import type { ClassroomDto, PairingDto, RegionDto, SchoolDto, UserDto } from '@tongke/contracts';
import type { Classroom, Pairing, Region, School, User } from '@tongke/database';

export const toRegionDto = (r: Region): RegionDto => ({ id: r.id, name: r.name, code: r.code });

export const toSchoolDto = (s: School): SchoolDto => ({
  id: s.id,
  regionId: s.regionId,
  name: s.name,
  locale: s.locale,
  stages: s.stages,
  enrolment: s.enrolment,
});

export const toClassroomDto = (c: Classroom): ClassroomDto => ({
  id: c.id,
  schoolId: c.schoolId,
  name: c.name,
  kind: c.kind,
  grade: c.grade,
});

export const toUserDto = (u: User): UserDto => ({
  id: u.id,
  displayName: u.displayName,
  email: u.email,
  phone: u.phone,
  role: u.role,
  regionId: u.regionId,
  schoolId: u.schoolId,
  isMasterTeacher: u.isMasterTeacher,
  subjects: u.subjects,
  disabled: u.disabledAt !== null,
});

export function toPairingDto(p: Pairing): PairingDto {
  if (!p.urbanSchool || !p.masterTeacher || !p.partnerSchools || !p.classrooms) {
    throw new Error('pairing relations not loaded');
  }
  return {
    id: p.id,
    regionId: p.regionId,
    term: p.term,
    subjects: p.subjects,
    status: p.status,
    urbanSchool: { id: p.urbanSchool.id, name: p.urbanSchool.name },
    partnerSchools: p.partnerSchools
      .map((s) => ({ id: s.id, name: s.name, locale: s.locale }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')),
    masterTeacher: { id: p.masterTeacher.id, displayName: p.masterTeacher.displayName },
    classrooms: p.classrooms
      .map((c) => ({ id: c.id, name: c.name, schoolId: c.schoolId }))
      .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')),
    activatedAt: p.activatedAt?.toISOString() ?? null,
    endedAt: p.endedAt?.toISOString() ?? null,
    endReason: p.endReason,
    createdAt: p.createdAt.toISOString(),
  };
}
