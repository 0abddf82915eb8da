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
import { User } from '../user.entity.js';
import { Resource } from './resource.entity.js';

/** The review history of a resource: submissions, approvals, rejections (with reason), withdrawals. */
@Entity('review_events')
@Index(['resourceId', 'createdAt'])
export class ReviewEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'resource_id' })
  resourceId: string;

  @ManyToOne(() => Resource, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'resource_id' })
  resource?: Relation<Resource>;

  @Column({ type: 'uuid', name: 'actor_id' })
  actorId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'actor_id' })
  actor?: Relation<User>;

  /** submitted | published | escalated | approved | rejected | withdrawn | revised */
  @Column({ type: 'varchar', length: 16 })
  action: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  visibility: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  stage: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
