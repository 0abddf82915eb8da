import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@tongke/auth';
import { DomainEvents } from '@tongke/common';
import type {
  NotificationKind,
  ResourceDto,
  ResourceVisibility,
  ReviewAction,
  ReviewEventDto,
  ReviewStage,
} from '@tongke/contracts';
import { Notification, Resource, ResourceFile, ReviewEvent, User } from '@tongke/database';
import { DataSource, In, type EntityManager } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { LibraryErrors } from '../library.errors.js';
import { canManage, canRead, isReviewerOf, isWider, needsReview } from '../resources/resource-access.js';
import { actorOf, publishedEventOf } from '../resources/resource-events.js';
import { enqueueResourceChange } from '../resources/resource-outbox.js';
import { toReviewEventDto } from '../resources/resource.mappers.js';
import { ResourceViews } from '../resources/resource-views.js';
import { ResourcesService } from '../resources/resources.service.js';

const SCOPE_LABEL: Record<ResourceVisibility, string> = {
  private: '仅自己可见',
  school: '本校',
  district: '本区县',
  public: '全平台',
};

interface Outcome {
  published: boolean;
}

/**
 * The publishing flow. draft → (submit) published at once for private/school visibility, or
 * pending_review for district/public; a school admin's approval publishes a district request and
 * passes a public one on to the district queue; the district admin's approval is final; a
 * rejection (with reason) goes back to draft. Published → withdrawn by the author or an admin.
 * Widening an already published resource keeps it published as it is while the request waits.
 * Every change writes a review event, the outbox row and, for the author, a notification — in
 * one transaction; domain events go out after the commit.
 */
@Injectable()
export class ReviewService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly resources: ResourcesService,
    private readonly views: ResourceViews,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  async submit(p: Principal, id: string, visibility: ResourceVisibility): Promise<ResourceDto> {
    const r = await this.resources.loadReadable(p, id);
    if (r.authorId !== p.userId) throw LibraryErrors.notAuthor();
    if (r.status === 'pending_review') throw LibraryErrors.underReview();
    const outcome = await this.inLockedTx(id, async (m, locked) => {
      if (locked.status === 'pending_review') throw LibraryErrors.underReview();
      const files = locked.currentVersionId
        ? await m.getRepository(ResourceFile).count({ where: { versionId: locked.currentVersionId } })
        : 0;
      if (files === 0) throw LibraryErrors.noFiles();
      const firstStage: ReviewStage =
        p.role === 'school_admin' ||
        (visibility === 'public' && locked.status === 'published' && locked.visibility === 'district')
          ? 'district'
          : 'school';

      if (locked.status !== 'published') {
        if (!needsReview(visibility)) {
          await this.publish(m, locked, visibility, p, 'published', null);
          return { published: visibility !== 'private' };
        }
        await m.getRepository(Resource).update(
          { id },
          {
            status: 'pending_review',
            visibility,
            requestedVisibility: visibility,
            reviewStage: firstStage,
          },
        );
        await this.log(m, id, p, 'submitted', visibility, firstStage, null);
        return { published: false };
      }
      // Already published: narrowing (or school/private) applies at once; widening waits for review.
      if (!needsReview(visibility) || !isWider(visibility, locked.visibility)) {
        await this.publish(m, locked, visibility, p, 'published', null);
        return { published: isWider(visibility, locked.visibility) };
      }
      await m
        .getRepository(Resource)
        .update({ id }, { requestedVisibility: visibility, reviewStage: firstStage });
      await this.log(m, id, p, 'submitted', visibility, firstStage, null);
      return { published: false };
    });
    return this.after(p, id, outcome);
  }

  /** The author cancels a pending request (back to draft); the author or an admin withdraws a published resource. */
  async withdraw(p: Principal, id: string, reason?: string): Promise<ResourceDto> {
    const r = await this.resources.loadReadableOrManaged(p, id);
    if (r.status === 'pending_review') {
      if (r.authorId !== p.userId) throw LibraryErrors.notAuthor();
    } else if (r.status === 'published') {
      if (!canManage(p, r)) throw LibraryErrors.notManager();
    } else {
      throw LibraryErrors.badTransition(r.status, 'withdrawn');
    }
    await this.inLockedTx(id, async (m, locked) => {
      if (locked.status !== r.status) throw LibraryErrors.badTransition(locked.status, 'withdrawn');
      await m.getRepository(Resource).update(
        { id },
        {
          status: locked.status === 'pending_review' ? 'draft' : 'withdrawn',
          requestedVisibility: null,
          reviewStage: null,
        },
      );
      await this.log(m, id, p, 'withdrawn', locked.visibility, null, reason?.trim() || null);
      if (locked.authorId !== p.userId) {
        await this.notify(
          m,
          locked,
          'resource_withdrawn',
          `你的资源《${locked.title}》已被管理员撤下${reason?.trim() ? `：${reason.trim()}` : '。'}`,
        );
      }
      return { published: false };
    });
    return this.views.toDto(
      p,
      await this.resources.loadReadableOrManaged(p, id).catch(() => this.reload(id)),
    );
  }

  async approve(p: Principal, id: string): Promise<ResourceDto> {
    await this.loadForReview(p, id);
    const outcome = await this.inLockedTx(id, async (m, locked) => {
      const requested = locked.requestedVisibility;
      const stage = locked.reviewStage;
      if (requested === null || stage === null) throw LibraryErrors.noReviewOpen();
      if (!isReviewerOf(p, locked)) throw LibraryErrors.notReviewer();
      if (requested === 'public' && stage === 'school' && p.role === 'school_admin') {
        await m.getRepository(Resource).update({ id }, { reviewStage: 'district' });
        await this.log(m, id, p, 'escalated', requested, 'district', null);
        await this.notify(
          m,
          locked,
          'review_escalated',
          `你的资源《${locked.title}》已通过学校审核，等待区县审核后向全平台公开。`,
        );
        return { published: false };
      }
      await this.publish(m, locked, requested, p, 'approved', null);
      await this.notify(
        m,
        locked,
        'review_approved',
        `你的资源《${locked.title}》已通过审核，现已向${SCOPE_LABEL[requested]}公开。`,
      );
      return { published: true };
    });
    return this.after(p, id, outcome);
  }

  async reject(p: Principal, id: string, reason: string): Promise<ResourceDto> {
    await this.loadForReview(p, id);
    await this.inLockedTx(id, async (m, locked) => {
      if (locked.requestedVisibility === null || locked.reviewStage === null)
        throw LibraryErrors.noReviewOpen();
      if (!isReviewerOf(p, locked)) throw LibraryErrors.notReviewer();
      await m.getRepository(Resource).update(
        { id },
        {
          status: locked.status === 'pending_review' ? 'draft' : locked.status,
          requestedVisibility: null,
          reviewStage: null,
          lastRejection: reason,
        },
      );
      await this.log(m, id, p, 'rejected', locked.requestedVisibility, locked.reviewStage, reason);
      await this.notify(m, locked, 'review_rejected', `你的资源《${locked.title}》未通过审核：${reason}`);
      return { published: false };
    });
    return this.views.toDto(p, await this.reload(id));
  }

  /** The caller's review queue, oldest first. */
  async queue(p: Principal, stage?: ReviewStage): Promise<ResourceDto[]> {
    const qb = this.dataSource
      .getRepository(Resource)
      .createQueryBuilder('r')
      .where('r.deleted_at IS NULL AND r.review_stage IS NOT NULL AND r.author_id <> :me', { me: p.userId });
    switch (p.role) {
      case 'school_admin':
        if (!p.schoolId) return [];
        qb.andWhere("r.review_stage = 'school' AND r.school_id = :sid", { sid: p.schoolId });
        break;
      case 'district_admin':
        if (!p.regionId) return [];
        qb.andWhere('r.region_id = :rid AND r.review_stage = :stage', {
          rid: p.regionId,
          stage: stage ?? 'district',
        });
        break;
      case 'platform_admin':
        if (stage) qb.andWhere('r.review_stage = :stage', { stage });
        break;
      case 'teacher':
        return [];
    }
    const rows = await qb.orderBy('r.updatedAt', 'ASC').take(200).getMany();
    return this.views.toDtos(p, rows);
  }

  /** Review history: for the author, reviewers and the school's administrators. */
  async history(p: Principal, id: string): Promise<ReviewEventDto[]> {
    const r = await this.resources.loadReadableOrManaged(p, id);
    if (r.authorId !== p.userId && !isReviewerOf(p, r) && !canManage(p, r)) throw LibraryErrors.notManager();
    const rows = await this.dataSource
      .getRepository(ReviewEvent)
      .find({ where: { resourceId: id }, order: { createdAt: 'ASC' } });
    const actors = await this.dataSource
      .getRepository(User)
      .find({ where: { id: In([...new Set(rows.map((e) => e.actorId))]) } });
    return rows.map((e) =>
      toReviewEventDto(
        e,
        actors.find((a) => a.id === e.actorId),
      ),
    );
  }

  // ---------------------------------------------------------------------------------------------

  private async loadForReview(p: Principal, id: string): Promise<Resource> {
    const r = await this.dataSource.getRepository(Resource).findOne({ where: { id } });
    if (!r || !canRead(p, r)) throw LibraryErrors.resourceNotFound();
    if (r.authorId === p.userId) throw LibraryErrors.ownReview();
    if (r.reviewStage === null) throw LibraryErrors.noReviewOpen();
    if (!isReviewerOf(p, r)) throw LibraryErrors.notReviewer();
    return r;
  }

  private async inLockedTx(
    id: string,
    work: (m: EntityManager, locked: Resource) => Promise<Outcome>,
  ): Promise<Outcome> {
    return this.dataSource.transaction(async (m) => {
      const locked = await m
        .getRepository(Resource)
        .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!locked || locked.deletedAt !== null) throw LibraryErrors.resourceNotFound();
      const outcome = await work(m, locked);
      await enqueueResourceChange(m, id);
      return outcome;
    });
  }

  private async publish(
    m: EntityManager,
    locked: Resource,
    visibility: ResourceVisibility,
    p: Principal,
    action: ReviewAction,
    reason: string | null,
  ): Promise<void> {
    await m.getRepository(Resource).update(
      { id: locked.id },
      {
        status: 'published',
        visibility,
        requestedVisibility: null,
        reviewStage: null,
        lastRejection: null,
        publishedAt: locked.publishedAt ?? this.clock.now(),
      },
    );
    await this.log(m, locked.id, p, action, visibility, null, reason);
  }

  private async log(
    m: EntityManager,
    resourceId: string,
    p: Principal,
    action: ReviewAction,
    visibility: ResourceVisibility | null,
    stage: ReviewStage | null,
    reason: string | null,
  ): Promise<void> {
    await m
      .getRepository(ReviewEvent)
      .insert({ resourceId, actorId: p.userId, action, visibility, stage, reason });
  }

  private async notify(
    m: EntityManager,
    r: Resource,
    kind: NotificationKind,
    message: string,
  ): Promise<void> {
    await m
      .getRepository(Notification)
      .insert({ userId: r.authorId, kind, resourceId: r.id, message: message.slice(0, 500), readAt: null });
  }

  private async reload(id: string): Promise<Resource> {
    const r = await this.dataSource.getRepository(Resource).findOne({ where: { id } });
    if (!r) throw LibraryErrors.resourceNotFound();
    return r;
  }

  private async after(p: Principal, id: string, outcome: Outcome): Promise<ResourceDto> {
    const r = await this.reload(id);
    if (outcome.published && r.status === 'published' && r.visibility !== 'private') {
      const author = await this.dataSource.getRepository(User).findOne({ where: { id: r.authorId } });
      this.events.publish(
        'resource.published',
        publishedEventOf(r, author?.isMasterTeacher ?? false, actorOf(p)),
      );
    }
    return this.views.toDto(p, r);
  }
}
