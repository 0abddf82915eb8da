import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { libraryBigint } from './library-bigint.transformer.js';

export const UPLOAD_SESSION_STATUS_VALUES = [
  'receiving',
  'processing',
  'completed',
  'failed',
  'aborted',
] as const;
export type UploadSessionStatusValue = (typeof UPLOAD_SESSION_STATUS_VALUES)[number];

/**
 * A resumable (tus) upload: binds the upload id to its creator and target resource version, and
 * records how it ended. The bytes are staged on local disk until the upload completes.
 */
@Entity('upload_sessions')
@Index(['userId', 'createdAt'])
@Index(['status', 'updatedAt'])
export class UploadSession {
  /** The tus upload id (random, 32 hex digits). */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'uuid', name: 'user_id' })
  userId: string;

  @Column({ type: 'uuid', name: 'resource_id' })
  resourceId: string;

  @Column({ type: 'uuid', name: 'version_id' })
  versionId: string;

  @Column({ type: 'varchar', length: 255, name: 'file_name' })
  fileName: string;

  @Column({ type: 'bigint', name: 'declared_size', nullable: true, transformer: libraryBigint })
  declaredSize: number | null;

  @Column({
    type: 'enum',
    enum: UPLOAD_SESSION_STATUS_VALUES,
    enumName: 'upload_session_status',
    default: 'receiving',
  })
  status: UploadSessionStatusValue;

  @Column({ type: 'uuid', name: 'file_id', nullable: true })
  fileId: string | null;

  @Column({ type: 'varchar', length: 64, name: 'error_code', nullable: true })
  errorCode: string | null;

  @Column({ type: 'varchar', length: 500, name: 'error_message', nullable: true })
  errorMessage: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt: Date;
}
