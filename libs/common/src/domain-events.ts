import { Global, Injectable, Logger, Module } from '@nestjs/common';
import type { DomainEventMap, DomainEventName } from '@tongke/contracts';

type Listener<K extends DomainEventName> = (payload: DomainEventMap[K]) => void | Promise<void>;

/**
 * In-process typed event bus. `publish` never throws and never waits for listeners, so a slow or
 * failing listener (analytics, indexing) cannot slow or break the request that caused the event.
 * Anything that must not be lost goes through an outbox table written in the same transaction
 * instead; these events are for derived data that can be rebuilt.
 */
@Injectable()
export class DomainEvents {
  private readonly logger = new Logger('DomainEvents');
  private readonly listeners = new Map<DomainEventName, Listener<DomainEventName>[]>();
  private pending = new Set<Promise<void>>();

  on<K extends DomainEventName>(name: K, listener: Listener<K>): () => void {
    const list = this.listeners.get(name) ?? [];
    list.push(listener as Listener<DomainEventName>);
    this.listeners.set(name, list);
    return () =>
      this.listeners.set(
        name,
        (this.listeners.get(name) ?? []).filter((l) => l !== listener),
      );
  }

  publish<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      const run = Promise.resolve()
        .then(() => listener(payload))
        .catch((err: unknown) => this.logger.error({ err, event: name }, 'domain event listener failed'))
        .finally(() => this.pending.delete(run));
      this.pending.add(run);
    }
  }

  /** Waits for listeners started so far (tests and graceful shutdown). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

@Global()
@Module({ providers: [DomainEvents], exports: [DomainEvents] })
export class DomainEventsModule {}
