import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { Principal } from '@tongke/auth';
import { DomainEvents } from '@tongke/common';
import {
  labelOf,
  planSectionLabel,
  planTexts,
  PLAN_SECTIONS,
  type CreatePlanVersionRequest,
  type PlanChangeSummaryDto,
  type PlanSectionChangeDto,
  type PlanVersionContentDto,
  type PlanVersionDto,
  type PublishPlanVersionResponse,
  type RestorePlanVersionResponse,
} from '@tongke/contracts';
import { LessonPlan, PlanLogStore, PlanVersion, ResearchGroup } from '@tongke/database';
import { DataSource, Repository } from 'typeorm';
import * as Y from 'yjs';
import { Clock } from '../common/clock.js';
import { tallyChanges } from './doc/plan-changes.js';
import { renderPlanDocx } from './doc/plan-docx.js';
import { restoreUpdate } from './doc/plan-restore.js';
import { PlanDocumentsService } from './plan-documents.service.js';
import { PlanningAccess } from './planning-access.service.js';
import { PlanningUsers } from './planning-users.js';
import { toSectionContents, toUserRef, toVersionDto } from './planning.mappers.js';
import { PlanningErrors } from './planning.errors.js';

const actorOf = (p: Principal) => ({ userId: p.userId, schoolId: p.schoolId, regionId: p.regionId });

/** Named versions: save, list, view, restore (as a new change), compare, export as DOCX, publish. */
@Injectable()
export class PlanVersionsService {
  constructor(
    @InjectRepository(PlanVersion) private readonly versions: Repository<PlanVersion>,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: PlanningAccess,
    private readonly users: PlanningUsers,
    private readonly documents: PlanDocumentsService,
    private readonly store: PlanLogStore,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  async list(p: Principal, planId: string): Promise<PlanVersionDto[]> {
    await this.access.reader(p, planId);
    const rows = await this.versions.find({ where: { planId }, order: { seq: 'DESC', createdAt: 'DESC' } });
    const users = await this.users.index(rows.map((r) => r.createdById));
    return rows.map((r) => toVersionDto(r, users));
  }

  /** Saves the current document under a name: exactly the state after the log's head at that moment. */
  async create(p: Principal, planId: string, req: CreatePlanVersionRequest): Promise<PlanVersionDto> {
    await this.access.editor(p, planId);
    for (let attempt = 0; attempt < 5; attempt++) {
      const { doc, seq } = await this.documents.current(planId);
      const snapshot = Buffer.from(Y.encodeStateAsUpdate(doc));
      const id = await this.dataSource.transaction(async (m) => {
        // The plan row lock orders this against appends and snapshot pruning.
        const rows: { head_seq: string | number }[] = await m.query(
          'SELECT head_seq FROM lesson_plans WHERE id = $1 FOR UPDATE',
          [planId],
        );
        if (rows.length === 0) throw PlanningErrors.planNotFound();
        if (Number(rows[0].head_seq) !== seq) return null;
        const saved = await m.getRepository(PlanVersion).save(
          m.getRepository(PlanVersion).create({
            planId,
            name: req.name.trim(),
            seq,
            snapshot,
            createdById: p.userId,
            publishedAt: null,
            publishedById: null,
          }),
        );
        return saved.id;
      });
      if (id) return this.one(planId, id);
    }
    throw PlanningErrors.storeConflict();
  }

  async view(p: Principal, planId: string, versionId: string): Promise<PlanVersionContentDto> {
    await this.access.reader(p, planId);
    const { version, doc } = await this.load(planId, versionId);
    const users = await this.users.index([version.createdById]);
    return { ...toVersionDto(version, users), sections: toSectionContents(doc) };
  }

  /** Makes the current document match the version again, as a new change by the caller (relayed to open editors). */
  async restore(p: Principal, planId: string, versionId: string): Promise<RestorePlanVersionResponse> {
    const ctx = await this.access.editor(p, planId);
    const { version, doc: target } = await this.load(planId, versionId);
    const { doc: current, seq: currentSeq } = await this.documents.current(planId);
    const change = restoreUpdate(current, target);
    let seq = currentSeq;
    if (change.update) {
      seq = await this.documents.append(planId, change.update, p.userId, change.clientId);
      this.events.publish('planning.edited', {
        planId,
        groupId: ctx.group.id,
        regionId: ctx.group.regionId,
        userId: p.userId,
        schoolId: p.schoolId,
        at: this.clock.now().toISOString(),
      });
    }
    const users = await this.users.index([version.createdById]);
    return { version: toVersionDto(version, users), seq, restoredSections: change.sections };
  }

  /** What changed from one version to a later one (or to the current document), by section and author. */
  async changes(p: Principal, planId: string, fromId: string, toId?: string): Promise<PlanChangeSummaryDto> {
    await this.access.reader(p, planId);
    const from = await this.load(planId, fromId);
    let to: { versionId: string | null; name: string; seq: number };
    if (toId) {
      const v = await this.load(planId, toId);
      to = { versionId: v.version.id, name: v.version.name, seq: v.version.seq };
    } else {
      to = { versionId: null, name: '当前版本', seq: (await this.documents.current(planId)).seq };
    }
    if (from.version.seq > to.seq) throw PlanningErrors.versionOrder();
    const updates = await this.store.between(planId, from.version.seq, to.seq);
    if (updates.length !== to.seq - from.version.seq) throw PlanningErrors.historyPruned();
    const tallies = tallyChanges(from.snapshot, updates);
    const users = await this.users.index(updates.map((u) => u.authorId));
    const sections: PlanSectionChangeDto[] = tallies.map((t) => {
      const authors = [...t.byAuthor]
        .map(([id, c]) => ({ user: toUserRef(users, id), added: c.added, removed: c.removed }))
        .sort((a, b) => b.added + b.removed - (a.added + a.removed));
      return {
        code: t.code,
        label: planSectionLabel(t.code),
        charsBefore: t.charsBefore,
        charsAfter: t.charsAfter,
        added: authors.reduce((n, a) => n + a.added, 0),
        removed: authors.reduce((n, a) => n + a.removed, 0),
        authors,
      };
    });
    return {
      planId,
      from: { versionId: from.version.id, name: from.version.name, seq: from.version.seq },
      to,
      sections,
      lines: readableLines(sections),
    };
  }

  async exportDocx(
    p: Principal,
    planId: string,
    versionId: string,
  ): Promise<{ fileName: string; docx: Buffer }> {
    const { plan, group } = await this.access.reader(p, planId);
    const { version, doc } = await this.load(planId, versionId);
    return { fileName: fileNameOf(plan, version), docx: await this.render(plan, group, version, doc) };
  }

  /**
   * Sends the version to the library as a lesson-plan resource authored by the group: a DOCX and its
   * curriculum metadata go out in `planning.version_published`; the library's review takes it from there.
   */
  async publish(p: Principal, planId: string, versionId: string): Promise<PublishPlanVersionResponse> {
    const { plan, group, manages } = await this.access.plan(p, planId);
    if (!manages) throw PlanningErrors.publishForbidden();
    const { version, doc } = await this.load(planId, versionId);
    if (version.publishedAt) throw PlanningErrors.alreadyPublished();
    const docx = await this.render(plan, group, version, doc);
    const now = this.clock.now();
    const changed = await this.versions
      .createQueryBuilder()
      .update()
      .set({ publishedAt: now, publishedById: p.userId })
      .where('id = :id AND published_at IS NULL', { id: versionId })
      .execute();
    if (!changed.affected) throw PlanningErrors.alreadyPublished();
    this.events.publish('planning.version_published', {
      planId,
      versionId,
      groupId: group.id,
      regionId: group.regionId,
      docx,
      fileName: fileNameOf(plan, version),
      metadata: {
        title: plan.title,
        resourceType: 'lesson_plan',
        subject: plan.subject,
        stage: plan.stage,
        grade: plan.grade,
        edition: plan.edition,
        volume: plan.volume,
        unit: plan.unit,
        lessonPeriod: plan.lessonPeriod,
        versionName: version.name,
        author: { groupId: group.id, groupName: group.name },
      },
      actor: actorOf(p),
    });
    return {
      planId,
      versionId,
      status: 'submitted',
      submittedAt: now.toISOString(),
      message: 'Sent to the library for review; it becomes searchable once approved.',
    };
  }

  private render(plan: LessonPlan, group: ResearchGroup, version: PlanVersion, doc: Y.Doc): Promise<Buffer> {
    const texts = planTexts(doc);
    return renderPlanDocx({
      title: plan.title,
      groupName: group.name,
      versionName: version.name,
      curriculum: [
        ['学段', labelOf('stages', plan.stage) ?? plan.stage],
        ['学科', labelOf('subjects', plan.subject) ?? plan.subject],
        ['年级', plan.grade],
        ['教材版本', labelOf('editions', plan.edition) ?? plan.edition],
        ['册', labelOf('volumes', plan.volume) ?? plan.volume],
        ['单元', plan.unit],
        ['课时', `第${plan.lessonPeriod}课时`],
      ],
      sections: PLAN_SECTIONS.map((s) => ({ label: s.label, text: texts[s.code] })),
    });
  }

  private async one(planId: string, versionId: string): Promise<PlanVersionDto> {
    const v = await this.versions.findOne({ where: { id: versionId, planId } });
    if (!v) throw PlanningErrors.versionNotFound();
    return toVersionDto(v, await this.users.index([v.createdById]));
  }

  private async load(
    planId: string,
    versionId: string,
  ): Promise<{ version: PlanVersion; snapshot: Uint8Array; doc: Y.Doc }> {
    const version = await this.versions
      .createQueryBuilder('v')
      .addSelect('v.snapshot')
      .where('v.id = :id AND v.plan_id = :planId', { id: versionId, planId })
      .getOne();
    if (!version) throw PlanningErrors.versionNotFound();
    const snapshot = new Uint8Array(version.snapshot);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, snapshot);
    return { version, snapshot, doc };
  }
}

const fileNameOf = (plan: LessonPlan, version: PlanVersion) =>
  `${plan.title}-${version.name}.docx`.replace(/[\\/:*?"<>|\r\n]+/g, '_');

function readableLines(sections: PlanSectionChangeDto[]): string[] {
  const changed = sections.filter((s) => s.added > 0 || s.removed > 0);
  if (changed.length === 0) return ['两个版本的内容相同。'];
  return changed.map((s) => {
    const who = s.authors
      .filter((a) => a.added > 0 || a.removed > 0)
      .map((a) => `${a.user.displayName} +${a.added}/−${a.removed}`)
      .join('；');
    return `${s.label}：新增 ${s.added} 字，删除 ${s.removed} 字（${who}）`;
  });
}
