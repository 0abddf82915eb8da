import { EquityClassroomMonth } from './equity-classroom-month.entity.js';
import { EquityPairingMonth } from './equity-pairing-month.entity.js';
import { EquityResourceQuality } from './equity-resource-quality.entity.js';
import { EquitySchoolMonth } from './equity-school-month.entity.js';
import { EquitySchoolResourceMonth } from './equity-school-resource-month.entity.js';
import { UsageEvent } from './usage-event.entity.js';

export * from './usage-event.entity.js';
export * from './equity-school-month.entity.js';
export * from './equity-pairing-month.entity.js';
export * from './equity-classroom-month.entity.js';
export * from './equity-school-resource-month.entity.js';
export * from './equity-resource-quality.entity.js';

/** Entities owned by the equity domain. Add each new entity class to EQUITY_ENTITIES. */
export const EQUITY_ENTITIES: (new () => object)[] = [
  UsageEvent,
  EquitySchoolMonth,
  EquityPairingMonth,
  EquityClassroomMonth,
  EquitySchoolResourceMonth,
  EquityResourceQuality,
];
