import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  type Relation,
} from 'typeorm';
import { Classroom } from './classroom.entity.js';
import { Region } from './region.entity.js';
import { School } from './school.entity.js';
import { User } from './user.entity.js';

export const PAIRING_STATUSES = ['proposed', 'active', 'ended'] as const;
export type PairingStatus = (typeof PAIRING_STATUSES)[number];

/** 结对: an urban school paired with rural/town schools for a term and subjects. */
@Entity('pairings')
export class Pairing {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'region_id' })
  @Index()
  regionId: string;

  @ManyToOne(() => Region, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'region_id' })
  region?: Relation<Region>;

  @Column({ type: 'uuid', name: 'urban_school_id' })
  @Index()
  urbanSchoolId: string;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'urban_school_id' })
  urbanSchool?: Relation<School>;

  @Column({ type: 'uuid', name: 'master_teacher_id' })
  masterTeacherId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'master_teacher_id' })
  masterTeacher?: Relation<User>;

  /** e.g. 2026-2027-1 (school year, term 1 or 2). */
  @Column({ type: 'varchar', length: 11 })
  term: string;

  @Column({ type: 'text', array: true })
  subjects: string[];

  @Column({ type: 'enum', enum: PAIRING_STATUSES, enumName: 'pairing_status', default: 'proposed' })
  status: PairingStatus;

  @ManyToMany(() => School)
  @JoinTable({
    name: 'pairing_partner_schools',
    joinColumn: { name: 'pairing_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'school_id', referencedColumnName: 'id' },
  })
  partnerSchools?: Relation<School[]>;

  @ManyToMany(() => Classroom)
  @JoinTable({
    name: 'pairing_classrooms',
    joinColumn: { name: 'pairing_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'classroom_id', referencedColumnName: 'id' },
  })
  classrooms?: Relation<Classroom[]>;

  @Column({ type: 'uuid', name: 'created_by_id' })
  createdById: string;

  @Column({ type: 'timestamptz', name: 'activated_at', nullable: true })
  activatedAt: Date | null;

  @Column({ type: 'timestamptz', name: 'ended_at', nullable: true })
  endedAt: Date | null;

  @Column({ type: 'varchar', length: 200, name: 'end_reason', nullable: true })
  endReason: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
