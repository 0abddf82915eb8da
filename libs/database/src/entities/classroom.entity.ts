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
import { School } from './school.entity.js';

export const CLASSROOM_KINDS = ['room', 'class'] as const;
export type ClassroomKind = (typeof CLASSROOM_KINDS)[number];

/** A teaching room or class that joins joint lessons as one endpoint (one screen, one camera). */
@Entity('classrooms')
@Index(['schoolId', 'name'], { unique: true })
export class Classroom {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'school_id' })
  schoolId: string;

  @ManyToOne(() => School, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'school_id' })
  school?: Relation<School>;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  @Column({ type: 'enum', enum: CLASSROOM_KINDS, enumName: 'classroom_kind', default: 'class' })
  kind: ClassroomKind;

  @Column({ type: 'varchar', length: 16, nullable: true })
  grade: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
