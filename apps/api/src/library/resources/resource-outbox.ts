import { ResourceOutbox, type ResourceOutboxOp } from '@tongke/database';
import type { EntityManager } from 'typeorm';

/**
 * Records that a resource changed, for the search indexer. Always called with the manager of the
 * transaction that made the change, so the index can never miss one.
 */
export async function enqueueResourceChange(
  m: EntityManager,
  resourceId: string,
  op: ResourceOutboxOp = 'upsert',
): Promise<void> {
  await m.getRepository(ResourceOutbox).insert({ resourceId, op });
}
