import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { Region } from './region.entity.js';
import { School } from './school.entity.js';
import { User, USER_ROLES, type UserRole } from './user.entity.js';

/**
 * A single-use, expiring code that creates an account: school admins invite teachers, district
 * admins invite school admins, platform admins invite district admins. Only the code's hash is kept.
 */
@Entity('invites')
export class Invite {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'enum', enum: USER_ROLES, enumName: 'user_role', default: 'teacher' })
  role: UserRole;

  @Column({ type: 'uuid', name: 'region_id' })
  regionId: string;

  @ManyToOne(() => Region, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'region_id' })
  region?: Relation<Region>;

  /** Null only for district-admin invites. */
  @Column({ type: 'uuid', name: 'school_id', nullable: true })
  schoolId: string | null;

  @ManyToOne(() => School, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'school_id' })
  school?: Relation<School>;

  @Column({ type: 'char', length: 64, name: 'code_hash', unique: true })
  codeHash: string;

  @Column({ type: 'boolean', name: 'is_master_teacher', default: false })
  isMasterTeacher: boolean;

  @Column({ type: 'varchar', length: 80, nullable: true })
  note: string | null;

  @Column({ type: 'uuid', name: 'created_by_id' })
  createdById: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'created_by_id' })
  createdBy?: Relation<User>;

  @Column({ type: 'timestamptz', name: 'expires_at' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', name: 'used_at', nullable: true })
  usedAt: Date | null;

  @Column({ type: 'uuid', name: 'used_by_id', nullable: true })
  usedById: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
