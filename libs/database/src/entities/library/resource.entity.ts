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
import { Region } from '../region.entity.js';
import { School } from '../school.entity.js';
import { User } from '../user.entity.js';
import { ResourceVersion } from './resource-version.entity.js';

export const RESOURCE_VISIBILITY_VALUES = ['private', 'school', 'district', 'public'] as const;
export type ResourceVisibilityValue = (typeof RESOURCE_VISIBILITY_VALUES)[number];
export const RESOURCE_STATUS_VALUES = ['draft', 'pending_review', 'published', 'withdrawn'] as const;
export type ResourceStatusValue = (typeof RESOURCE_STATUS_VALUES)[number];
export const REVIEW_STAGE_VALUES = ['school', 'district'] as const;
export type ReviewStageValue = (typeof REVIEW_STAGE_VALUES)[number];

/**
 * One teaching resource of the library (资源). Metadata codes come from the curriculum taxonomy;
 * `region_id` is denormalised from the school for scoping queries. Soft-deleted by `deleted_at`.
 * While a request to publish more widely is open, `requested_visibility` and `review_stage` say
 * what is asked and whose queue it is in; `visibility` stays what is in effect.
 */
@Entity('resources')
@Index(['regionId', 'status', 'visibility'])
@Index(['schoolId', 'status'])
@Index(['authorId', 'createdAt'])
@Index(['reviewStage', 'schoolId'])
export class Resource {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'varchar', length: 32 })
  subject: string;

  @Column({ type: 'varchar', length: 16 })
  stage: string;

  @Column({ type: 'varchar', length: 16 })
  grade: string;

  @Column({ type: 'varchar', length: 32 })
  edition: string;

  @Column({ type: 'varchar', length: 16 })
  volume: string;

  @Column({ type: 'varchar', length: 120, default: '' })
  unit: string;

  @Column({ type: 'smallint', name: 'lesson_period', nullable: true })
  lessonPeriod: number | null;

  @Column({ type: 'varchar', length: 32, name: 'resource_type' })
  resourceType: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  tags: string[];

  @Column({ type: 'varchar', length: 32 })
  license: string;

  @Column({ type: 'uuid', name: 'author_id' })
  authorId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id' })
  author?: Relation<User>;

  @Column({ type: 'uuid', name: 'school_id' })
  schoolId: string;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id' })
  school?: Relation<School>;

  @Column({ type: 'uuid', name: 'region_id' })
  regionId: string;

  @ManyToOne(() => Region, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'region_id' })
  region?: Relation<Region>;

  @Column({
    type: 'enum',
    enum: RESOURCE_VISIBILITY_VALUES,
    enumName: 'resource_visibility',
    default: 'school',
  })
  visibility: ResourceVisibilityValue;

  @Column({ type: 'enum', enum: RESOURCE_STATUS_VALUES, enumName: 'resource_status', default: 'draft' })
  status: ResourceStatusValue;

  @Column({
    type: 'enum',
    enum: RESOURCE_VISIBILITY_VALUES,
    enumName: 'resource_visibility',
    name: 'requested_visibility',
    nullable: true,
  })
  requestedVisibility: ResourceVisibilityValue | null;

  @Column({
    type: 'enum',
    enum: REVIEW_STAGE_VALUES,
    enumName: 'resource_review_stage',
    name: 'review_stage',
    nullable: true,
  })
  reviewStage: ReviewStageValue | null;

  @Column({ type: 'varchar', length: 500, name: 'last_rejection', nullable: true })
  lastRejection: string | null;

  /** The resource this one was remixed from (credited). */
  @Column({ type: 'uuid', name: 'source_resource_id', nullable: true })
  @Index()
  sourceResourceId: string | null;

  @ManyToOne(() => Resource, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'source_resource_id' })
  source?: Relation<Resource>;

  @Column({ type: 'uuid', name: 'current_version_id', nullable: true })
  currentVersionId: string | null;

  @ManyToOne(() => ResourceVersion, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'current_version_id' })
  currentVersion?: Relation<ResourceVersion>;

  @Column({ type: 'integer', default: 0 })
  views: number;

  @Column({ type: 'integer', default: 0 })
  downloads: number;

  @Column({ type: 'integer', name: 'rating_sum', default: 0 })
  ratingSum: number;

  @Column({ type: 'integer', name: 'rating_count', default: 0 })
  ratingCount: number;

  @Column({ type: 'timestamptz', name: 'published_at', nullable: true })
  publishedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;

  @Column({ type: 'timestamptz', name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}
