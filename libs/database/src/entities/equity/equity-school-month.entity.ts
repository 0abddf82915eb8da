import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Monthly counters per school, maintained incrementally from usage events (and rebuildable from them). */
@Entity('equity_school_months')
@Index(['regionId', 'month'])
export class EquitySchoolMonth {
  @PrimaryColumn({ type: 'uuid', name: 'school_id' })
  schoolId: string;

  /** First day of the month (China Standard Time). */
  @PrimaryColumn({ type: 'date' })
  month: string;

  @Column({ type: 'uuid', name: 'region_id' })
  regionId: string;

  @Column({ type: 'integer', default: 0 })
  views: number;

  @Column({ type: 'integer', default: 0 })
  previews: number;

  @Column({ type: 'integer', default: 0 })
  downloads: number;

  @Column({ type: 'integer', default: 0 })
  uploads: number;

  @Column({ type: 'integer', default: 0 })
  approvals: number;

  @Column({ type: 'integer', name: 'plan_edits', default: 0 })
  planEdits: number;

  @Column({ type: 'integer', name: 'sessions_attended', default: 0 })
  sessionsAttended: number;

  /** Joint lessons hosted (urban side) that ended this month, and their minutes. */
  @Column({ type: 'integer', name: 'lessons_hosted', default: 0 })
  lessonsHosted: number;

  @Column({ type: 'numeric', name: 'minutes_hosted', default: 0 })
  minutesHosted: string;

  /** Classroom places in ended lessons (rural side), minutes connected, and those lessons' minutes. */
  @Column({ type: 'integer', name: 'classroom_lessons', default: 0 })
  classroomLessons: number;

  @Column({ type: 'numeric', name: 'attended_minutes', default: 0 })
  attendedMinutes: string;

  @Column({ type: 'numeric', name: 'lesson_minutes', default: 0 })
  lessonMinutes: string;

  /** Distinct resources used this month that are quality now (kept current by the quality refresh). */
  @Column({ type: 'integer', name: 'quality_resources', default: 0 })
  qualityResources: number;
}
