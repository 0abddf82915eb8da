import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One usage event (who, which school, when, on what). Append-only and deliberately without
 * foreign keys: it is a log that the equity aggregates are rebuilt from, written in batches off
 * the request path, and it must not block deleting what it mentions.
 */
@Entity('usage_events')
@Index(['regionId', 'occurredAt'])
@Index(['userId', 'occurredAt'])
export class UsageEvent {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  /** See USAGE_KINDS in @tongke/analytics. */
  @Column({ type: 'varchar', length: 32 })
  kind: string;

  @Column({ type: 'timestamptz', name: 'occurred_at' })
  occurredAt: Date;

  @Column({ type: 'uuid', name: 'user_id', nullable: true })
  userId: string | null;

  @Column({ type: 'uuid', name: 'school_id', nullable: true })
  schoolId: string | null;

  @Column({ type: 'uuid', name: 'region_id', nullable: true })
  regionId: string | null;

  @Column({ type: 'uuid', name: 'resource_id', nullable: true })
  resourceId: string | null;

  @Column({ type: 'uuid', name: 'lesson_id', nullable: true })
  lessonId: string | null;

  @Column({ type: 'uuid', name: 'classroom_id', nullable: true })
  classroomId: string | null;

  @Column({ type: 'uuid', name: 'plan_id', nullable: true })
  planId: string | null;

  @Column({ type: 'uuid', name: 'pairing_id', nullable: true })
  pairingId: string | null;

  /** Lesson minutes (held) or connected minutes (attendance). Exact decimals so sums agree in any order. */
  @Column({ type: 'numeric', precision: 12, scale: 2, nullable: true })
  minutes: string | null;

  /** Attendance: the lesson's own minutes (the denominator of the attendance rate). */
  @Column({ type: 'numeric', precision: 14, scale: 2, nullable: true })
  quantity: string | null;
}
