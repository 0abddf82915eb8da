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
import { libraryBigint } from './library-bigint.transformer.js';
import { ResourceVersion } from './resource-version.entity.js';
import { Resource } from './resource.entity.js';

export const EXTRACTION_STATUS_VALUES = ['pending', 'running', 'done', 'failed', 'skipped'] as const;
export type ExtractionStatusValue = (typeof EXTRACTION_STATUS_VALUES)[number];

/**
 * A file of a resource version. The bytes live in the object store under a content-addressed key
 * (`sha256/<aa>/<sha256>`), so identical content is stored once and shared by every row that has
 * it; the row keeps the per-upload facts (sanitised original name, who, when) and the text
 * extracted in the background. `purged_at` is set when the garbage collector removed the object
 * of a soft-deleted resource's file (no live row ever points at a missing object).
 */
@Entity('resource_files')
@Index(['versionId', 'position'])
@Index(['extractionStatus', 'createdAt'])
export class ResourceFile {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', name: 'version_id' })
  versionId: string;

  @ManyToOne(() => ResourceVersion, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'version_id' })
  version?: Relation<ResourceVersion>;

  /** Denormalised from the version. */
  @Column({ type: 'uuid', name: 'resource_id' })
  @Index()
  resourceId: string;

  @ManyToOne(() => Resource, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'resource_id' })
  resource?: Relation<Resource>;

  @Column({ type: 'smallint', default: 0 })
  position: number;

  @Column({ type: 'varchar', length: 200, name: 'object_key' })
  @Index()
  objectKey: string;

  @Column({ type: 'char', length: 64 })
  @Index()
  sha256: string;

  @Column({ type: 'bigint', transformer: libraryBigint })
  size: number;

  @Column({ type: 'varchar', length: 8 })
  kind: string;

  @Column({ type: 'varchar', length: 128 })
  mime: string;

  @Column({ type: 'varchar', length: 255, name: 'original_name' })
  originalName: string;

  @Column({ type: 'uuid', name: 'created_by_id' })
  createdById: string;

  @Column({
    type: 'enum',
    enum: EXTRACTION_STATUS_VALUES,
    enumName: 'resource_extraction_status',
    name: 'extraction_status',
    default: 'pending',
  })
  extractionStatus: ExtractionStatusValue;

  @Column({ type: 'smallint', name: 'extraction_attempts', default: 0 })
  extractionAttempts: number;

  @Column({ type: 'varchar', length: 500, name: 'extraction_error', nullable: true })
  extractionError: string | null;

  /** Capped (LIBRARY_LIMITS.extractedTextMaxChars). */
  @Column({ type: 'text', name: 'extracted_text', nullable: true, select: false })
  extractedText: string | null;

  @Column({ type: 'jsonb', nullable: true })
  outline: string[] | null;

  @Column({ type: 'boolean', name: 'text_truncated', default: false })
  textTruncated: boolean;

  @Column({ type: 'timestamptz', name: 'extracted_at', nullable: true })
  extractedAt: Date | null;

  /** LibreOffice rendering of an office file (a PDF object), when one was made. */
  @Column({ type: 'varchar', length: 200, name: 'rendition_key', nullable: true })
  renditionKey: string | null;

  @Column({ type: 'timestamptz', name: 'purged_at', nullable: true })
  purgedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
