import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { AppConfig } from '@tongke/config';
import { Scope, TokenService, type Principal } from '@tongke/auth';
import { CommonErrors } from '@tongke/common';
import type { CreateInviteRequest, InviteDto, UpdateTeacherRequest, UserDto } from '@tongke/contracts';
import { SUBJECT_CODES } from '@tongke/contracts';
import { Invite, RefreshToken, User } from '@tongke/database';
import { IsNull, Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { toUserDto } from '../common/mappers.js';
import { SchoolsService } from '../schools/schools.service.js';
import { TeacherErrors } from './teachers.errors.js';

const toInviteDto = (i: Invite, code?: string): InviteDto => ({
  id: i.id,
  role: i.role,
  regionId: i.regionId,
  schoolId: i.schoolId,
  ...(code && { code }),
  isMasterTeacher: i.isMasterTeacher,
  note: i.note,
  expiresAt: i.expiresAt.toISOString(),
  usedAt: i.usedAt?.toISOString() ?? null,
});

/** Invite codes are grouped for reading aloud or typing on an old phone: XXXX-XXXX-XXXX. */
function formatCode(raw: string): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = Buffer.from(raw, 'base64url');
  let out = '';
  for (let i = 0; i < 12; i++) out += alphabet[bytes[i] % alphabet.length];
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}`;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Invite) private readonly invites: Repository<Invite>,
    @InjectRepository(RefreshToken) private readonly refreshTokens: Repository<RefreshToken>,
    private readonly schools: SchoolsService,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async me(p: Principal): Promise<UserDto> {
    const user = await this.users.findOne({ where: { id: p.userId } });
    if (!user) throw CommonErrors.unauthenticated();
    return toUserDto(user);
  }

  /** A school's staff: its admins and the supervising district. */
  async listStaff(p: Principal, schoolId: string): Promise<UserDto[]> {
    const school = await this.schools.getVisible(p, schoolId);
    if (!Scope.canSeeSchoolStaff(p, school))
      throw CommonErrors.forbidden('Only this school’s admins and its district may list its staff');
    const rows = await this.users.find({ where: { schoolId }, order: { role: 'ASC', displayName: 'ASC' } });
    return rows.map(toUserDto);
  }

  /** Master teachers of a school: anyone in the region may see them (they host joint lessons). */
  async listMasterTeachers(p: Principal, schoolId: string): Promise<UserDto[]> {
    await this.schools.getVisible(p, schoolId);
    const rows = await this.users.find({
      where: { schoolId, isMasterTeacher: true, disabledAt: IsNull() },
      order: { displayName: 'ASC' },
    });
    return rows.map((u) => ({ ...toUserDto(u), email: null, phone: null }));
  }

  async updateTeacher(p: Principal, userId: string, req: UpdateTeacherRequest): Promise<UserDto> {
    const user = await this.users.findOne({ where: { id: userId } });
    if (!user?.schoolId) throw TeacherErrors.userNotFound();
    const school = await this.schools.getVisible(p, user.schoolId).catch(() => {
      throw TeacherErrors.userNotFound();
    });
    if (!Scope.canManageSchool(p, school)) throw TeacherErrors.userNotFound();
    if (req.disabled && user.id === p.userId) throw TeacherErrors.cannotDisableSelf();
    if (req.subjects) {
      const unknown = req.subjects.filter((s) => !(SUBJECT_CODES as string[]).includes(s));
      if (unknown.length)
        throw CommonErrors.validation(`Unknown subject codes: ${unknown.join(', ')}`, {
          fields: { subjects: unknown },
        });
      user.subjects = req.subjects;
    }
    if (req.isMasterTeacher !== undefined) user.isMasterTeacher = req.isMasterTeacher;
    if (req.disabled !== undefined)
      user.disabledAt = req.disabled ? (user.disabledAt ?? this.clock.now()) : null;
    const saved = await this.users.save(user);
    if (req.disabled) {
      await this.refreshTokens.update(
        { userId: user.id, revokedAt: IsNull() },
        { revokedAt: this.clock.now() },
      );
    }
    return toUserDto(saved);
  }

  /** Teachers are invited by their school's admins; school admins by the district. */
  async createInvite(p: Principal, schoolId: string, req: CreateInviteRequest): Promise<InviteDto> {
    const school = await this.schools.getVisible(p, schoolId);
    const role = req.role ?? 'teacher';
    if (role === 'school_admin' && !Scope.canManageRegion(p, school.regionId)) {
      throw CommonErrors.forbidden('Only the district admin may invite school admins');
    }
    if (!Scope.canManageSchool(p, school))
      throw CommonErrors.forbidden('Only this school’s admins may invite its teachers');
    return this.saveInvite(p, {
      role,
      regionId: school.regionId,
      schoolId,
      isMasterTeacher: role === 'teacher' && (req.isMasterTeacher ?? false),
      note: req.note,
    });
  }

  /** District admins are invited by a platform admin. */
  async createDistrictAdminInvite(p: Principal, regionId: string, note?: string): Promise<InviteDto> {
    if (p.role !== 'platform_admin')
      throw CommonErrors.forbidden('Only platform admins may invite district admins');
    await this.schools.getRegion(p, regionId);
    return this.saveInvite(p, {
      role: 'district_admin',
      regionId,
      schoolId: null,
      isMasterTeacher: false,
      note,
    });
  }

  private async saveInvite(
    p: Principal,
    what: {
      role: Invite['role'];
      regionId: string;
      schoolId: string | null;
      isMasterTeacher: boolean;
      note?: string;
    },
  ): Promise<InviteDto> {
    const code = formatCode(this.tokens.newOpaqueSecret(16));
    const invite = await this.invites.save(
      this.invites.create({
        role: what.role,
        regionId: what.regionId,
        schoolId: what.schoolId,
        codeHash: this.tokens.hashSecret(code),
        isMasterTeacher: what.isMasterTeacher,
        note: what.note ?? null,
        createdById: p.userId,
        expiresAt: new Date(this.clock.now().getTime() + this.config.inviteTtlHours * 3_600_000),
        usedAt: null,
        usedById: null,
      }),
    );
    return toInviteDto(invite, code);
  }

  async listInvites(p: Principal, schoolId: string): Promise<InviteDto[]> {
    const school = await this.schools.getVisible(p, schoolId);
    if (!Scope.canManageSchool(p, school))
      throw CommonErrors.forbidden('Only this school’s admins may see its invites');
    const rows = await this.invites.find({ where: { schoolId }, order: { createdAt: 'DESC' }, take: 200 });
    return rows.map((i) => toInviteDto(i));
  }

  async revokeInvite(p: Principal, inviteId: string): Promise<void> {
    const invite = await this.invites.findOne({ where: { id: inviteId } });
    if (!invite) throw TeacherErrors.inviteNotFound();
    const allowed = invite.schoolId
      ? await this.schools.getVisible(p, invite.schoolId).then(
          (school) =>
            Scope.canManageSchool(p, school) &&
            (invite.role === 'teacher' || Scope.canManageRegion(p, school.regionId)),
          () => false,
        )
      : p.role === 'platform_admin';
    if (!allowed) throw TeacherErrors.inviteNotFound();
    if (!invite.usedAt) await this.invites.update({ id: invite.id }, { expiresAt: this.clock.now() });
  }
}
