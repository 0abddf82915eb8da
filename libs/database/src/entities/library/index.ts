/** Entities owned by the library domain. Add each new entity class to LIBRARY_ENTITIES. */
export const LIBRARY_ENTITIES: (new () => object)[] = [];
