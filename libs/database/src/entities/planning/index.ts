/** Entities owned by the planning domain. Add each new entity class to PLANNING_ENTITIES. */
export const PLANNING_ENTITIES: (new () => object)[] = [];
