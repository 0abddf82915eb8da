import { contentDisposition, sanitizeFileName, truncateUtf8 } from './filename.js';

describe('sanitizeFileName', () => {
  it('strips path components of both styles (path traversal, Windows paths)', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('C:\\x\\y.pdf')).toBe('y.pdf');
    expect(sanitizeFileName('..\\..\\windows\\system32\\evil.dll')).toBe('evil.dll');
    expect(sanitizeFileName('/abs/path/教案.docx')).toBe('教案.docx');
    expect(sanitizeFileName('dir/')).toBe('file');
  });

  it('removes control characters (C0, DEL, C1)', () => {
    expect(sanitizeFileName('a\u0000b\u0007c\u001f\u007fd\u0085\u009f.txt')).toBe('abcd.txt');
    expect(sanitizeFileName('line\r\nbreak.txt')).toBe('linebreak.txt');
  });

  it('removes bidi overrides and other invisible format characters (RTLO spoofing)', () => {
    // Displays as "invoiceexe.pdf" in many UIs; really an .exe.
    expect(sanitizeFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(sanitizeFileName('\u2066a\u2069\u200Bb\uFEFF\u200F.pdf')).toBe('ab.pdf');
  });

  it('keeps Chinese and other Unicode letters, normalised to NFC', () => {
    expect(sanitizeFileName('一元一次方程 教案.docx')).toBe('一元一次方程 教案.docx');
    expect(sanitizeFileName('Ünïcödé résumé — 第1课.pdf')).toBe('Ünïcödé résumé — 第1课.pdf');
    expect(sanitizeFileName('cafe\u0301.txt')).toBe('caf\u00e9.txt');
  });

  it('strips leading dots and trailing dots/spaces; empty becomes "file"', () => {
    expect(sanitizeFileName('...hidden.txt')).toBe('hidden.txt');
    expect(sanitizeFileName('.bashrc')).toBe('bashrc');
    expect(sanitizeFileName('report.pdf. . ')).toBe('report.pdf');
    expect(sanitizeFileName('..')).toBe('file');
    expect(sanitizeFileName('')).toBe('file');
    expect(sanitizeFileName('   ')).toBe('file');
    expect(sanitizeFileName('\u202E\u0000')).toBe('file');
  });

  it('replaces characters Windows forbids and defuses device names', () => {
    expect(sanitizeFileName('a<b>c:d"e|f?g*h.txt')).toBe('a_b_c_d_e_f_g_h.txt');
    expect(sanitizeFileName('CON.txt')).toBe('_CON.txt');
    expect(sanitizeFileName('lpt1')).toBe('_lpt1');
    expect(sanitizeFileName('console.txt')).toBe('console.txt');
  });

  it('trims a 300-character Chinese name to 200 UTF-8 bytes at a character boundary, keeping the extension', () => {
    const name = `${'数'.repeat(300)}.docx`;
    const safe = sanitizeFileName(name);
    expect(Buffer.byteLength(safe, 'utf8')).toBeLessThanOrEqual(200);
    expect(safe).toBe(`${'数'.repeat(65)}.docx`); // 65 × 3 bytes + 5
    expect(safe).not.toContain('\ufffd');
  });

  it('never splits a grapheme (emoji, combining marks) when trimming', () => {
    // 190 bytes of "é", then 👍🏽 (thumbs up + skin tone, 4 + 4 bytes), then ".png": the bare 👍
    // would fit in 200 bytes, the whole grapheme does not, so both code points go.
    const safe = sanitizeFileName(`${'é'.repeat(95)}👍🏽.png`);
    expect(safe).toBe(`${'é'.repeat(95)}.png`);
    expect(Buffer.byteLength(safe, 'utf8')).toBeLessThanOrEqual(200);
    expect(safe.endsWith('.png')).toBe(true);
    expect(truncateUtf8('a\u0301b', 2)).toBe('');
    expect(truncateUtf8('a\u0301b', 3)).toBe('a\u0301');
    expect(truncateUtf8('数学', 4)).toBe('数');
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987)', () => {
    expect(contentDisposition('一元一次方程 教案.docx', 'attachment')).toBe(
      'attachment; filename="file.docx"; filename*=UTF-8\'\'%E4%B8%80%E5%85%83%E4%B8%80%E6%AC%A1%E6%96%B9%E7%A8%8B%20%E6%95%99%E6%A1%88.docx',
    );
  });

  it('keeps readable ASCII in the fallback and escapes what RFC 5987 does not allow', () => {
    expect(contentDisposition('Lesson 3 (final)\u2019s plan.pdf', 'inline')).toBe(
      'inline; filename="Lesson 3 (final)_s plan.pdf"; filename*=UTF-8\'\'Lesson%203%20%28final%29%E2%80%99s%20plan.pdf',
    );
    expect(contentDisposition('say "hi" 100%;.txt')).toBe(
      'attachment; filename="say _hi_ 100_.txt"; filename*=UTF-8\'\'say%20_hi_%20100%25%3B.txt',
    );
  });

  it('cannot be used for header injection or path traversal', () => {
    const value = contentDisposition('../../x\r\nSet-Cookie: a=b.pdf');
    expect(value).not.toMatch(/[\r\n]/);
    expect(value).toBe(
      'attachment; filename="xSet-Cookie_ a=b.pdf"; filename*=UTF-8\'\'xSet-Cookie_%20a%3Db.pdf',
    );
  });
});
