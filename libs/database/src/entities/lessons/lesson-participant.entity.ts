import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../user.entity.js';
import { JointLesson } from './joint-lesson.entity.js';

export const LESSON_PARTICIPANT_ROLES = ['co_teacher', 'observer'] as const;
export type LessonParticipantRole = (typeof LESSON_PARTICIPANT_ROLES)[number];

/** Listed people besides the host: co-teachers (per classroom) and observers. */
@Entity('lesson_participants')
export class LessonParticipant {
  @PrimaryColumn({ type: 'uuid', name: 'lesson_id' })
  lessonId: string;

  @ManyToOne(() => JointLesson, (l) => l.participants, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'lesson_id' })
  lesson?: Relation<JointLesson>;

  @PrimaryColumn({ type: 'uuid', name: 'user_id' })
  @Index()
  userId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Column({ type: 'enum', enum: LESSON_PARTICIPANT_ROLES, enumName: 'lesson_participant_role' })
  role: LessonParticipantRole;

  /** The classroom a co-teacher acts for; null for observers. */
  @Column({ type: 'uuid', name: 'classroom_id', nullable: true })
  classroomId: string | null;
}
