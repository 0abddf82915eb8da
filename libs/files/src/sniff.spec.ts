import { DisallowedFileTypeError, EmptyFileError } from './errors.js';
import { oleDirectoryNames, sniffFileType, type FileKind } from './sniff.js';
import {
  buildCfb,
  buildDocx,
  buildPdf,
  buildPptx,
  buildXlsx,
  buildZip,
  MEDIA_SAMPLES,
} from './testing/fixtures.js';

async function expectKind(bytes: Buffer, name: string | undefined, kind: FileKind): Promise<void> {
  const result = await sniffFileType(bytes, name);
  expect(result.kind).toBe(kind);
}

async function expectRejected(
  bytes: Buffer,
  name?: string,
  complete = true,
): Promise<DisallowedFileTypeError> {
  const error: unknown = await sniffFileType(bytes, name, { complete }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(DisallowedFileTypeError);
  return error as DisallowedFileTypeError;
}

describe('sniffFileType: allowed kinds, decided from the bytes', () => {
  it('accepts PDF', async () => {
    expect(await sniffFileType(buildPdf([{ ascii: 'Hello' }]), 'lesson.pdf')).toEqual({
      kind: 'pdf',
      ext: 'pdf',
      mime: 'application/pdf',
      declaredExtMatches: true,
    });
  });

  it('accepts DOCX (made by the docx package), PPTX and XLSX, told apart by their content', async () => {
    const docx = await buildDocx();
    await expectKind(docx, '教案.docx', 'docx');
    await expectKind(docx, 'renamed.pptx', 'docx');
    await expectKind(await buildPptx([{ title: '标题', lines: ['内容'] }]), 'slides.pptx', 'pptx');
    await expectKind(await buildXlsx(), 'scores.xlsx', 'xlsx');
    const result = await sniffFileType(docx, 'renamed.pptx');
    expect(result).toMatchObject({ ext: 'docx', declaredExtMatches: false });
    expect(result.mime).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });

  it('recognises OOXML from a 64 KiB head when big parts follow (file is longer than the head)', async () => {
    const bigImage = Buffer.alloc(300_000, 7);
    const pptx = await buildPptx([{ title: 'a', lines: [] }], [0], [['ppt/media/image1.png', bigImage]]);
    const head = pptx.subarray(0, 64 * 1024);
    expect((await sniffFileType(head, 'x.pptx', { complete: false })).kind).toBe('pptx');
  });

  it('accepts legacy Office files by their OLE directory, whatever they are called', async () => {
    await expectKind(buildCfb(['WordDocument', '1Table']), 'old.doc', 'doc');
    await expectKind(buildCfb(['PowerPoint Document', 'Current User']), 'old.ppt', 'ppt');
    await expectKind(buildCfb(['Workbook']), 'old.xls', 'xls');
    await expectKind(buildCfb(['Book']), 'excel95.xls', 'xls');
    // The bytes win over a wrong extension.
    await expectKind(buildCfb(['WordDocument']), 'misnamed.xls', 'doc');
    // A Word file embedding a workbook: the declared extension picks among the kinds present.
    await expectKind(buildCfb(['Workbook', 'WordDocument']), 'report.doc', 'doc');
    await expectKind(buildCfb(['Workbook', 'WordDocument']), undefined, 'doc');
  });

  it('uses the declared extension only when an OLE directory lies beyond the peeked head', async () => {
    const header = buildCfb([]).subarray(0, 512);
    expect((await sniffFileType(header, 'big.ppt', { complete: false })).kind).toBe('ppt');
    expect((await sniffFileType(header, 'big.xls', { complete: false })).kind).toBe('xls');
    await expectRejected(header, 'big.bin', false);
    // The whole file is there and has no Office stream (e.g. an MSI installer renamed .doc).
    const msi = await expectRejected(buildCfb(['\u4840\u3b3f\u43f2\u4832']), 'setup.doc');
    expect(msi.message).toMatch(/MSI/);
  });

  it('finds directory entries only at 128-byte boundaries with a valid length and type', () => {
    const cfb = buildCfb(['WordDocument', 'Data']);
    expect(oleDirectoryNames(cfb)).toEqual(new Set(['Root Entry', 'WordDocument', 'Data']));
    const noise = Buffer.concat([
      Buffer.alloc(512),
      Buffer.alloc(7),
      Buffer.from('WordDocument', 'utf16le'),
      Buffer.alloc(300),
    ]);
    expect(oleDirectoryNames(noise)).toEqual(new Set());
  });

  it.each([
    ['mp4', 'video/mp4', 'lecture.mp4'],
    ['webm', 'video/webm', 'clip.webm'],
    ['mp3', 'audio/mpeg', 'song.mp3'],
    ['m4a', 'audio/mp4', 'voice.m4a'],
    ['png', 'image/png', 'figure.png'],
    ['jpeg', 'image/jpeg', 'photo.jpg'],
    ['gif', 'image/gif', 'anim.gif'],
    ['webp', 'image/webp', 'pic.webp'],
  ] as const)('accepts %s', async (kind, mime, name) => {
    const result = await sniffFileType(MEDIA_SAMPLES[kind], name);
    expect(result).toMatchObject({ kind, mime, declaredExtMatches: true });
  });

  it('accepts UTF-8 text (with or without BOM) as txt, or md when declared .md', async () => {
    const text = Buffer.from('一元一次方程\n解：2x + 3 = 7\n', 'utf8');
    expect(await sniffFileType(text, '笔记.txt')).toEqual({
      kind: 'txt',
      ext: 'txt',
      mime: 'text/plain',
      charset: 'utf-8',
      declaredExtMatches: true,
    });
    await expectKind(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text]), 'bom.txt', 'txt');
    await expectKind(Buffer.from('# 标题\n\n- 列表\n'), 'README.md', 'md');
    await expectKind(Buffer.from('plain'), undefined, 'txt');
    // Inline HTML later in a Markdown file is fine (the renderer sanitises); only the start counts.
    await expectKind(
      Buffer.from('# Lesson\n\nUse <b>bold</b> or <script> tags carefully.\n'),
      'html-lesson.md',
      'md',
    );
  });

  it('tolerates a multi-byte character cut at the end of a partial head, not of a whole file', async () => {
    const text = Buffer.from('数学'.repeat(10), 'utf8');
    const cut = text.subarray(0, text.length - 1);
    expect((await sniffFileType(cut, 'a.txt', { complete: false })).kind).toBe('txt');
    await expectRejected(cut, 'a.txt', true);
  });
});

describe('sniffFileType: rejected content', () => {
  it('rejects a renamed Windows executable, ELF binary and Mach-O', async () => {
    const exe = await expectRejected(MEDIA_SAMPLES.exe, 'homework.pdf');
    expect(exe.detected).toBe('exe');
    expect(exe.message).toBe(
      '不支持的文件类型：可执行程序或安装包（exe） / Disallowed file type: executable or installer (exe)',
    );
    expect((await expectRejected(MEDIA_SAMPLES.elf, 'notes.docx')).detected).toBe('elf');
    const macho = Buffer.concat([Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 0x07, 0, 0, 0x01]), Buffer.alloc(64)]);
    await expectRejected(macho, 'app.txt');
  });

  it('rejects scripts, HTML, SVG and XML, case-insensitively and after leading whitespace/BOM', async () => {
    const samples = [
      '#!/bin/sh\nrm -rf ~\n',
      '<!DOCTYPE html><html><body>hi</body></html>',
      '   \n\t<HTML><script>alert(1)</script></HTML>',
      '\ufeff<script>alert(1)</script>',
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
      '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>',
      '\u3000<iframe src="https://evil.example"></iframe>',
      '<!-- comment --><div>hi</div>',
    ];
    for (const sample of samples) await expectRejected(Buffer.from(sample, 'utf8'), 'notes.txt');
  });

  it('rejects plain and macro-enabled archives and unsupported video', async () => {
    const zip = await buildZip([['a.txt', 'hello']]);
    expect((await expectRejected(zip, 'a.docx')).detected).toBe('zip');
    const docm = await buildZip([
      [
        '[Content_Types].xml',
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
      ],
      ['word/document.xml', '<w:document/>'],
      ['word/vbaProject.bin', Buffer.alloc(10)],
    ]);
    const macro = await expectRejected(docm, 'lesson.docx');
    expect(macro.detected).toBe('docm');
    expect(macro.message).toMatch(/宏.*macro/);
    expect((await expectRejected(MEDIA_SAMPLES.mov, 'video.mp4')).detected).toBe('mov');
  });

  it('rejects text that is not UTF-8 (GBK), has NULs or control characters, or has a non-text extension', async () => {
    const gbk = Buffer.from([0xd2, 0xbb, 0xd4, 0xaa, 0xd2, 0xbb, 0xb4, 0xce, 0xb7, 0xbd, 0xb3, 0xcc]); // 一元一次方程 in GBK
    expect((await expectRejected(gbk, 'gbk.txt')).message).toMatch(/UTF-8/);
    await expectRejected(Buffer.from('abc\u0000def'), 'a.txt');
    await expectRejected(Buffer.from('abc\u0001\u0002def'), 'a.txt');
    await expectRejected(Buffer.from('@echo off\r\ndel /q *.*\r\n'), 'run.bat');
    await expectRejected(Buffer.from('console.log(1)'), 'x.js');
  });

  it('rejects empty input with EmptyFileError (a lone BOM counts as empty)', async () => {
    await expect(sniffFileType(Buffer.alloc(0), 'a.txt')).rejects.toBeInstanceOf(EmptyFileError);
    await expect(sniffFileType(Buffer.from([0xef, 0xbb, 0xbf]), 'a.txt')).rejects.toThrow(
      '文件为空 / The file is empty',
    );
  });
});
