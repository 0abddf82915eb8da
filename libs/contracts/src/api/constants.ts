/** Browser-safe constants shared by the API and the web app. */
export const USER_ROLES = ['platform_admin', 'district_admin', 'school_admin', 'teacher'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export const SCHOOL_LOCALES = ['urban', 'town', 'rural'] as const;
export type SchoolLocale = (typeof SCHOOL_LOCALES)[number];
export const STAGES = ['primary', 'junior', 'senior'] as const;
export type Stage = (typeof STAGES)[number];
export const PAIRING_STATUSES = ['proposed', 'active', 'ended'] as const;
export type PairingStatus = (typeof PAIRING_STATUSES)[number];
export const CLASSROOM_KINDS = ['room', 'class'] as const;
export type ClassroomKind = (typeof CLASSROOM_KINDS)[number];
/** Term codes: school year and term, e.g. 2026-2027-1. */
export const TERM_PATTERN = /^(20\d{2})-(20\d{2})-(1|2)$/;
/** Mainland mobile numbers. */
export const PHONE_PATTERN = /^1[3-9]\d{9}$/;
export const PASSWORD_MIN_LENGTH = 10;
