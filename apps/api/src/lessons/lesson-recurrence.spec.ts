import { parseLocalDate, weeklySlots, zonedTimeToUtc } from './lesson-recurrence.js';

describe('weekly lesson rule', () => {
  it('puts every Monday 08:00 in Shanghai at 00:00 UTC, 45 minutes long, through the last date', () => {
    const slots = weeklySlots({
      weekday: 1,
      startTime: '08:00',
      durationMinutes: 45,
      fromDate: '2026-08-30', // a Sunday
      untilDate: '2026-09-21', // a Monday: included
      timezone: 'Asia/Shanghai',
    });
    expect(slots.map((s) => s.startsAt.toISOString())).toEqual([
      '2026-08-31T00:00:00.000Z',
      '2026-09-07T00:00:00.000Z',
      '2026-09-14T00:00:00.000Z',
      '2026-09-21T00:00:00.000Z',
    ]);
    expect(slots[0].endsAt.toISOString()).toBe('2026-08-31T00:45:00.000Z');
  });

  it('starts on fromDate itself when it is the weekday, and is empty when the range holds no such day', () => {
    expect(
      weeklySlots({
        weekday: 3,
        startTime: '14:30',
        durationMinutes: 40,
        fromDate: '2026-09-02',
        untilDate: '2026-09-02',
      }),
    ).toHaveLength(1);
    expect(
      weeklySlots({
        weekday: 4,
        startTime: '14:30',
        durationMinutes: 40,
        fromDate: '2026-09-02',
        untilDate: '2026-09-02',
      }),
    ).toEqual([]);
  });

  it('follows the zone’s own clock for zones with daylight saving', () => {
    expect(zonedTimeToUtc('2026-07-01', '09:00', 'Europe/Berlin').toISOString()).toBe(
      '2026-07-01T07:00:00.000Z',
    );
    expect(zonedTimeToUtc('2026-12-01', '09:00', 'Europe/Berlin').toISOString()).toBe(
      '2026-12-01T08:00:00.000Z',
    );
  });

  it('refuses impossible dates', () => {
    expect(parseLocalDate('2026-02-30')).toBeNull();
    expect(parseLocalDate('2026-02-28')).not.toBeNull();
  });
});
