export interface WeightedStats {
  /** Schools (values) that took part: those with a value and a positive weight. */
  n: number;
  mean: number | null;
  /** Population standard deviation, weighted. */
  sd: number | null;
  /** sd ÷ mean; null when the mean is 0 or nothing took part. */
  cv: number | null;
}

/**
 * Enrolment-weighted mean, standard deviation and coefficient of variation (校际差异系数):
 * mean = Σwᵢxᵢ / Σwᵢ, sd = √(Σwᵢ(xᵢ − mean)² / Σwᵢ), cv = sd / mean. Values that are null or
 * have no positive weight are left out.
 */
export function weightedStats(items: { value: number | null; weight: number }[]): WeightedStats {
  const used = items.filter(
    (i): i is { value: number; weight: number } =>
      i.value !== null && Number.isFinite(i.value) && i.weight > 0,
  );
  const total = used.reduce((s, i) => s + i.weight, 0);
  if (used.length === 0 || total <= 0) return { n: 0, mean: null, sd: null, cv: null };
  const mean = used.reduce((s, i) => s + i.weight * i.value, 0) / total;
  const variance = used.reduce((s, i) => s + i.weight * (i.value - mean) ** 2, 0) / total;
  const sd = Math.sqrt(variance);
  return { n: used.length, mean, sd, cv: mean > 0 ? sd / mean : null };
}
