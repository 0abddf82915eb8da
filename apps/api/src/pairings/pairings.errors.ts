import { AppError } from '@tongke/common';

export const PairingErrors = {
  notFound: () => new AppError('PAIRING_NOT_FOUND', 404, 'Pairing not found'),
  urbanSchoolNotUrban: () =>
    new AppError(
      'PAIRING_URBAN_SCHOOL_INVALID',
      400,
      'The leading school of a pairing must be an urban (城区) school',
    ),
  partnerNotRural: (names: string[]) =>
    new AppError(
      'PAIRING_PARTNER_INVALID',
      400,
      `Partner schools must be rural or town schools: ${names.join(', ')}`,
    ),
  outsideRegion: () =>
    new AppError('PAIRING_OUTSIDE_REGION', 400, 'All schools of a pairing must be in the district’s region'),
  schoolNotFound: (ids: string[]) =>
    new AppError('PAIRING_SCHOOL_NOT_FOUND', 400, `Unknown school(s): ${ids.join(', ')}`),
  masterTeacherInvalid: () =>
    new AppError(
      'PAIRING_MASTER_TEACHER_INVALID',
      400,
      'The master teacher must be an active master teacher of the urban school',
    ),
  classroomInvalid: (ids: string[]) =>
    new AppError(
      'PAIRING_CLASSROOM_INVALID',
      400,
      `Classrooms must belong to the partner schools: ${ids.join(', ')}`,
    ),
  subjectInvalid: (codes: string[]) =>
    new AppError('PAIRING_SUBJECT_INVALID', 400, `Unknown subject codes: ${codes.join(', ')}`),
  badTransition: (from: string, to: string) =>
    new AppError('PAIRING_BAD_TRANSITION', 409, `A ${from} pairing cannot become ${to}`),
  duplicate: () =>
    new AppError(
      'PAIRING_DUPLICATE',
      409,
      'These schools already have a proposed or active pairing for this term and subject',
    ),
};
