import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Monthly attendance per classroom and pairing. */
@Entity('equity_classroom_months')
@Index(['pairingId', 'month'])
@Index(['schoolId', 'month'])
export class EquityClassroomMonth {
  @PrimaryColumn({ type: 'uuid', name: 'classroom_id' })
  classroomId: string;

  @PrimaryColumn({ type: 'uuid', name: 'pairing_id' })
  pairingId: string;

  @PrimaryColumn({ type: 'date' })
  month: string;

  @Column({ type: 'uuid', name: 'school_id' })
  schoolId: string;

  @Column({ type: 'integer', default: 0 })
  lessons: number;

  @Column({ type: 'numeric', name: 'attended_minutes', default: 0 })
  attendedMinutes: string;

  @Column({ type: 'numeric', name: 'lesson_minutes', default: 0 })
  lessonMinutes: string;
}
