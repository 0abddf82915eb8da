import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Principal } from '@tongke/auth';
import {
  isPlanSectionCode,
  resolveRange,
  type CreatePlanCommentReplyRequest,
  type CreatePlanCommentRequest,
  type PlanCommentDto,
  type PlanTextRangeDto,
} from '@tongke/contracts';
import { PlanComment } from '@tongke/database';
import { IsNull, Repository } from 'typeorm';
import type * as Y from 'yjs';
import { PlanDocumentsService } from './plan-documents.service.js';
import { PlanningAccess } from './planning-access.service.js';
import { PlanningUsers } from './planning-users.js';
import { toCommentDto } from './planning.mappers.js';
import { PlanningErrors } from './planning.errors.js';

const QUOTE_MAX = 500;

/**
 * Comments anchored to text by two Yjs relative positions (start sticks to the first character,
 * end to the last), so they follow the text through edits before, inside and after them; every
 * read resolves them against the current document. Threads of replies; resolve and reopen.
 */
@Injectable()
export class PlanCommentsService {
  constructor(
    @InjectRepository(PlanComment) private readonly comments: Repository<PlanComment>,
    private readonly access: PlanningAccess,
    private readonly users: PlanningUsers,
    private readonly documents: PlanDocumentsService,
  ) {}

  async list(p: Principal, planId: string): Promise<PlanCommentDto[]> {
    await this.access.reader(p, planId);
    const all = await this.comments.find({ where: { planId }, order: { createdAt: 'ASC' } });
    const { doc } = await this.documents.current(planId);
    const users = await this.users.index(all.flatMap((c) => [c.authorId, c.resolvedById]));
    return all.filter((c) => c.parentId === null).map((c) => this.toDto(c, all, doc, users));
  }

  async create(p: Principal, planId: string, req: CreatePlanCommentRequest): Promise<PlanCommentDto> {
    await this.access.editor(p, planId);
    const { doc } = await this.documents.current(planId);
    const range = resolveRange(doc, { ...req.start }, { ...req.end });
    if (!range)
      throw PlanningErrors.anchorInvalid(
        'does not point into this plan’s saved text (wait until your edits are saved)',
      );
    if (range.section !== req.section)
      throw PlanningErrors.anchorInvalid(`is not in section "${req.section}"`);
    if (range.to <= range.from) throw PlanningErrors.anchorInvalid('covers no text');
    const saved = await this.comments.save(
      this.comments.create({
        planId,
        parentId: null,
        section: req.section,
        anchorStart: { ...req.start },
        anchorEnd: { ...req.end },
        quote: range.text.slice(0, QUOTE_MAX),
        body: req.body.trim(),
        authorId: p.userId,
        resolvedAt: null,
        resolvedById: null,
      }),
    );
    return this.get(planId, saved.id, doc);
  }

  async reply(
    p: Principal,
    planId: string,
    commentId: string,
    req: CreatePlanCommentReplyRequest,
  ): Promise<PlanCommentDto> {
    await this.access.editor(p, planId);
    const root = await this.root(planId, commentId);
    await this.comments.save(
      this.comments.create({
        planId,
        parentId: root.id,
        section: null,
        anchorStart: null,
        anchorEnd: null,
        quote: null,
        body: req.body.trim(),
        authorId: p.userId,
        resolvedAt: null,
        resolvedById: null,
      }),
    );
    return this.get(planId, root.id);
  }

  /** Marks the thread resolved; the answer carries where its text is now. */
  async resolve(p: Principal, planId: string, commentId: string): Promise<PlanCommentDto> {
    await this.access.editor(p, planId);
    const root = await this.root(planId, commentId);
    if (!root.resolvedAt) {
      await this.comments.update(
        { id: root.id, resolvedAt: IsNull() },
        { resolvedAt: new Date(), resolvedById: p.userId },
      );
    }
    return this.get(planId, root.id);
  }

  async reopen(p: Principal, planId: string, commentId: string): Promise<PlanCommentDto> {
    await this.access.editor(p, planId);
    const root = await this.root(planId, commentId);
    await this.comments.update({ id: root.id }, { resolvedAt: null, resolvedById: null });
    return this.get(planId, root.id);
  }

  private async root(planId: string, commentId: string): Promise<PlanComment> {
    const c = await this.comments.findOne({ where: { id: commentId, planId } });
    if (!c) throw PlanningErrors.commentNotFound();
    if (c.parentId !== null) throw PlanningErrors.replyToReply();
    return c;
  }

  private async get(planId: string, rootId: string, doc?: Y.Doc): Promise<PlanCommentDto> {
    const thread = await this.comments.find({
      where: [{ id: rootId }, { parentId: rootId }],
      order: { createdAt: 'ASC' },
    });
    const root = thread.find((c) => c.id === rootId);
    if (!root) throw PlanningErrors.commentNotFound();
    const current = doc ?? (await this.documents.current(planId)).doc;
    const users = await this.users.index(thread.flatMap((c) => [c.authorId, c.resolvedById]));
    return this.toDto(root, thread, current, users);
  }

  private toDto(
    root: PlanComment,
    all: PlanComment[],
    doc: Y.Doc,
    users: Awaited<ReturnType<PlanningUsers['index']>>,
  ): PlanCommentDto {
    const replies = all.filter((c) => c.parentId === root.id);
    let range: PlanTextRangeDto | null = null;
    const r = resolveRange(doc, root.anchorStart, root.anchorEnd);
    if (r && isPlanSectionCode(r.section)) range = r;
    return toCommentDto(root, replies, range, users);
  }
}
