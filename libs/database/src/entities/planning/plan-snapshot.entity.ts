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

/** The whole document state after update `seq` (compaction): loading is the latest snapshot + the updates after it. */
@Entity('plan_snapshots')
export class PlanSnapshot {
  @PrimaryColumn({ type: 'uuid', name: 'plan_id' })
  planId: string;

  @ManyToOne(() => LessonPlan, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<LessonPlan>;

  @PrimaryColumn({ type: 'bigint', transformer: planSeqTransformer })
  seq: number;

  @Column({ type: 'bytea' })
  state: Buffer;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
