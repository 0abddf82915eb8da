import { noneMatch } from '../../common/http.js';
import { etagOf, ifRangeHolds, parseRange } from './http-range.js';

describe('HTTP ranges for resumable downloads', () => {
  it('reads the usual forms of one byte range', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual({ kind: 'range', start: 0, end: 99 });
    expect(parseRange('bytes=500-', 1000)).toEqual({ kind: 'range', start: 500, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ kind: 'range', start: 900, end: 999 });
    expect(parseRange('bytes=900-5000', 1000)).toEqual({ kind: 'range', start: 900, end: 999 });
    expect(parseRange('bytes=-5000', 1000)).toEqual({ kind: 'range', start: 0, end: 999 });
  });

  it('refuses ranges beyond the end, and sends the whole file for ones it does not understand', () => {
    expect(parseRange('bytes=1000-', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=2000-3000', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=5-1', 1000)).toEqual({ kind: 'none' });
    expect(parseRange('bytes=0-1,5-9', 1000)).toEqual({ kind: 'none' });
    expect(parseRange('items=0-1', 1000)).toEqual({ kind: 'none' });
    expect(parseRange(undefined, 1000)).toEqual({ kind: 'none' });
  });

  it('matches entity tags for 304 and If-Range', () => {
    const etag = etagOf('a'.repeat(64));
    expect(noneMatch(etag, etag)).toBe(true);
    expect(noneMatch(`"x", W/${etag}`, etag)).toBe(true);
    expect(noneMatch('*', etag)).toBe(true);
    expect(noneMatch('"other"', etag)).toBe(false);
    expect(ifRangeHolds(etag, etag)).toBe(true);
    expect(ifRangeHolds('"other"', etag)).toBe(false);
    expect(ifRangeHolds('Wed, 21 Oct 2015 07:28:00 GMT', etag)).toBe(false);
    expect(ifRangeHolds(undefined, etag)).toBe(true);
  });
});
