import type { ValueTransformer } from 'typeorm';

/** PostgreSQL bigint arrives as a string; file sizes and outbox ids stay far below 2^53. */
export const libraryBigint: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null ? null : Number(v)),
};
