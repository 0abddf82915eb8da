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
import { ResearchGroup } from './research-group.entity.js';
import { planSeqTransformer } from './seq.transformer.js';

/**
 * A lesson plan of a group: its curriculum position as columns; its content is a Yjs document
 * stored as `plan_snapshots` + `plan_updates`. `head_seq` numbers the updates without gaps: an
 * append increments it under the row lock, so updates commit in sequence order.
 */
@Entity('lesson_plans')
export class LessonPlan {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'group_id' })
  @Index()
  groupId: string;

  @ManyToOne(() => ResearchGroup, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group?: Relation<ResearchGroup>;

  @Column({ type: 'uuid', name: 'region_id' })
  regionId: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 32 })
  subject: string;

  @Column({ type: 'varchar', length: 16 })
  stage: string;

  @Column({ type: 'varchar', length: 16 })
  grade: string;

  @Column({ type: 'varchar', length: 32 })
  edition: string;

  @Column({ type: 'varchar', length: 16 })
  volume: string;

  @Column({ type: 'varchar', length: 120 })
  unit: string;

  @Column({ type: 'smallint', name: 'lesson_period' })
  lessonPeriod: number;

  @Column({ type: 'bigint', name: 'head_seq', default: 0, transformer: planSeqTransformer })
  headSeq: number;

  @Column({ type: 'uuid', name: 'created_by_id' })
  createdById: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by_id' })
  createdBy?: Relation<User>;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
