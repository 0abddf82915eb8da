import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { School } from './school.entity.js';
import { User } from './user.entity.js';

/** A single-use, expiring code a school admin hands a new teacher. Only the code's hash is kept. */
@Entity('invites')
export class Invite {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'school_id' })
  schoolId: string;

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
