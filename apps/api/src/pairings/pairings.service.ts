import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { Scope, type Principal } from '@tongke/auth';
import { CommonErrors, DomainEvents } from '@tongke/common';
import {
  SUBJECT_CODES,
  type CreatePairingRequest,
  type PairingDto,
  type PairingStatus,
  type PairingTeacherDto,
} from '@tongke/contracts';
import { Classroom, Pairing, School, User } from '@tongke/database';
import { Brackets, DataSource, In, IsNull, Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { toPairingDto } from '../common/mappers.js';
import { PairingErrors } from './pairings.errors.js';

const RELATIONS = { urbanSchool: true, partnerSchools: true, masterTeacher: true, classrooms: true } as const;

/** Who may see a pairing: the region's district, both sides' staff, the master teacher. */
export function canSeePairing(p: Principal, pairing: Pairing): boolean {
  if (Scope.canSeeRegion(p, pairing.regionId) && (p.role === 'platform_admin' || p.role === 'district_admin'))
    return true;
  if (pairing.masterTeacherId === p.userId) return true;
  if (!p.schoolId) return false;
  return (
    pairing.urbanSchoolId === p.schoolId || (pairing.partnerSchools ?? []).some((s) => s.id === p.schoolId)
  );
}

const actorOf = (p: Principal) => ({ userId: p.userId, schoolId: p.schoolId, regionId: p.regionId });

@Injectable()
export class PairingsService {
  constructor(
    @InjectRepository(Pairing) private readonly pairings: Repository<Pairing>,
    @InjectRepository(School) private readonly schools: Repository<School>,
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Classroom) private readonly classrooms: Repository<Classroom>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly events: DomainEvents,
  ) {}

  async list(p: Principal, filter: { status?: PairingStatus }): Promise<PairingDto[]> {
    const qb = this.pairings.createQueryBuilder('p').select('p.id', 'id');
    if (p.role !== 'platform_admin') {
      if (!p.regionId) return [];
      qb.where('p.region_id = :rid', { rid: p.regionId });
      if (p.role !== 'district_admin') {
        qb.andWhere(
          new Brackets((w) => {
            w.where('p.master_teacher_id = :uid', { uid: p.userId });
            if (p.schoolId) {
              w.orWhere('p.urban_school_id = :sid', { sid: p.schoolId }).orWhere(
                'EXISTS (SELECT 1 FROM pairing_partner_schools pps WHERE pps.pairing_id = p.id AND pps.school_id = :sid)',
                { sid: p.schoolId },
              );
            }
          }),
        );
      }
    }
    if (filter.status) qb.andWhere('p.status = :status', { status: filter.status });
    const ids = (await qb.getRawMany<{ id: string }>()).map((r) => r.id);
    if (ids.length === 0) return [];
    const rows = await this.pairings.find({
      where: { id: In(ids) },
      relations: RELATIONS,
      order: { createdAt: 'DESC' },
    });
    return rows.map(toPairingDto);
  }

  async get(p: Principal, id: string): Promise<PairingDto> {
    return toPairingDto(await this.loadVisible(p, id));
  }

  async create(p: Principal, req: CreatePairingRequest): Promise<PairingDto> {
    const unknownSubjects = req.subjects.filter((s) => !(SUBJECT_CODES as string[]).includes(s));
    if (unknownSubjects.length) throw PairingErrors.subjectInvalid(unknownSubjects);
    if (req.partnerSchoolIds.includes(req.urbanSchoolId))
      throw PairingErrors.partnerNotRural(['(the urban school itself)']);

    const schoolIds = [req.urbanSchoolId, ...req.partnerSchoolIds];
    const schools = await this.schools.find({ where: { id: In(schoolIds) } });
    const missing = schoolIds.filter((id) => !schools.some((s) => s.id === id));
    // Schools outside the caller's region are reported as unknown: their ids must not leak.
    const visible = schools.filter((s) => Scope.canSeeRegion(p, s.regionId));
    if (missing.length || visible.length !== schools.length) {
      throw PairingErrors.schoolNotFound([
        ...missing,
        ...schools.filter((s) => !visible.includes(s)).map((s) => s.id),
      ]);
    }
    const urban = schools.find((s) => s.id === req.urbanSchoolId);
    if (!urban) throw PairingErrors.schoolNotFound([req.urbanSchoolId]);
    if (!Scope.canManageRegion(p, urban.regionId))
      throw CommonErrors.forbidden('Only the district admin of this region may create pairings');
    if (schools.some((s) => s.regionId !== urban.regionId)) throw PairingErrors.outsideRegion();
    if (urban.locale !== 'urban') throw PairingErrors.urbanSchoolNotUrban();
    const partners = schools.filter((s) => s.id !== urban.id);
    const notRural = partners.filter((s) => s.locale === 'urban');
    if (notRural.length) throw PairingErrors.partnerNotRural(notRural.map((s) => s.name));

    const master = await this.users.findOne({ where: { id: req.masterTeacherId } });
    if (!master || master.schoolId !== urban.id || !master.isMasterTeacher || master.disabledAt) {
      throw PairingErrors.masterTeacherInvalid();
    }
    const classrooms = req.classroomIds.length
      ? await this.classrooms.find({ where: { id: In(req.classroomIds) } })
      : [];
    const badRooms = req.classroomIds.filter(
      (id) => !classrooms.some((c) => c.id === id && req.partnerSchoolIds.includes(c.schoolId)),
    );
    if (badRooms.length) throw PairingErrors.classroomInvalid(badRooms);

    const id = await this.dataSource.transaction(async (m) => {
      // One live pairing per (urban school, partner, term, subject): a second one is a mistake, not a plan.
      // Locking the urban school's row serialises concurrent creations for it.
      await m.getRepository(School).findOne({ where: { id: urban.id }, lock: { mode: 'pessimistic_write' } });
      const clash = await m
        .getRepository(Pairing)
        .createQueryBuilder('p')
        .innerJoin('pairing_partner_schools', 'pps', 'pps.pairing_id = p.id')
        .where('p.urban_school_id = :u AND p.term = :t AND p.status IN (:...live)', {
          u: urban.id,
          t: req.term,
          live: ['proposed', 'active'],
        })
        .andWhere('pps.school_id IN (:...partners)', { partners: req.partnerSchoolIds })
        .andWhere('p.subjects && :subjects', { subjects: req.subjects })
        .getCount();
      if (clash > 0) throw PairingErrors.duplicate();
      const saved = await m.getRepository(Pairing).save(
        m.getRepository(Pairing).create({
          regionId: urban.regionId,
          urbanSchoolId: urban.id,
          masterTeacherId: master.id,
          term: req.term,
          subjects: req.subjects,
          status: 'proposed',
          createdById: p.userId,
          partnerSchools: partners,
          classrooms,
          activatedAt: null,
          endedAt: null,
          endReason: null,
        }),
      );
      return saved.id;
    });
    this.events.publish('pairing.created', { pairingId: id, regionId: urban.regionId, actor: actorOf(p) });
    return this.get(p, id);
  }

  async activate(p: Principal, id: string): Promise<PairingDto> {
    return this.transition(p, id, 'active');
  }

  async end(p: Principal, id: string, reason?: string): Promise<PairingDto> {
    return this.transition(p, id, 'ended', reason);
  }

  private async transition(
    p: Principal,
    id: string,
    to: PairingStatus,
    reason?: string,
  ): Promise<PairingDto> {
    const pairing = await this.loadVisible(p, id);
    if (!Scope.canManageRegion(p, pairing.regionId))
      throw CommonErrors.forbidden('Only the district admin may change a pairing’s state');
    const allowed: Record<PairingStatus, PairingStatus[]> = {
      proposed: ['active', 'ended'],
      active: ['ended'],
      ended: [],
    };
    if (!allowed[pairing.status].includes(to)) throw PairingErrors.badTransition(pairing.status, to);
    const now = this.clock.now();
    const changed = await this.pairings
      .createQueryBuilder()
      .update()
      .set(
        to === 'active'
          ? { status: to, activatedAt: now }
          : { status: to, endedAt: now, endReason: reason?.trim() || null },
      )
      .where('id = :id AND status = :from', { id, from: pairing.status })
      .execute();
    // Someone else moved it first.
    if (!changed.affected) throw PairingErrors.badTransition(pairing.status, to);
    this.events.publish(to === 'active' ? 'pairing.activated' : 'pairing.ended', {
      pairingId: id,
      regionId: pairing.regionId,
      actor: actorOf(p),
    });
    return this.get(p, id);
  }

  /**
   * Everyone who can see the pairing may list the partner schools' active teachers and school
   * admins by name (no contact details): the master teacher needs them to pick co-teachers.
   */
  async partnerTeachers(p: Principal, id: string): Promise<PairingTeacherDto[]> {
    const pairing = await this.loadVisible(p, id);
    const schoolIds = (pairing.partnerSchools ?? []).map((s) => s.id);
    if (schoolIds.length === 0) return [];
    const rows = await this.users.find({
      where: { schoolId: In(schoolIds), role: In(['teacher', 'school_admin']), disabledAt: IsNull() },
      order: { displayName: 'ASC' },
    });
    return rows.map((u) => ({
      id: u.id,
      displayName: u.displayName,
      schoolId: u.schoolId ?? '',
      role: u.role as PairingTeacherDto['role'],
    }));
  }

  private async loadVisible(p: Principal, id: string): Promise<Pairing> {
    const pairing = await this.pairings.findOne({ where: { id }, relations: RELATIONS });
    if (!pairing || !canSeePairing(p, pairing)) throw PairingErrors.notFound();
    return pairing;
  }
}
