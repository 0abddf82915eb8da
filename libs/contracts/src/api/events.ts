/**
 * Typed domain events: cross-domain side effects (search indexing, analytics) listen to these
 * instead of being called by the domain that caused them. Add a domain's events here.
 */
export interface DomainActor {
  userId: string;
  schoolId: string | null;
  regionId: string | null;
}

export interface DomainEventMap {
  'pairing.created': { pairingId: string; regionId: string; actor: DomainActor };
  'pairing.activated': { pairingId: string; regionId: string; actor: DomainActor };
  'pairing.ended': { pairingId: string; regionId: string; actor: DomainActor };
  'user.joined': { userId: string; schoolId: string | null; regionId: string | null; role: string };
}

export type DomainEventName = keyof DomainEventMap;
