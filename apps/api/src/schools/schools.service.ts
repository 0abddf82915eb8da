import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Scope, type Principal } from '@tongke/auth';
import { CommonErrors } from '@tongke/common';
import type {
  ClassroomDto,
  CreateClassroomRequest,
  CreateSchoolRequest,
  RegionDto,
  SchoolDto,
  SchoolLocale,
  UpdateSchoolRequest,
} from '@tongke/contracts';
import { Classroom, Region, School } from '@tongke/database';
import { In, QueryFailedError, Repository, type FindOptionsWhere } from 'typeorm';
import { toClassroomDto, toRegionDto, toSchoolDto } from '../common/mappers.js';
import { SchoolErrors } from './schools.errors.js';

export const isUniqueViolation = (e: unknown): boolean =>
  e instanceof QueryFailedError && (e.driverError as { code?: string } | undefined)?.code === '23505';

@Injectable()
export class SchoolsService {
  constructor(
    @InjectRepository(Region) private readonly regions: Repository<Region>,
    @InjectRepository(School) private readonly schools: Repository<School>,
    @InjectRepository(Classroom) private readonly classrooms: Repository<Classroom>,
  ) {}

  async listRegions(p: Principal): Promise<RegionDto[]> {
    const where = p.role === 'platform_admin' ? {} : p.regionId ? { id: p.regionId } : { id: In([]) };
    return (await this.regions.find({ where, order: { name: 'ASC' } })).map(toRegionDto);
  }

  async getRegion(p: Principal, id: string): Promise<RegionDto> {
    const region = await this.regions.findOne({ where: { id } });
    if (!region || !Scope.canSeeRegion(p, region.id)) throw SchoolErrors.regionNotFound();
    return toRegionDto(region);
  }

  async createRegion(p: Principal, name: string, code: string): Promise<RegionDto> {
    if (p.role !== 'platform_admin') throw CommonErrors.forbidden('Only platform admins create regions');
    try {
      return toRegionDto(await this.regions.save(this.regions.create({ name, code })));
    } catch (e) {
      if (isUniqueViolation(e)) throw SchoolErrors.regionCodeTaken();
      throw e;
    }
  }

  /** Schools in the caller's region (everyone may see the schools of their own county, for pairings and lessons). */
  async list(p: Principal, filter: { locale?: SchoolLocale; regionId?: string }): Promise<SchoolDto[]> {
    const where: FindOptionsWhere<School> = {};
    if (p.role === 'platform_admin') {
      if (filter.regionId) where.regionId = filter.regionId;
    } else {
      if (!p.regionId) return [];
      if (filter.regionId && filter.regionId !== p.regionId) return [];
      where.regionId = p.regionId;
    }
    if (filter.locale) where.locale = filter.locale;
    const rows = await this.schools.find({ where, order: { locale: 'ASC', name: 'ASC' } });
    return rows.map(toSchoolDto);
  }

  /** A school the caller may see; 404 (not 403) outside their region so ids do not leak. */
  async getVisible(p: Principal, id: string): Promise<School> {
    const school = await this.schools.findOne({ where: { id } });
    if (!school || !Scope.canSeeRegion(p, school.regionId)) throw SchoolErrors.notFound();
    return school;
  }

  async get(p: Principal, id: string): Promise<SchoolDto> {
    return toSchoolDto(await this.getVisible(p, id));
  }

  async create(p: Principal, req: CreateSchoolRequest): Promise<SchoolDto> {
    const regionId = p.role === 'platform_admin' ? req.regionId : p.regionId;
    if (!regionId) throw SchoolErrors.regionRequired();
    if (!Scope.canManageRegion(p, regionId))
      throw CommonErrors.forbidden('Only the district admin of this region may add schools');
    if (!(await this.regions.exists({ where: { id: regionId } }))) throw SchoolErrors.regionNotFound();
    try {
      const saved = await this.schools.save(
        this.schools.create({
          regionId,
          name: req.name.trim(),
          locale: req.locale,
          stages: req.stages,
          enrolment: req.enrolment,
        }),
      );
      return toSchoolDto(saved);
    } catch (e) {
      if (isUniqueViolation(e)) throw SchoolErrors.nameTaken();
      throw e;
    }
  }

  async update(p: Principal, id: string, req: UpdateSchoolRequest): Promise<SchoolDto> {
    const school = await this.getVisible(p, id);
    if (!Scope.canManageSchool(p, school)) throw CommonErrors.forbidden('You may not change this school');
    // The locale decides who may be paired with whom: only the district changes it.
    if (req.locale && req.locale !== school.locale && !Scope.canManageRegion(p, school.regionId)) {
      throw CommonErrors.forbidden('Only the district admin may change a school’s locale');
    }
    Object.assign(school, {
      ...(req.name !== undefined && { name: req.name.trim() }),
      ...(req.locale !== undefined && { locale: req.locale }),
      ...(req.stages !== undefined && { stages: req.stages }),
      ...(req.enrolment !== undefined && { enrolment: req.enrolment }),
    });
    try {
      return toSchoolDto(await this.schools.save(school));
    } catch (e) {
      if (isUniqueViolation(e)) throw SchoolErrors.nameTaken();
      throw e;
    }
  }

  async listClassrooms(p: Principal, schoolId: string): Promise<ClassroomDto[]> {
    await this.getVisible(p, schoolId);
    const rows = await this.classrooms.find({ where: { schoolId }, order: { name: 'ASC' } });
    return rows.map(toClassroomDto);
  }

  async createClassroom(p: Principal, schoolId: string, req: CreateClassroomRequest): Promise<ClassroomDto> {
    const school = await this.getVisible(p, schoolId);
    if (!Scope.canManageSchool(p, school))
      throw CommonErrors.forbidden('You may not add classrooms to this school');
    try {
      const saved = await this.classrooms.save(
        this.classrooms.create({ schoolId, name: req.name.trim(), kind: req.kind, grade: req.grade ?? null }),
      );
      return toClassroomDto(saved);
    } catch (e) {
      if (isUniqueViolation(e)) throw SchoolErrors.classroomNameTaken();
      throw e;
    }
  }
}
