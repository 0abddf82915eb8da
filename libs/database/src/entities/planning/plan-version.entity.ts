import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { User } from '../user.entity.js';
import { LessonPlan } from './lesson-plan.entity.js';
import { planSeqTransformer } from './seq.transformer.js';

/** A named version: the document state after update `seq`. */
@Entity('plan_versions')
@Index(['planId', 'seq'])
export class PlanVersion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'plan_id' })
  planId: string;

  @ManyToOne(() => LessonPlan, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<LessonPlan>;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  @Column({ type: 'bigint', transformer: planSeqTransformer })
  seq: number;

  @Column({ type: 'bytea', select: false })
  snapshot: Buffer;

  @Column({ type: 'uuid', name: 'created_by_id' })
  createdById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by_id' })
  createdBy?: Relation<User>;

  @Column({ type: 'timestamptz', name: 'published_at', nullable: true })
  publishedAt: Date | null;

  @Column({ type: 'uuid', name: 'published_by_id', nullable: true })
  publishedById: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
