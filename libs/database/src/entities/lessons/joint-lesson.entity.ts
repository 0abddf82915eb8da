import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { Pairing } from '../pairing.entity.js';
import { User } from '../user.entity.js';
import { bigintAsNumber } from './bigint.transformer.js';
import { LessonClassroom } from './lesson-classroom.entity.js';
import { LessonParticipant } from './lesson-participant.entity.js';
import { LessonSeries } from './lesson-series.entity.js';

export const JOINT_LESSON_STATUSES = ['scheduled', 'live', 'ended', 'cancelled'] as const;
export type JointLessonStatus = (typeof JOINT_LESSON_STATUSES)[number];

export interface LessonAttachmentRef {
  kind: 'resource' | 'pack';
  id: string;
  title: string;
}

/**
 * One live joint lesson (专递课堂): an urban master teacher hosting rural classrooms. `last_seq`
 * is the head of the lesson's event log; appending increments it in the same statement, which
 * serialises appends per lesson across classroom-service instances.
 */
@Entity('joint_lessons')
@Index(['regionId', 'startsAt'])
@Index(['hostId', 'startsAt'])
@Index(['seriesId', 'originalStartsAt'], { unique: true, where: 'series_id IS NOT NULL' })
export class JointLesson {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'pairing_id' })
  @Index()
  pairingId: string;

  @ManyToOne(() => Pairing, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'pairing_id' })
  pairing?: Relation<Pairing>;

  @Column({ type: 'uuid', name: 'series_id', nullable: true })
  seriesId: string | null;

  @ManyToOne(() => LessonSeries, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'series_id' })
  series?: Relation<LessonSeries>;

  /** Denormalised from the pairing for scoping queries. */
  @Column({ type: 'uuid', name: 'region_id' })
  regionId: string;

  @Column({ type: 'uuid', name: 'urban_school_id' })
  urbanSchoolId: string;

  @Column({ type: 'uuid', name: 'host_id' })
  hostId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'host_id' })
  host?: Relation<User>;

  @Column({ type: 'varchar', length: 120 })
  title: string;

  @Column({ type: 'varchar', length: 32 })
  subject: string;

  @Column({ type: 'enum', enum: JOINT_LESSON_STATUSES, enumName: 'lesson_status', default: 'scheduled' })
  status: JointLessonStatus;

  @Column({ type: 'timestamptz', name: 'starts_at' })
  startsAt: Date;

  @Column({ type: 'timestamptz', name: 'ends_at' })
  endsAt: Date;

  /** For series occurrences: the slot the weekly rule gave it (kept when the occurrence is moved). */
  @Column({ type: 'timestamptz', name: 'original_starts_at', nullable: true })
  originalStartsAt: Date | null;

  /** A series occurrence that was moved or cancelled on its own. */
  @Column({ type: 'boolean', name: 'is_exception', default: false })
  isException: boolean;

  /** References into the library (resources, lesson packs); validated in shape only for now. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  attachments: LessonAttachmentRef[];

  @Column({ type: 'bigint', name: 'last_seq', default: 0, transformer: bigintAsNumber })
  lastSeq: number;

  @Column({ type: 'timestamptz', name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'ended_at', nullable: true })
  endedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'cancelled_at', nullable: true })
  cancelledAt: Date | null;

  @Column({ type: 'varchar', length: 200, name: 'cancel_reason', nullable: true })
  cancelReason: string | null;

  @Column({ type: 'uuid', name: 'created_by_id' })
  createdById: string;

  @OneToMany(() => LessonClassroom, (c) => c.lesson)
  classrooms?: Relation<LessonClassroom[]>;

  @OneToMany(() => LessonParticipant, (p) => p.lesson)
  participants?: Relation<LessonParticipant[]>;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
