import type { ClassroomKind, PairingStatus, SchoolLocale, Stage, UserRole } from './constants.js';

/** Request and response shapes of the REST API, used by the API's DTO classes and the web app. */
export interface ErrorResponse {
  statusCode: number;
  code: string;
  message: string;
  requestId?: string;
  details?: { fields?: Record<string, string[]>; [key: string]: unknown };
}

export interface LoginRequest {
  /** Email address or mainland mobile number. */
  identifier: string;
  password: string;
}
export interface RefreshRequest {
  refreshToken: string;
}
export interface ChangePasswordRequest {
  currentPassword: string;
  newPassword: string;
}
export interface AcceptInviteRequest {
  code: string;
  displayName: string;
  email?: string;
  phone?: string;
  password: string;
}
export interface TokenPair {
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: string;
}
export interface UserDto {
  id: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  role: UserRole;
  regionId: string | null;
  schoolId: string | null;
  isMasterTeacher: boolean;
  subjects: string[];
  disabled: boolean;
}
export interface LoginResponse extends TokenPair {
  user: UserDto;
}

export interface RegionDto {
  id: string;
  name: string;
  code: string;
}
export interface SchoolDto {
  id: string;
  regionId: string;
  name: string;
  locale: SchoolLocale;
  stages: Stage[];
  enrolment: number;
}
export interface CreateSchoolRequest {
  regionId?: string;
  name: string;
  locale: SchoolLocale;
  stages: Stage[];
  enrolment: number;
}
export type UpdateSchoolRequest = Partial<Omit<CreateSchoolRequest, 'regionId'>>;
export interface ClassroomDto {
  id: string;
  schoolId: string;
  name: string;
  kind: ClassroomKind;
  grade: string | null;
}
export interface CreateClassroomRequest {
  name: string;
  kind: ClassroomKind;
  grade?: string;
}
export interface CreateInviteRequest {
  /** Defaults to teacher; school_admin invites need the district admin. */
  role?: 'teacher' | 'school_admin';
  isMasterTeacher?: boolean;
  note?: string;
}
export interface InviteDto {
  id: string;
  role: UserRole;
  regionId: string;
  schoolId: string | null;
  /** Only present in the response that created it. */
  code?: string;
  isMasterTeacher: boolean;
  note: string | null;
  expiresAt: string;
  usedAt: string | null;
}
export interface UpdateTeacherRequest {
  isMasterTeacher?: boolean;
  disabled?: boolean;
  subjects?: string[];
}

export interface CreatePairingRequest {
  urbanSchoolId: string;
  partnerSchoolIds: string[];
  masterTeacherId: string;
  classroomIds: string[];
  term: string;
  subjects: string[];
}
export interface EndPairingRequest {
  reason?: string;
}
export interface PairingDto {
  id: string;
  regionId: string;
  term: string;
  subjects: string[];
  status: PairingStatus;
  urbanSchool: { id: string; name: string };
  partnerSchools: { id: string; name: string; locale: SchoolLocale }[];
  masterTeacher: { id: string; displayName: string };
  classrooms: { id: string; name: string; schoolId: string }[];
  activatedAt: string | null;
  endedAt: string | null;
  endReason: string | null;
  createdAt: string;
}
/** A teacher of a pairing's partner school, as the master teacher sees them when choosing co-teachers. */
export interface PairingTeacherDto {
  id: string;
  displayName: string;
  schoolId: string;
  role: 'teacher' | 'school_admin';
}
export interface Page<T> {
  items: T[];
  total: number;
}

export type ComponentStatus = 'up' | 'down' | 'embedded';
export interface HealthResponse {
  status: 'ok' | 'degraded';
  components: {
    database: ComponentStatus;
    storage: ComponentStatus;
    search: ComponentStatus;
    realtime: ComponentStatus;
  };
  details?: Record<string, unknown>;
}
export interface ClientConfig {
  realtimeUrl: string;
  uploadMaxBytes: number;
}
