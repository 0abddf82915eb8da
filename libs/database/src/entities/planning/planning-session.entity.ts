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
import { ResearchGroup } from './research-group.entity.js';

/** 集体备课: a scheduled meeting of a group on one of its plans, with agenda and minutes. */
@Entity('planning_sessions')
@Index(['groupId', 'scheduledAt'])
export class PlanningSession {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'group_id' })
  groupId: string;

  @ManyToOne(() => ResearchGroup, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group?: Relation<ResearchGroup>;

  @Column({ type: 'uuid', name: 'plan_id' })
  @Index()
  planId: string;

  @ManyToOne(() => LessonPlan, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<LessonPlan>;

  @Column({ type: 'varchar', length: 120 })
  title: string;

  @Column({ type: 'timestamptz', name: 'scheduled_at' })
  scheduledAt: Date;

  @Column({ type: 'integer', name: 'duration_minutes' })
  durationMinutes: number;

  @Column({ type: 'text' })
  agenda: string;

  @Column({ type: 'text', nullable: true })
  minutes: string | null;

  /** The joint lesson this preparation is for (no foreign key yet: the lessons domain is built alongside). */
  @Column({ type: 'uuid', name: 'joint_lesson_id', nullable: true })
  jointLessonId: string | null;

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
