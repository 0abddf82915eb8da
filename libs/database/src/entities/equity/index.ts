/** Entities owned by the equity domain. Add each new entity class to EQUITY_ENTITIES. */
export const EQUITY_ENTITIES: (new () => object)[] = [];
