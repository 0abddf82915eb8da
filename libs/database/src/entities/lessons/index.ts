/** Entities owned by the lessons domain. Add each new entity class to LESSONS_ENTITIES. */
export const LESSONS_ENTITIES: (new () => object)[] = [];
