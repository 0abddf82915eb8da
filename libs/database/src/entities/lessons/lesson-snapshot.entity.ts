import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { bigintAsNumber } from './bigint.transformer.js';
import { JointLesson } from './joint-lesson.entity.js';

/** The folded state at `seq`, written every N events so a restart or a far-behind resync reads little. */
@Entity('lesson_snapshots')
export class LessonSnapshot {
  @PrimaryColumn({ type: 'uuid', name: 'lesson_id' })
  lessonId: string;

  @ManyToOne(() => JointLesson, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'lesson_id' })
  lesson?: Relation<JointLesson>;

  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber })
  seq: number;

  @Column({ type: 'jsonb' })
  state: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
