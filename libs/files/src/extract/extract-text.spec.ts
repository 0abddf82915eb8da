import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { TextExtractionError } from '../errors.js';
import { buildDocx, buildPdf, buildPptx, buildXlsx, buildZip } from '../testing/fixtures.js';
import { extractText, markdownHeadings } from './extract-text.js';
import { XmlScanner } from './xml-scanner.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tongke-extract-spec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function onDisk(name: string, data: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
}

describe('extractText', () => {
  it('extracts Chinese DOCX text paragraph by paragraph, with headings as outline (file and stream)', async () => {
    const docx = await buildDocx();
    const expected = {
      text: '一元一次方程\n解方程：2x + 3 = 7\n移项得2x = 4\n课堂练习\n题号\t答案 <x> & "y"\n表格单元一\n表格单元二',
      outline: ['一元一次方程', '课堂练习'],
      truncated: false,
    };
    expect(await extractText(await onDisk('lesson.docx', docx), 'docx', { maxChars: 10_000 })).toEqual(
      expected,
    );
    expect(await extractText(Readable.from([docx]), 'docx', { maxChars: 10_000 })).toEqual(expected);
  });

  it('extracts PPTX slides in presentation order with one outline entry (title) per slide', async () => {
    const pptx = await buildPptx(
      [
        { title: '第二课：解方程', lines: ['移项', '合并同类项'] },
        { title: '第一课：认识方程', lines: ['什么是方程？', '等式 & 未知数'] },
        { title: '练习', lines: ['3x − 1 = 8'] },
      ],
      [1, 0, 2], // slide2.xml is shown first
    );
    const result = await extractText(Readable.from([pptx]), 'pptx', { maxChars: 10_000 });
    expect(result.outline).toEqual(['第一课：认识方程', '第二课：解方程', '练习']);
    expect(result.text).toBe(
      '第一课：认识方程\n什么是方程？\n等式 & 未知数\n\n第二课：解方程\n移项\n合并同类项\n\n练习\n3x − 1 = 8',
    );
    expect(result.truncated).toBe(false);
  });

  it('extracts XLSX shared and inline strings (skipping phonetic runs), sheet names as outline', async () => {
    const result = await extractText(await onDisk('scores.xlsx', await buildXlsx()), 'xlsx', {
      maxChars: 10_000,
    });
    expect(result).toEqual({
      text: '姓名\n数学成绩\n张三\n李四（转学）',
      outline: ['成绩表', '名单'],
      truncated: false,
    });
  });

  it('extracts PDF text page by page, with bookmarks as outline', async () => {
    const pdf = buildPdf(
      [
        { ascii: 'Linear equations', cjk: '一元一次方程' },
        { ascii: 'Exercises', cjk: '课堂练习' },
      ],
      ['第一节', '第二节'],
    );
    const expected = {
      text: 'Linear equations\n一元一次方程\n\nExercises\n课堂练习',
      outline: ['第一节', '第二节'],
      truncated: false,
    };
    expect(await extractText(await onDisk('a.pdf', pdf), 'pdf', { maxChars: 10_000 })).toEqual(expected);
    expect(await extractText(Readable.from([pdf]), 'pdf', { maxChars: 10_000 })).toEqual(expected);
    expect(await extractText(Readable.from([pdf]), 'pdf', { maxChars: 10 })).toEqual({
      text: 'Linear equ',
      outline: ['第一节', '第二节'],
      truncated: true,
    });
  });

  it('reads txt and md directly (BOM stripped, md headings outside code fences as outline)', async () => {
    const md = '\ufeff# 一元一次方程\n\n正文\n\n```\n# not a heading\n```\n\n## 练习 ##\n';
    expect(await extractText(Readable.from([Buffer.from(md)]), 'md', { maxChars: 1000 })).toEqual({
      text: md.slice(1).trimEnd(),
      outline: ['一元一次方程', '练习'],
      truncated: false,
    });
    expect(
      await extractText(await onDisk('a.txt', Buffer.from('纯文本')), 'txt', { maxChars: 1000 }),
    ).toEqual({
      text: '纯文本',
      truncated: false,
    });
    expect(markdownHeadings('#not\n#  \n   ### ok')).toEqual(['ok']);
  });

  it('caps the text at maxChars without splitting a surrogate pair', async () => {
    const text = `ab${'😀'.repeat(10)}`;
    const result = await extractText(Readable.from([Buffer.from(text)]), 'txt', { maxChars: 5 });
    expect(result).toEqual({ text: 'ab😀', truncated: true });
    const docx = await extractText(Readable.from([await buildDocx()]), 'docx', { maxChars: 8 });
    expect(docx.text).toBe('一元一次方程\n解');
    expect(docx.truncated).toBe(true);
  });

  it('stops inflating a zip bomb at the per-entry cap', async () => {
    // 48 MiB of document.xml that deflates to well under 1 MiB.
    const paragraph = '<w:p><w:r><w:t>炸弹炸弹炸弹炸弹</w:t></w:r></w:p>';
    const repeats = Math.ceil((48 * 1024 * 1024) / Buffer.byteLength(paragraph));
    function* body(): Generator<string> {
      yield '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
      const block = paragraph.repeat(1000);
      for (let i = 0; i < repeats; i += 1000) yield block;
      yield '</w:body></w:document>';
    }
    const bomb = await buildZip([['word/document.xml', Readable.from(body())]], 9);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const started = Date.now();
    const result = await extractText(Readable.from([bomb]), 'docx', {
      maxChars: 100_000_000,
      maxEntryBytes: 1024 * 1024,
    });
    expect(result.truncated).toBe(true);
    // At most 1 MiB of XML was inflated: 1 MiB / 56 bytes per paragraph × 9 characters.
    expect(result.text.length).toBeLessThan(((1024 * 1024) / Buffer.byteLength(paragraph)) * 9 + 9);
    expect(result.text.length).toBeGreaterThan(100_000);
    expect(Date.now() - started).toBeLessThan(5000);
    // The archive-wide cap applies too.
    const total = await extractText(Readable.from([bomb]), 'docx', { maxTotalBytes: 64 * 1024 });
    expect(total.truncated).toBe(true);
    expect(total.text.length).toBeLessThan(12_000);
  });

  it('throws TextExtractionError for a corrupt archive or PDF, and cleans up its temp files', async () => {
    const before = (await readdir(tmpdir())).filter((name) => name.startsWith('tongke-extract-')).length;
    await expect(
      extractText(Readable.from([Buffer.from('PK\u0003\u0004 definitely not a zip')]), 'docx'),
    ).rejects.toBeInstanceOf(TextExtractionError);
    await expect(extractText(Readable.from([Buffer.from('%PDF-1.4 garbage')]), 'pdf')).rejects.toBeInstanceOf(
      TextExtractionError,
    );
    const after = (await readdir(tmpdir())).filter((name) => name.startsWith('tongke-extract-')).length;
    expect(after).toBe(before);
  });

  it('gives up (truncated, no text) on input larger than maxInputBytes without reading it all', async () => {
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled += 64 * 1024;
        this.push(Buffer.alloc(64 * 1024));
      },
    });
    expect(await extractText(endless, 'docx', { maxInputBytes: 1024 * 1024 })).toEqual({
      text: '',
      truncated: true,
    });
    expect(pulled).toBeLessThan(4 * 1024 * 1024);
    expect(endless.destroyed).toBe(true);
    const big = await onDisk('big.pdf', Buffer.alloc(2 * 1024 * 1024));
    expect(await extractText(big, 'pdf', { maxInputBytes: 1024 * 1024 })).toEqual({
      text: '',
      truncated: true,
    });
  });

  it('returns no text for kinds it does not read', async () => {
    for (const kind of ['doc', 'ppt', 'xls', 'mp4', 'png'] as const) {
      const input = Readable.from([Buffer.from('whatever')]);
      expect(await extractText(input, kind, { maxChars: 100 })).toEqual({ text: '', truncated: false });
      expect(input.destroyed).toBe(true);
    }
  });
});

describe('XmlScanner', () => {
  it('handles entities, CDATA, comments, quoted ">" and input split at every character', () => {
    const xml =
      '<?xml version="1.0"?><!-- <t>no</t> --><a:root x="1>2"><a:t>A &amp; B &lt;C&gt; &#x4E00;&#20108; &quot;q&apos;</a:t>' +
      '<a:t><![CDATA[<raw> & stuff]]></a:t><a:br/></a:root>';
    const events: string[] = [];
    const scanner = new XmlScanner({
      open: (name, attrs, selfClosing) =>
        events.push(`open ${name}${selfClosing ? '/' : ''} ${JSON.stringify(attrs)}`),
      close: (name) => events.push(`close ${name}`),
      text: (text) => events.push(`text ${text}`),
    });
    for (const ch of xml) scanner.write(ch);
    scanner.end();
    const texts = events.filter((e) => e.startsWith('text ')).join('|');
    expect(texts).toBe('text A & B <C> 一二 "q\'|text <raw> & stuff');
    expect(events).toContain('open root {"x":"1>2"}');
    expect(events).toContain('open br/ {}');
    expect(events.filter((e) => e.includes('no'))).toEqual([]);
  });
});
