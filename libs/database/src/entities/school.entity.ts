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
import { Region } from './region.entity.js';

export const SCHOOL_LOCALES = ['urban', 'town', 'rural'] as const;
export type SchoolLocale = (typeof SCHOOL_LOCALES)[number];
export const STAGES = ['primary', 'junior', 'senior'] as const;
export type Stage = (typeof STAGES)[number];

@Entity('schools')
@Index(['regionId', 'name'], { unique: true })
export class School {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'region_id' })
  regionId: string;

  @ManyToOne(() => Region, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'region_id' })
  region?: Relation<Region>;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  @Column({ type: 'enum', enum: SCHOOL_LOCALES, enumName: 'school_locale' })
  locale: SchoolLocale;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  stages: Stage[];

  @Column({ type: 'integer', default: 0 })
  enrolment: number;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
