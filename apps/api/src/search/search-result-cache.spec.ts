import { jest } from '@jest/globals';
import { SearchResultCache } from './search-result-cache.js';

describe('SearchResultCache', () => {
  const settings = { size: 3, ttlMs: 5_000 };
  const newCache = (): SearchResultCache<string> =>
    new SearchResultCache(
      () => settings.size,
      () => settings.ttlMs,
      { now: () => Date.now() },
    );

  beforeEach(() => {
    settings.size = 3;
    settings.ttlMs = 5_000;
    jest.useFakeTimers({ now: new Date('2026-12-07T00:00:00Z') });
  });
  afterEach(() => jest.useRealTimers());

  it('answers from the cache until the answer is older than the TTL', () => {
    const cache = newCache();
    cache.set('q', 'answer');
    jest.advanceTimersByTime(5_000);
    expect(cache.get('q')).toBe('answer');
    jest.advanceTimersByTime(1);
    expect(cache.get('q')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps each answer for the TTL in effect when it was stored', () => {
    const cache = newCache();
    settings.ttlMs = 1_000;
    cache.set('q', 'answer');
    settings.ttlMs = 5_000;
    jest.advanceTimersByTime(1_001);
    expect(cache.get('q')).toBeUndefined();
  });

  it('keeps the most recently used answers up to its size', () => {
    const cache = newCache();
    cache.set('a', 'A');
    cache.set('b', 'B');
    cache.set('c', 'C');
    expect(cache.get('a')).toBe('A');
    cache.set('d', 'D');
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual(['A', 'C', 'D']);
    settings.size = 1;
    cache.set('e', 'E');
    expect(cache.size).toBe(1);
    expect(cache.get('e')).toBe('E');
  });

  it('forgets everything when the index changes', () => {
    const cache = newCache();
    cache.set('a', 'A');
    cache.clear();
    expect(cache.get('a')).toBeUndefined();
  });

  it('answers nothing from the cache when its size or TTL is 0', () => {
    const cache = newCache();
    cache.set('a', 'A');
    settings.size = 0;
    expect(cache.get('a')).toBeUndefined();
    cache.set('b', 'B');
    settings.size = 3;
    expect(cache.get('b')).toBeUndefined();
    settings.ttlMs = 0;
    cache.set('c', 'C');
    expect(cache.get('c')).toBeUndefined();
    settings.ttlMs = 5_000;
    expect(cache.get('c')).toBeUndefined();
  });
});
