import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { Classroom } from '../classroom.entity.js';
import { School } from '../school.entity.js';
import { JointLesson } from './joint-lesson.entity.js';

/** A rural classroom taking part in a joint lesson. */
@Entity('lesson_classrooms')
export class LessonClassroom {
  @PrimaryColumn({ type: 'uuid', name: 'lesson_id' })
  lessonId: string;

  @ManyToOne(() => JointLesson, (l) => l.classrooms, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'lesson_id' })
  lesson?: Relation<JointLesson>;

  @PrimaryColumn({ type: 'uuid', name: 'classroom_id' })
  @Index()
  classroomId: string;

  @ManyToOne(() => Classroom, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'classroom_id' })
  classroom?: Relation<Classroom>;

  @Column({ type: 'uuid', name: 'school_id' })
  @Index()
  schoolId: string;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id' })
  school?: Relation<School>;
}
