import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * `counters`: only counts changed (downloads, ratings). The index is updated like an upsert, but
 * the API keeps the search answers it has cached (their counts may then lag by the cache's few
 * seconds) instead of dropping them all on every download.
 */
export const RESOURCE_OUTBOX_OPS = ['upsert', 'delete', 'counters'] as const;
export type ResourceOutboxOp = (typeof RESOURCE_OUTBOX_OPS)[number];

/**
 * Tells the search indexer that a resource changed. Written in the same transaction as the change
 * (so the index can never miss one); drained by the search worker, which rebuilds the resource's
 * search document from the database.
 */
@Entity('resource_outbox')
@Index('idx_resource_outbox_pending', ['id'], { where: 'processed_at IS NULL' })
export class ResourceOutbox {
  /** bigserial; PostgreSQL bigint arrives as a string. */
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  @Column({ type: 'uuid', name: 'resource_id' })
  @Index()
  resourceId: string;

  @Column({ type: 'varchar', length: 8 })
  op: ResourceOutboxOp;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;

  @Column({ type: 'timestamptz', name: 'processed_at', nullable: true })
  processedAt: Date | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'text', name: 'last_error', nullable: true })
  lastError: string | null;
}
