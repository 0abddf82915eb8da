import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Monthly joint-lesson counters per pairing. */
@Entity('equity_pairing_months')
@Index(['regionId', 'month'])
export class EquityPairingMonth {
  @PrimaryColumn({ type: 'uuid', name: 'pairing_id' })
  pairingId: string;

  @PrimaryColumn({ type: 'date' })
  month: string;

  @Column({ type: 'uuid', name: 'region_id' })
  regionId: string;

  @Column({ type: 'integer', name: 'lessons_held', default: 0 })
  lessonsHeld: number;

  @Column({ type: 'numeric', name: 'minutes_held', default: 0 })
  minutesHeld: string;

  @Column({ type: 'integer', name: 'classroom_lessons', default: 0 })
  classroomLessons: number;

  @Column({ type: 'numeric', name: 'attended_minutes', default: 0 })
  attendedMinutes: string;

  @Column({ type: 'numeric', name: 'lesson_minutes', default: 0 })
  lessonMinutes: string;
}
