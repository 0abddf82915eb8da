import { weightedStats } from './weighted-stats.js';

describe('weightedStats (enrolment-weighted coefficient of variation)', () => {
  it('weights each school by its enrolment', () => {
    // values 2, 4, 10 with enrolments 100, 300, 100:
    // mean = (200 + 1200 + 1000) / 500 = 4.8
    // variance = (100·7.84 + 300·0.64 + 100·27.04) / 500 = (784 + 192 + 2704) / 500 = 7.36
    const s = weightedStats([
      { value: 2, weight: 100 },
      { value: 4, weight: 300 },
      { value: 10, weight: 100 },
    ]);
    expect(s.n).toBe(3);
    expect(s.mean).toBeCloseTo(4.8, 10);
    expect(s.sd).toBeCloseTo(Math.sqrt(7.36), 10);
    expect(s.cv).toBeCloseTo(Math.sqrt(7.36) / 4.8, 10);
  });

  it('is 0 when every school has the same value, whatever the enrolments', () => {
    const s = weightedStats([
      { value: 3, weight: 1800 },
      { value: 3, weight: 31 },
    ]);
    expect(s.cv).toBe(0);
  });

  it('leaves out schools without a value or without pupils', () => {
    const s = weightedStats([
      { value: 1, weight: 100 },
      { value: null, weight: 500 },
      { value: 100, weight: 0 },
      { value: 3, weight: 100 },
    ]);
    expect(s.n).toBe(2);
    expect(s.mean).toBe(2);
    expect(s.cv).toBeCloseTo(0.5, 10);
  });

  it('has no coefficient when the mean is 0 or nothing is measured', () => {
    expect(weightedStats([{ value: 0, weight: 10 }]).cv).toBeNull();
    expect(weightedStats([])).toEqual({ n: 0, mean: null, sd: null, cv: null });
  });
});
