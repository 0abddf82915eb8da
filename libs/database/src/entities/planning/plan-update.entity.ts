import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { LessonPlan } from './lesson-plan.entity.js';
import { planSeqTransformer } from './seq.transformer.js';

/** One stored Yjs update (v1 encoding) of a plan, with who made it: the log that is the source of truth. */
@Entity('plan_updates')
export class PlanUpdate {
  @PrimaryColumn({ type: 'uuid', name: 'plan_id' })
  planId: string;

  @ManyToOne(() => LessonPlan, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<LessonPlan>;

  @PrimaryColumn({ type: 'bigint', transformer: planSeqTransformer })
  seq: number;

  @Column({ type: 'bytea' })
  update: Buffer;

  /** No foreign key: appends are the hot path, and users are never deleted. */
  @Column({ type: 'uuid', name: 'author_id' })
  authorId: string;

  /** The Yjs client id of the author's document, when known. */
  @Column({ type: 'bigint', name: 'client_id', nullable: true, transformer: planSeqTransformer })
  clientId: number | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
