import { RTT_REPORT_REFRESH_MS, rttWorthReporting } from './lesson-presence.service.js';

describe('round-trip times told to the host', () => {
  const t0 = 1_700_000_000_000;

  it('are told when first measured', () => {
    expect(rttWorthReporting(3, null, t0)).toBe(true);
  });

  it('are not told again for jitter of a few ms, or of under a quarter on a slow line', () => {
    expect(rttWorthReporting(12, { rttMs: 3, at: t0 }, t0 + 5_000)).toBe(false);
    expect(rttWorthReporting(340, { rttMs: 300, at: t0 }, t0 + 5_000)).toBe(false);
  });

  it('are told when the line got clearly worse or better', () => {
    expect(rttWorthReporting(180, { rttMs: 40, at: t0 }, t0 + 5_000)).toBe(true);
    expect(rttWorthReporting(90, { rttMs: 300, at: t0 }, t0 + 5_000)).toBe(true);
  });

  it('are told again after a while even when steady, so the host never sees a stale figure for long', () => {
    expect(rttWorthReporting(41, { rttMs: 40, at: t0 }, t0 + RTT_REPORT_REFRESH_MS - 1)).toBe(false);
    expect(rttWorthReporting(41, { rttMs: 40, at: t0 }, t0 + RTT_REPORT_REFRESH_MS)).toBe(true);
  });
});
