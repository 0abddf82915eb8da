import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { Principal } from '@tongke/auth';
import {
  EDITION_CODES,
  VOLUME_CODES,
  gradesOf,
  planAccessOf,
  setPlanTexts,
  type CreatePlanPostRequest,
  type CreatePlanRequest,
  type PlanContentDto,
  type PlanDto,
  type PlanPostDto,
  type UpdatePlanRequest,
} from '@tongke/contracts';
import { LessonPlan, PlanLogStore, PlanPost } from '@tongke/database';
import { DataSource, Repository } from 'typeorm';
import * as Y from 'yjs';
import { PlanDocumentsService } from './plan-documents.service.js';
import { PlanningAccess } from './planning-access.service.js';
import { PlanningUsers } from './planning-users.js';
import { toPlanDto, toPostDto, toSectionContents } from './planning.mappers.js';
import { PlanningErrors } from './planning.errors.js';

/** Plans of a group: metadata (curriculum position), current content, discussion thread. */
@Injectable()
export class PlansService {
  constructor(
    @InjectRepository(LessonPlan) private readonly plans: Repository<LessonPlan>,
    @InjectRepository(PlanPost) private readonly posts: Repository<PlanPost>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: PlanningAccess,
    private readonly users: PlanningUsers,
    private readonly documents: PlanDocumentsService,
    private readonly store: PlanLogStore,
  ) {}

  async listForGroup(p: Principal, groupId: string): Promise<PlanDto[]> {
    const { role } = await this.access.group(p, groupId);
    const rows = await this.plans.find({ where: { groupId }, order: { updatedAt: 'DESC' } });
    const users = await this.users.index(rows.map((r) => r.createdById));
    return rows.map((r) => toPlanDto(r, users, role ? planAccessOf(role) : null));
  }

  async create(p: Principal, groupId: string, req: CreatePlanRequest): Promise<PlanDto> {
    const { group, role } = await this.access.group(p, groupId);
    if (!role) throw PlanningErrors.membersOnly();
    if (planAccessOf(role) !== 'editor') throw PlanningErrors.readOnly();
    this.validateCurriculum(group.stage, req);
    const sections = req.sections
      ? Object.fromEntries(Object.entries(req.sections).filter(([, v]) => typeof v === 'string'))
      : {};
    const id = await this.dataSource.transaction(async (m) => {
      const plan = await m.getRepository(LessonPlan).save(
        m.getRepository(LessonPlan).create({
          groupId,
          regionId: group.regionId,
          title: req.title.trim(),
          subject: group.subject,
          stage: group.stage,
          grade: req.grade,
          edition: req.edition,
          volume: req.volume,
          unit: req.unit.trim(),
          lessonPeriod: req.lessonPeriod,
          headSeq: 0,
          createdById: p.userId,
        }),
      );
      if (Object.keys(sections).length > 0) {
        // The starting text is the creator's first edit, in the log like any other.
        const doc = new Y.Doc();
        setPlanTexts(doc, sections);
        await this.store.append(
          plan.id,
          [{ update: Y.encodeStateAsUpdate(doc), authorId: p.userId, clientId: doc.clientID }],
          m,
        );
        doc.destroy();
      }
      return plan.id;
    });
    return this.get(p, id);
  }

  async get(p: Principal, planId: string): Promise<PlanDto> {
    const { plan, access } = await this.access.plan(p, planId);
    return toPlanDto(plan, await this.users.index([plan.createdById]), access);
  }

  async update(p: Principal, planId: string, req: UpdatePlanRequest): Promise<PlanDto> {
    const { plan } = await this.access.editor(p, planId);
    const next = {
      title: req.title?.trim() ?? plan.title,
      grade: req.grade ?? plan.grade,
      edition: req.edition ?? plan.edition,
      volume: req.volume ?? plan.volume,
      unit: req.unit?.trim() ?? plan.unit,
      lessonPeriod: req.lessonPeriod ?? plan.lessonPeriod,
    };
    this.validateCurriculum(plan.stage, next);
    await this.plans.update({ id: planId }, next);
    return this.get(p, planId);
  }

  async content(p: Principal, planId: string): Promise<PlanContentDto> {
    await this.access.reader(p, planId);
    const { doc, seq } = await this.documents.current(planId);
    return { planId, seq, sections: toSectionContents(doc) };
  }

  async listPosts(p: Principal, planId: string): Promise<PlanPostDto[]> {
    await this.access.reader(p, planId);
    const rows = await this.posts.find({ where: { planId }, order: { createdAt: 'ASC' } });
    const users = await this.users.index(rows.map((r) => r.authorId));
    return rows.map((r) => toPostDto(r, users));
  }

  /** The discussion thread is open to every participant, observers included. */
  async createPost(p: Principal, planId: string, req: CreatePlanPostRequest): Promise<PlanPostDto> {
    await this.access.reader(p, planId);
    const saved = await this.posts.save(
      this.posts.create({ planId, authorId: p.userId, body: req.body.trim() }),
    );
    return toPostDto(saved, await this.users.index([p.userId]));
  }

  private validateCurriculum(stage: string, c: { grade: string; edition: string; volume: string }): void {
    const problems: string[] = [];
    if (!gradesOf(stage).includes(c.grade))
      problems.push(`grade "${c.grade}" is not a grade of ${stage} (${gradesOf(stage).join('、')})`);
    if (!(EDITION_CODES as string[]).includes(c.edition)) problems.push(`unknown edition "${c.edition}"`);
    if (!(VOLUME_CODES as string[]).includes(c.volume)) problems.push(`unknown volume "${c.volume}"`);
    if (problems.length > 0) throw PlanningErrors.curriculumInvalid(problems);
  }
}
