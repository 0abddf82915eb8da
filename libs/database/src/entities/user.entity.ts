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
import { Region } from './region.entity.js';
import { School } from './school.entity.js';

export const USER_ROLES = ['platform_admin', 'district_admin', 'school_admin', 'teacher'] as const;
export type UserRole = (typeof USER_ROLES)[number];

@Entity('users')
@Index('uq_users_email', ['email'], { unique: true, where: 'email IS NOT NULL' })
@Index('uq_users_phone', ['phone'], { unique: true, where: 'phone IS NOT NULL' })
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored lower-cased. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  /** Stored as digits only (mainland mobile numbers, 11 digits). */
  @Column({ type: 'varchar', length: 20, nullable: true })
  phone: string | null;

  @Column({ type: 'varchar', length: 80, name: 'display_name' })
  displayName: string;

  @Column({ type: 'varchar', length: 255, name: 'password_hash', select: false })
  passwordHash: string;

  @Column({ type: 'enum', enum: USER_ROLES, enumName: 'user_role' })
  role: UserRole;

  /** Set for district admins (their region) and, derived from the school, for everyone else. */
  @Column({ type: 'uuid', name: 'region_id', nullable: true })
  regionId: string | null;

  @ManyToOne(() => Region, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'region_id' })
  region?: Relation<Region>;

  @Column({ type: 'uuid', name: 'school_id', nullable: true })
  schoolId: string | null;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id' })
  school?: Relation<School>;

  @Column({ type: 'boolean', name: 'is_master_teacher', default: false })
  isMasterTeacher: boolean;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  subjects: string[];

  @Column({ type: 'timestamptz', name: 'disabled_at', nullable: true })
  disabledAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
