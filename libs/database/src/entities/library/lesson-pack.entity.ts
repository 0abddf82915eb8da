import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { User } from '../user.entity.js';
import { RESOURCE_VISIBILITY_VALUES, type ResourceVisibilityValue } from './resource.entity.js';

/**
 * A lesson pack (课时资源包): an ordered set of resources a teacher puts together so a classroom
 * can fetch a whole lesson at once. It holds no content of its own, so it needs no review; each
 * viewer sees only the items they may see.
 */
@Entity('lesson_packs')
@Index(['ownerId', 'createdAt'])
@Index(['regionId', 'visibility'])
export class LessonPack {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 120 })
  title: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'uuid', name: 'owner_id' })
  ownerId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owner_id' })
  owner?: Relation<User>;

  /** The owner's school; null for a district admin's pack. */
  @Column({ type: 'uuid', name: 'school_id', nullable: true })
  schoolId: string | null;

  @Column({ type: 'uuid', name: 'region_id' })
  regionId: string;

  @Column({
    type: 'enum',
    enum: RESOURCE_VISIBILITY_VALUES,
    enumName: 'resource_visibility',
    default: 'private',
  })
  visibility: ResourceVisibilityValue;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;

  @Column({ type: 'timestamptz', name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}
