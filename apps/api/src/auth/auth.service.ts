import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { AppConfig } from '@tongke/config';
import { PasswordHasher, TokenService, type Principal } from '@tongke/auth';
import type { AppError } from '@tongke/common';
import type {
  AcceptInviteRequest,
  ChangePasswordRequest,
  LoginRequest,
  LoginResponse,
  TokenPair,
} from '@tongke/contracts';
import { Invite, RefreshToken, School, User } from '@tongke/database';
import { DataSource, IsNull, Repository, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { toUserDto } from '../common/mappers.js';
import { AuthErrors } from './auth.errors.js';

/** How long after a rotation the old refresh token still counts as a lost response (see lostSuccessor). */
const REFRESH_REUSE_GRACE_MS = 30_000;

/** Normalizes what people type into the login box: emails lower-cased, phones to 11 digits. */
export function parseIdentifier(raw: string): { email: string } | { phone: string } | null {
  const value = raw.trim();
  if (value.includes('@')) return { email: value.toLowerCase() };
  const digits = value.replace(/[\s-]/g, '').replace(/^\+?86/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? { phone: digits } : null;
}

export function principalOf(user: User): Principal {
  return {
    userId: user.id,
    role: user.role,
    regionId: user.regionId,
    schoolId: user.schoolId,
    isMasterTeacher: user.isMasterTeacher,
    displayName: user.displayName,
  };
}

/** Errors decided inside a transaction are thrown after it, so what it wrote (a revocation) commits. */
type Outcome<T> = { ok: false; error: AppError } | { ok: true; result: T };

@Injectable()
export class AuthService {
  /** Verified against when the account does not exist, so both paths cost the same time. */
  private dummyHash?: Promise<string>;

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(RefreshToken) private readonly refreshTokens: Repository<RefreshToken>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async login(req: LoginRequest): Promise<LoginResponse> {
    const id = parseIdentifier(req.identifier);
    const user = id
      ? await this.users.createQueryBuilder('u').addSelect('u.passwordHash').where(id).getOne()
      : null;
    if (!user) {
      this.dummyHash ??= this.hasher.hash('not-a-real-password-000');
      await this.hasher.verify(await this.dummyHash, req.password);
      throw AuthErrors.badCredentials();
    }
    if (!(await this.hasher.verify(user.passwordHash, req.password))) throw AuthErrors.badCredentials();
    if (user.disabledAt) throw AuthErrors.accountDisabled();
    const pair = await this.issue(this.dataSource.manager, user, randomUUID());
    return { ...pair, user: toUserDto(user) };
  }

  /**
   * Rotates a refresh token. Presenting one that was already rotated revokes its whole family,
   * except for a lost response (see lostSuccessor).
   */
  async refresh(refreshToken: string): Promise<LoginResponse> {
    const hash = this.tokens.hashSecret(refreshToken);
    const outcome = await this.dataSource.transaction(async (m): Promise<Outcome<LoginResponse>> => {
      const row = await m.getRepository(RefreshToken).findOne({
        where: { tokenHash: hash },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row) return { ok: false, error: AuthErrors.refreshInvalid() };
      const now = this.clock.now();
      if (row.rotatedAt) {
        const lost = await this.lostSuccessor(m, row, now);
        if (lost) {
          // The client never stored the token issued to it: replace that one, keep the session.
          await m.getRepository(RefreshToken).update({ id: lost.id }, { revokedAt: now });
          const user = await m.getRepository(User).findOne({ where: { id: row.userId } });
          if (!user || user.disabledAt) return { ok: false, error: AuthErrors.refreshInvalid() };
          const pair = await this.issue(m, user, row.familyId);
          return { ok: true, result: { ...pair, user: toUserDto(user) } };
        }
        await m
          .getRepository(RefreshToken)
          .update({ familyId: row.familyId, revokedAt: IsNull() }, { revokedAt: now });
        return { ok: false, error: AuthErrors.refreshReused() };
      }
      if (row.revokedAt || row.expiresAt <= now) return { ok: false, error: AuthErrors.refreshInvalid() };
      const user = await m.getRepository(User).findOne({ where: { id: row.userId } });
      if (!user || user.disabledAt) return { ok: false, error: AuthErrors.refreshInvalid() };
      await m.getRepository(RefreshToken).update({ id: row.id }, { rotatedAt: now });
      const pair = await this.issue(m, user, row.familyId);
      return { ok: true, result: { ...pair, user: toUserDto(user) } };
    });
    // The family revocation must commit, so the error is thrown after the transaction.
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  async logout(refreshToken: string): Promise<void> {
    const row = await this.refreshTokens.findOne({
      where: { tokenHash: this.tokens.hashSecret(refreshToken) },
    });
    if (!row) return;
    await this.refreshTokens.update(
      { familyId: row.familyId, revokedAt: IsNull() },
      { revokedAt: this.clock.now() },
    );
  }

  /** Changes the password and signs out every other session; returns a fresh login for this one. */
  async changePassword(principal: Principal, req: ChangePasswordRequest): Promise<LoginResponse> {
    const user = await this.users
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where({ id: principal.userId })
      .getOne();
    if (!user || user.disabledAt) throw AuthErrors.badCredentials();
    if (!(await this.hasher.verify(user.passwordHash, req.currentPassword)))
      throw AuthErrors.wrongCurrentPassword();
    if (req.currentPassword === req.newPassword) throw AuthErrors.samePassword();
    const newHash = await this.hasher.hash(req.newPassword);
    const pair = await this.dataSource.transaction(async (m) => {
      await m.getRepository(User).update({ id: user.id }, { passwordHash: newHash });
      await m
        .getRepository(RefreshToken)
        .update({ userId: user.id, revokedAt: IsNull() }, { revokedAt: this.clock.now() });
      return this.issue(m, user, randomUUID());
    });
    return { ...pair, user: toUserDto(user) };
  }

  /** A teacher joins their school with a single-use invite code. */
  async acceptInvite(req: AcceptInviteRequest): Promise<LoginResponse> {
    if (!req.email && !req.phone) throw AuthErrors.identifierRequired();
    const passwordHash = await this.hasher.hash(req.password);
    const email = req.email?.trim().toLowerCase() ?? null;
    const phone = req.phone ?? null;
    const outcome = await this.dataSource.transaction(async (m): Promise<Outcome<LoginResponse>> => {
      const invite = await m.getRepository(Invite).findOne({
        where: { codeHash: this.tokens.hashSecret(req.code.trim()) },
        lock: { mode: 'pessimistic_write' },
      });
      const now = this.clock.now();
      if (!invite || invite.usedAt || invite.expiresAt <= now)
        return { ok: false, error: AuthErrors.inviteInvalid() };
      const taken = await m
        .getRepository(User)
        .createQueryBuilder('u')
        .where('(u.email = :email OR u.phone = :phone)', { email, phone })
        .getCount();
      if (taken > 0) return { ok: false, error: AuthErrors.identifierTaken() };
      const school = invite.schoolId
        ? await m.getRepository(School).findOneByOrFail({ id: invite.schoolId })
        : null;
      const user = await m.getRepository(User).save(
        m.getRepository(User).create({
          email,
          phone,
          displayName: req.displayName.trim(),
          passwordHash,
          role: invite.role,
          schoolId: school?.id ?? null,
          regionId: invite.regionId,
          isMasterTeacher: invite.isMasterTeacher,
          subjects: [],
          disabledAt: null,
        }),
      );
      await m.getRepository(Invite).update({ id: invite.id }, { usedAt: now, usedById: user.id });
      const pair = await this.issue(m, user, randomUUID());
      return { ok: true, result: { ...pair, user: toUserDto(user) } };
    });
    if (!outcome.ok) throw outcome.error;
    return outcome.result;
  }

  /**
   * A page that reloads or navigates away while its refresh is in flight never stores the
   * successor token, and its next load presents the old one again: on a weak network that is a
   * lost response, not theft. Within a short grace window, and only while the successor issued
   * for it has never been used (no later token in the family was ever presented), that successor
   * is returned so it can be replaced; anything else is treated as reuse.
   */
  private async lostSuccessor(m: EntityManager, row: RefreshToken, now: Date): Promise<RefreshToken | null> {
    if (!row.rotatedAt || row.revokedAt) return null;
    if (now.getTime() - row.rotatedAt.getTime() > REFRESH_REUSE_GRACE_MS) return null;
    const later = await m
      .getRepository(RefreshToken)
      .createQueryBuilder('t')
      .where('t.family_id = :family', { family: row.familyId })
      .andWhere('t.id <> :id', { id: row.id })
      // created_at has microseconds and a JS Date only milliseconds: the id excludes the row itself.
      .andWhere('t.created_at >= :created', { created: row.createdAt })
      .andWhere('t.revoked_at IS NULL')
      .setLock('pessimistic_write')
      .getMany();
    const [only] = later;
    return later.length === 1 && only && !only.rotatedAt ? only : null;
  }

  private async issue(m: EntityManager, user: User, familyId: string): Promise<TokenPair> {
    const refreshToken = this.tokens.newOpaqueSecret();
    const expiresAt = new Date(this.clock.now().getTime() + this.config.jwt.refreshTtlDays * 86_400_000);
    await m.getRepository(RefreshToken).insert({
      userId: user.id,
      familyId,
      tokenHash: this.tokens.hashSecret(refreshToken),
      expiresAt,
      rotatedAt: null,
      revokedAt: null,
    });
    return {
      accessToken: this.tokens.signAccess(principalOf(user)),
      expiresIn: this.tokens.accessTtlSeconds,
      refreshToken,
      refreshExpiresAt: expiresAt.toISOString(),
    };
  }
}
