// Builders for small but real test files (used by the specs only; not exported from the lib).
import { Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';

export type ZipContent = string | Buffer | Readable;

/** A zip built with archiver, entries in the given order. */
export function buildZip(entries: readonly (readonly [string, ZipContent])[], level = 6): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const archive = new ZipArchive({ zlib: { level } });
    const chunks: Buffer[] = [];
    archive.on('data', (chunk: Buffer) => chunks.push(chunk));
    archive.on('end', () => resolve(Buffer.concat(chunks)));
    archive.on('error', reject);
    for (const [name, content] of entries) archive.append(content, { name });
    archive.finalize().catch(reject);
  });
}

/** A real DOCX made with the `docx` package: a heading, paragraphs, a tab, a table. */
export async function buildDocx(): Promise<Buffer> {
  const doc = new Document({
    sections: [
      {
        children: [
          new Paragraph({ text: '一元一次方程', heading: HeadingLevel.HEADING_1 }),
          new Paragraph({
            children: [new TextRun('解方程：'), new TextRun({ text: '2x + 3 = 7', bold: true })],
          }),
          new Paragraph({
            children: [new TextRun('移项得'), new TextRun({ text: '2x = 4', italics: true })],
          }),
          new Paragraph({ text: '课堂练习', heading: HeadingLevel.HEADING_2 }),
          new Paragraph({
            children: [new TextRun('题号'), new TextRun({ text: '\t' }), new TextRun('答案 <x> & "y"')],
          }),
          new Table({
            rows: [
              new TableRow({
                children: [
                  new TableCell({ children: [new Paragraph('表格单元一')] }),
                  new TableCell({ children: [new Paragraph('表格单元二')] }),
                ],
              }),
            ],
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

const CONTENT_TYPES_HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
  '<Default Extension="xml" ContentType="application/xml"/>';

const ROOT_RELS = (target: string): string =>
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="${target}"/>` +
  '</Relationships>';

function slideXml(title: string, lines: readonly string[]): string {
  const paragraphs = lines
    .map((line) => `<a:p><a:r><a:rPr lang="zh-CN"/><a:t>${line}</a:t></a:r></a:p>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<p:sld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
    '<p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>' +
    '<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title 1"/><p:cNvSpPr/><p:nvPr><p:ph type="title"/></p:nvPr></p:nvSpPr><p:spPr/>' +
    `<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:t>${title}</a:t></a:r></a:p></p:txBody></p:sp>` +
    '<p:sp><p:nvSpPr><p:cNvPr id="3" name="Content 2"/><p:cNvSpPr/><p:nvPr><p:ph idx="1"/></p:nvPr></p:nvSpPr><p:spPr/>' +
    `<p:txBody><a:bodyPr/><a:lstStyle/>${paragraphs}</p:txBody></p:sp>` +
    '</p:spTree></p:cSld></p:sld>'
  );
}

/**
 * A minimal PPTX. Slides are stored as slide1.xml, slide2.xml, ... but shown in `order`
 * (indexes into `slides`) via p:sldIdLst, to check that extraction follows presentation order.
 */
export function buildPptx(
  slides: readonly { title: string; lines: readonly string[] }[],
  order: readonly number[] = slides.map((_, i) => i),
  extra: readonly (readonly [string, ZipContent])[] = [],
): Promise<Buffer> {
  const contentTypes =
    CONTENT_TYPES_HEAD +
    '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>' +
    slides
      .map(
        (_, i) =>
          `<Override PartName="/ppt/slides/slide${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>`,
      )
      .join('') +
    '</Types>';
  const presentation =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<p:presentation xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">' +
    `<p:sldIdLst>${order.map((i, n) => `<p:sldId id="${256 + n}" r:id="rId${i + 2}"/>`).join('')}</p:sldIdLst>` +
    '<p:sldSz cx="9144000" cy="6858000"/></p:presentation>';
  const presentationRels =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    slides
      .map(
        (_, i) =>
          `<Relationship Id="rId${i + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide${i + 1}.xml"/>`,
      )
      .join('') +
    '</Relationships>';
  return buildZip([
    ['[Content_Types].xml', contentTypes],
    ['_rels/.rels', ROOT_RELS('ppt/presentation.xml')],
    ['ppt/presentation.xml', presentation],
    ['ppt/_rels/presentation.xml.rels', presentationRels],
    ...slides.map(
      (slide, i) => [`ppt/slides/slide${i + 1}.xml`, slideXml(slide.title, slide.lines)] as const,
    ),
    ...extra,
  ]);
}

/** A minimal XLSX: shared strings (one with a phonetic run), an inline string, two sheets. */
export function buildXlsx(): Promise<Buffer> {
  const contentTypes =
    CONTENT_TYPES_HEAD +
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
    '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' +
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' +
    '</Types>';
  const ns =
    'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
  const workbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook ${ns}><sheets><sheet name="成绩表" sheetId="1" r:id="rId1"/><sheet name="名单" sheetId="2" r:id="rId2"/></sheets></workbook>`;
  const workbookRels =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>' +
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>' +
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>' +
    '</Relationships>';
  const sharedStrings =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">` +
    '<si><t>姓名</t></si><si><t>数学成绩</t></si>' +
    '<si><r><t>张</t></r><r><rPr><b/></rPr><t>三</t></r><rPh sb="0" eb="1"><t>ちょう</t></rPh></si>' +
    '</sst>';
  const sheet1 =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ${ns}><sheetData>` +
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>' +
    '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>95</v></c></row>' +
    '</sheetData></worksheet>';
  const sheet2 =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ${ns}><sheetData>` +
    '<row r="1"><c r="A1" t="inlineStr"><is><t>李四（转学）</t></is></c><c r="B1"/></row>' +
    '</sheetData></worksheet>';
  return buildZip([
    ['[Content_Types].xml', contentTypes],
    ['_rels/.rels', ROOT_RELS('xl/workbook.xml')],
    ['xl/workbook.xml', workbook],
    ['xl/_rels/workbook.xml.rels', workbookRels],
    ['xl/sharedStrings.xml', sharedStrings],
    ['xl/worksheets/sheet1.xml', sheet1],
    ['xl/worksheets/sheet2.xml', sheet2],
  ]);
}

/**
 * A hand-written PDF: Helvetica for ASCII and a Type0/Identity-H font with a ToUnicode CMap for
 * Chinese (CIDs = Unicode code points; the font itself is not embedded, text extraction only
 * needs the ToUnicode map). Optionally with bookmarks.
 */
export function buildPdf(
  pages: readonly { ascii: string; cjk?: string }[],
  bookmarks: readonly string[] = [],
): Buffer {
  const objects: string[] = [];
  const add = (body: string): number => objects.push(body);
  const catalog = add('');
  const pagesId = add('');
  const helvetica = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const cmap =
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def ' +
    '/CMapName /Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange ' +
    '1 beginbfrange <0000> <FFFF> <0000> endbfrange endcmap CMapName currentdict /CMap defineresource pop end end';
  const toUnicode = add(`<< /Length ${Buffer.byteLength(cmap)} >>\nstream\n${cmap}\nendstream`);
  const descriptor = add(
    '<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>',
  );
  const cidFont = add(
    `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor ${descriptor} 0 R /DW 1000 >>`,
  );
  const cjkFont = add(
    `<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [${cidFont} 0 R] /ToUnicode ${toUnicode} 0 R >>`,
  );
  const pageIds: number[] = [];
  for (const page of pages) {
    let content = `BT /F1 18 Tf 72 720 Td (${page.ascii}) Tj ET`;
    if (page.cjk !== undefined) {
      const hex = [...page.cjk].map((c) => (c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')).join('');
      content += ` BT /F2 18 Tf 72 680 Td <${hex}> Tj ET`;
    }
    const contentId = add(`<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}\nendstream`);
    pageIds.push(
      add(
        `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${helvetica} 0 R /F2 ${cjkFont} 0 R >> >> /Contents ${contentId} 0 R >>`,
      ),
    );
  }
  let outlines = '';
  if (bookmarks.length > 0) {
    const outlineId = add('');
    const itemIds = bookmarks.map(() => add(''));
    bookmarks.forEach((title, i) => {
      const utf16 = Buffer.from(`\ufeff${title}`, 'utf16le').swap16().toString('hex');
      const links = [
        i > 0 ? `/Prev ${itemIds[i - 1]} 0 R` : '',
        i < bookmarks.length - 1 ? `/Next ${itemIds[i + 1]} 0 R` : '',
      ].join(' ');
      objects[(itemIds[i] ?? 0) - 1] =
        `<< /Title <${utf16}> /Parent ${outlineId} 0 R ${links} /Dest [${pageIds[Math.min(i, pageIds.length - 1)]} 0 R /Fit] >>`;
    });
    objects[outlineId - 1] =
      `<< /Type /Outlines /First ${itemIds[0]} 0 R /Last ${itemIds[itemIds.length - 1]} 0 R /Count ${bookmarks.length} >>`;
    outlines = ` /Outlines ${outlineId} 0 R`;
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesId} 0 R${outlines} >>`;
  objects[pagesId - 1] =
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;

  let out = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/**
 * A compound-file (OLE2) container whose first directory sector holds a root entry and the
 * given stream names — what Word/PowerPoint/Excel 97-2003 (and MSI installers) look like.
 */
export function buildCfb(streamNames: readonly string[], padTo = 0): Buffer {
  const header = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x003e, 24); // minor version
  header.writeUInt16LE(0x0003, 26); // major version 3 (512-byte sectors)
  header.writeUInt16LE(0xfffe, 28); // byte order
  header.writeUInt16LE(9, 30); // sector shift
  header.writeUInt16LE(6, 32); // mini sector shift
  header.writeUInt32LE(0, 48); // first directory sector
  const entries = ['Root Entry', ...streamNames];
  const directory = Buffer.alloc(Math.ceil(entries.length / 4) * 512);
  entries.forEach((name, i) => {
    const offset = i * 128;
    directory.write(name, offset, 'utf16le');
    directory.writeUInt16LE((name.length + 1) * 2, offset + 64);
    directory[offset + 66] = i === 0 ? 5 : 2;
  });
  const body = Buffer.concat([header, directory]);
  return padTo > body.length ? Buffer.concat([body, Buffer.alloc(padTo - body.length, 0x20)]) : body;
}

const box = (type: string, body: Buffer): Buffer => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(8 + body.length);
  return Buffer.concat([length, Buffer.from(type, 'latin1'), body]);
};
const bytes = (...parts: (string | number[] | Buffer)[]): Buffer =>
  Buffer.concat(
    parts.map((p) =>
      typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.isBuffer(p) ? p : Buffer.from(p),
    ),
  );

/** Minimal headers of media files, as their first bytes look on disk. */
export const MEDIA_SAMPLES = {
  png: Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  ),
  jpeg: bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], 'JFIF', [0, 1, 1, 0, 0, 1, 0, 1, 0, 0], [0xff, 0xd9]),
  gif: bytes(
    'GIF89a',
    [1, 0, 1, 0, 0x80, 0, 0],
    [0, 0, 0, 255, 255, 255],
    ',',
    [0, 0, 0, 0, 1, 0, 1, 0, 0],
    [2, 2, 0x44, 1, 0],
    ';',
  ),
  webp: (() => {
    const body = bytes('WEBP', 'VP8L', [5, 0, 0, 0], [0x2f, 0, 0, 0, 0x10, 0, 0, 0, 0]);
    const length = Buffer.alloc(4);
    length.writeUInt32LE(body.length);
    return bytes('RIFF', length, body);
  })(),
  mp4: bytes(box('ftyp', bytes('isom', [0, 0, 2, 0], 'isom', 'iso2', 'mp41')), box('free', Buffer.alloc(8))),
  m4a: bytes(box('ftyp', bytes('M4A ', [0, 0, 2, 0], 'M4A ', 'mp42', 'isom')), box('free', Buffer.alloc(8))),
  mov: bytes(box('ftyp', bytes('qt  ', [0, 0, 2, 0], 'qt  ')), box('free', Buffer.alloc(8))),
  webm: bytes(
    [
      0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01, 0x42, 0xf2, 0x81, 0x04,
      0x42, 0xf3, 0x81, 0x08,
    ],
    [0x42, 0x82, 0x84],
    'webm',
    [0x42, 0x87, 0x81, 0x04, 0x42, 0x85, 0x81, 0x02],
  ),
  mp3: bytes('ID3', [4, 0, 0, 0, 0, 0, 10], Buffer.alloc(10), [0xff, 0xfb, 0x90, 0x64], Buffer.alloc(413)),
  exe: bytes('MZ', Buffer.alloc(58), [0x80, 0, 0, 0], Buffer.alloc(64), 'PE\0\0', Buffer.alloc(100)),
  elf: bytes([0x7f], 'ELF', [2, 1, 1, 0], Buffer.alloc(56)),
} as const;
