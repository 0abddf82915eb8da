import { InvalidObjectKeyError } from './errors.js';
import { validateObjectKey, validatePrefix, validateRange } from './keys.js';

describe('object keys', () => {
  it('accepts relative "/"-separated keys with any printable Unicode', () => {
    for (const key of [
      'a',
      'sha256/ab/abcdef',
      '资料/一元 一次方程.docx',
      'a/b/c.d',
      '..a/b..',
      'ümlaut/😀',
    ]) {
      expect(validateObjectKey(key)).toBe(key);
    }
  });

  it.each([
    ['', 'non-empty'],
    ['..', '".."'],
    ['a/../b', '".."'],
    ['./a', '"."'],
    ['/a', 'relative'],
    ['a//b', 'empty path segment'],
    ['a/', 'end with'],
    ['a\\b', 'backslash'],
    ['a\u0000b', 'control'],
    ['a\nb', 'control'],
    ['a\u009bb', 'control'],
    ['a\ud800b', 'well-formed'],
    [`${'x'.repeat(256)}`, 'segment'],
    [`${'a/'.repeat(600)}a`, '1024 bytes'],
  ])('rejects %j (%s)', (key, reason) => {
    expect(() => validateObjectKey(key)).toThrow(InvalidObjectKeyError);
    expect(() => validateObjectKey(key)).toThrow(reason);
  });

  it('accepts partial prefixes but not ones that climb out', () => {
    expect(validatePrefix('')).toBe('');
    expect(validatePrefix('sha256/a')).toBe('sha256/a');
    expect(validatePrefix('tmp/')).toBe('tmp/');
    expect(() => validatePrefix('../')).toThrow(InvalidObjectKeyError);
    expect(() => validatePrefix('/abs')).toThrow(InvalidObjectKeyError);
  });

  it('validates byte ranges', () => {
    expect(() => validateRange({ start: 0 })).not.toThrow();
    expect(() => validateRange({ start: 5, end: 5 })).not.toThrow();
    expect(() => validateRange({ start: 5, end: 4 })).toThrow();
    expect(() => validateRange({ start: -1 })).toThrow();
    expect(() => validateRange({ start: 1.5 })).toThrow();
  });
});
