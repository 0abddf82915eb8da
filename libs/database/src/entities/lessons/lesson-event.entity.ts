import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { bigintAsNumber } from './bigint.transformer.js';
import { JointLesson } from './joint-lesson.entity.js';

/**
 * The lesson's append-only event log: every state-changing event, numbered per lesson without
 * gaps. `client_msg_id` (prefixed with the sender's user id) makes a client's retry idempotent.
 */
@Entity('lesson_events')
@Index('uq_lesson_events_client_msg', ['lessonId', 'clientMsgId'], { unique: true })
export class LessonEvent {
  @PrimaryColumn({ type: 'uuid', name: 'lesson_id' })
  lessonId: string;

  @ManyToOne(() => JointLesson, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'lesson_id' })
  lesson?: Relation<JointLesson>;

  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber })
  seq: number;

  @Column({ type: 'varchar', length: 32 })
  type: string;

  @Column({ type: 'uuid', name: 'actor_id' })
  actorId: string;

  @Column({ type: 'varchar', length: 16, name: 'actor_role' })
  actorRole: string;

  @Column({ type: 'uuid', name: 'classroom_id', nullable: true })
  classroomId: string | null;

  @Column({ type: 'varchar', length: 120, name: 'client_msg_id', nullable: true })
  clientMsgId: string | null;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
