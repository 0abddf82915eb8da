import type { ValueTransformer } from 'typeorm';

/** PostgreSQL bigint arrives as a string; sequence numbers stay far below 2^53. */
export const bigintAsNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null ? null : Number(v)),
};
