import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { User } from '../user.entity.js';
import { LessonPlan } from './lesson-plan.entity.js';

/**
 * A comment anchored to a range of a section (two Yjs relative positions, so it follows the text
 * through concurrent edits), or a reply in its thread (`parent_id` set, no anchor).
 */
@Entity('plan_comments')
@Index(['planId', 'createdAt'])
export class PlanComment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'plan_id' })
  planId: string;

  @ManyToOne(() => LessonPlan, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<LessonPlan>;

  @Column({ type: 'uuid', name: 'parent_id', nullable: true })
  @Index()
  parentId: string | null;

  @ManyToOne(() => PlanComment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'parent_id' })
  parent?: Relation<PlanComment>;

  @Column({ type: 'varchar', length: 32, nullable: true })
  section: string | null;

  @Column({ type: 'jsonb', name: 'anchor_start', nullable: true })
  anchorStart: Record<string, unknown> | null;

  @Column({ type: 'jsonb', name: 'anchor_end', nullable: true })
  anchorEnd: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  quote: string | null;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'uuid', name: 'author_id' })
  authorId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id' })
  author?: Relation<User>;

  @Column({ type: 'timestamptz', name: 'resolved_at', nullable: true })
  resolvedAt: Date | null;

  @Column({ type: 'uuid', name: 'resolved_by_id', nullable: true })
  resolvedById: string | null;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'resolved_by_id' })
  resolvedBy?: Relation<User>;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
