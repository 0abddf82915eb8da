import {
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { User } from '../user.entity.js';
import { PlanningSession } from './planning-session.entity.js';

/** A participant's check-in at a collective preparation session (participation for the equity dashboard). */
@Entity('planning_session_attendees')
export class PlanningSessionAttendee {
  @PrimaryColumn({ type: 'uuid', name: 'session_id' })
  sessionId: string;

  @ManyToOne(() => PlanningSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: Relation<PlanningSession>;

  @PrimaryColumn({ type: 'uuid', name: 'user_id' })
  @Index()
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @CreateDateColumn({ type: 'timestamptz', name: 'attended_at' })
  attendedAt: Date;
}
