import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Pairing } from '../pairing.entity.js';
import { User } from '../user.entity.js';

/**
 * 同步课表: a weekly rule (weekday, local start time, duration, date range, zone) whose
 * occurrences are materialised as joint_lessons rows, so each occurrence has its own state and
 * an exception is just a cancelled or moved occurrence.
 */
@Entity('lesson_series')
export class LessonSeries {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'pairing_id' })
  @Index()
  pairingId: string;

  @ManyToOne(() => Pairing, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'pairing_id' })
  pairing?: Relation<Pairing>;

  @Column({ type: 'uuid', name: 'region_id' })
  regionId: string;

  @Column({ type: 'uuid', name: 'host_id' })
  hostId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'host_id' })
  host?: Relation<User>;

  @Column({ type: 'varchar', length: 120 })
  title: string;

  @Column({ type: 'varchar', length: 32 })
  subject: string;

  /** ISO weekday, 1 = Monday. */
  @Column({ type: 'smallint' })
  weekday: number;

  /** Local wall-clock HH:MM in `timezone`. */
  @Column({ type: 'varchar', length: 5, name: 'start_time' })
  startTime: string;

  @Column({ type: 'integer', name: 'duration_minutes' })
  durationMinutes: number;

  @Column({ type: 'date', name: 'from_date' })
  fromDate: string;

  @Column({ type: 'date', name: 'until_date' })
  untilDate: string;

  @Column({ type: 'varchar', length: 64 })
  timezone: string;

  @Column({ type: 'uuid', name: 'created_by_id' })
  createdById: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
