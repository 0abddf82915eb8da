import { posix } from 'node:path';
import { attribute, XmlScanner } from './xml-scanner.js';
import type { TextSink } from './text-sink.js';
import type { ZipReader } from './zip-reader.js';

/** Feeds an entry through an XmlScanner; stops early once `sink` is full. */
async function scanEntry(
  zip: ZipReader,
  name: string,
  scanner: XmlScanner,
  sink?: TextSink,
): Promise<boolean> {
  const found = await zip.readText(name, (chunk) => {
    scanner.write(chunk);
    return sink === undefined || !sink.full;
  });
  if (found) scanner.end();
  return found;
}

const HEADING_STYLE_NAME = /^(heading\s*\d|title|subtitle|标题\s*\d*|副标题)$/i;

/** Paragraph style ids that are headings: by name ("heading 1", "标题 1", "Title") or outline level. */
async function headingStyles(zip: ZipReader): Promise<Set<string>> {
  const headings = new Set<string>();
  let current: string | undefined;
  const scanner = new XmlScanner({
    open(name, attrs) {
      if (name === 'style') {
        current = attribute(attrs, 'type') === 'paragraph' ? attribute(attrs, 'styleId') : undefined;
      } else if (
        current !== undefined &&
        name === 'name' &&
        HEADING_STYLE_NAME.test(attribute(attrs, 'val') ?? '')
      ) {
        headings.add(current);
      } else if (current !== undefined && name === 'outlineLvl' && Number(attribute(attrs, 'val')) < 9) {
        headings.add(current);
      }
    },
    close(name) {
      if (name === 'style') current = undefined;
    },
  });
  await scanEntry(zip, 'word/styles.xml', scanner);
  return headings;
}

/**
 * DOCX: the text of the w:t runs of word/document.xml, one line per paragraph (w:tab -> tab,
 * w:br -> newline; deleted text and field codes are skipped); headings go to the outline.
 * Headers, footers, footnotes and comments are not included.
 */
export async function extractDocx(zip: ZipReader, sink: TextSink): Promise<string[]> {
  const headings = await headingStyles(zip);
  const outline: string[] = [];
  const paragraphs: { text: string; heading: boolean }[] = [];
  let inText = 0;
  let inRun = 0;
  const scanner = new XmlScanner({
    open(name, attrs) {
      const top = paragraphs[paragraphs.length - 1];
      switch (name) {
        case 'p':
          paragraphs.push({ text: '', heading: false });
          break;
        case 'r':
          inRun += 1;
          break;
        case 't':
          inText += 1;
          break;
        case 'tab':
          if (inRun > 0 && top !== undefined) top.text += '\t';
          break;
        case 'br':
        case 'cr':
          if (inRun > 0 && top !== undefined) top.text += '\n';
          break;
        case 'pStyle':
          if (top !== undefined && headings.has(attribute(attrs, 'val') ?? '')) top.heading = true;
          break;
        case 'outlineLvl':
          if (top !== undefined && Number(attribute(attrs, 'val')) < 9) top.heading = true;
          break;
        default:
      }
    },
    close(name) {
      if (name === 't') inText = Math.max(0, inText - 1);
      else if (name === 'r') inRun = Math.max(0, inRun - 1);
      else if (name === 'p') {
        const paragraph = paragraphs.pop();
        if (paragraph === undefined) return;
        if (paragraph.heading && paragraph.text.trim() !== '') outline.push(paragraph.text.trim());
        sink.add(`${paragraph.text}\n`);
      }
    },
    text(text) {
      const top = paragraphs[paragraphs.length - 1];
      if (inText > 0 && top !== undefined) top.text += text;
    },
  });
  await scanEntry(zip, 'word/document.xml', scanner, sink);
  return outline;
}

function relationshipTargets(
  zip: ZipReader,
  relsName: string,
  baseDir: string,
): Promise<Map<string, string>> {
  const targets = new Map<string, string>();
  const scanner = new XmlScanner({
    open(name, attrs) {
      if (name !== 'Relationship') return;
      const id = attribute(attrs, 'Id');
      const target = attribute(attrs, 'Target');
      if (id === undefined || target === undefined || attribute(attrs, 'TargetMode') === 'External') return;
      const resolved = target.startsWith('/')
        ? target.slice(1)
        : posix.normalize(posix.join(baseDir, target));
      targets.set(id, resolved);
    },
  });
  return scanEntry(zip, relsName, scanner).then(() => targets);
}

function byTrailingNumber(pattern: RegExp): (a: string, b: string) => number {
  return (a, b) => Number(pattern.exec(a)?.[1] ?? 0) - Number(pattern.exec(b)?.[1] ?? 0);
}

/** Slide part names in presentation order (p:sldIdLst), falling back to slideN numbering. */
async function slideOrder(zip: ZipReader): Promise<string[]> {
  const ids: string[] = [];
  await scanEntry(
    zip,
    'ppt/presentation.xml',
    new XmlScanner({
      open(name, attrs) {
        if (name !== 'sldId') return;
        const id = attribute(attrs, 'id', true);
        if (id !== undefined) ids.push(id);
      },
    }),
  );
  const targets = await relationshipTargets(zip, 'ppt/_rels/presentation.xml.rels', 'ppt');
  const ordered = ids
    .map((id) => targets.get(id))
    .filter((name): name is string => name !== undefined && zip.has(name));
  if (ordered.length > 0) return ordered;
  const slidePattern = /^ppt\/slides\/slide(\d+)\.xml$/;
  return zip
    .names()
    .filter((name) => slidePattern.test(name))
    .sort(byTrailingNumber(slidePattern));
}

/**
 * PPTX: per slide (in presentation order) the a:t text of every paragraph, one per line, slides
 * separated by a blank line. Outline: one entry per slide, its title placeholder's text (or its
 * first line when it has no title). Speaker notes are not included.
 */
export async function extractPptx(zip: ZipReader, sink: TextSink): Promise<string[]> {
  const outline: string[] = [];
  const slides = await slideOrder(zip);
  for (const [index, slide] of slides.entries()) {
    if (sink.full) {
      sink.truncated = true;
      break;
    }
    const shapes: { title: boolean }[] = [];
    const titleParts: string[] = [];
    const lines: string[] = [];
    let paragraph: string | undefined;
    let inText = 0;
    const scanner = new XmlScanner({
      open(name, attrs) {
        if (name === 'sp') shapes.push({ title: false });
        else if (name === 'ph') {
          const type = attribute(attrs, 'type');
          const shape = shapes[shapes.length - 1];
          if (shape !== undefined && (type === 'title' || type === 'ctrTitle')) shape.title = true;
        } else if (name === 'p') paragraph = '';
        else if (name === 't') inText += 1;
        else if (name === 'br' && paragraph !== undefined) paragraph += '\n';
      },
      close(name) {
        if (name === 'sp') shapes.pop();
        else if (name === 't') inText = Math.max(0, inText - 1);
        else if (name === 'p' && paragraph !== undefined) {
          if (paragraph.trim() !== '') {
            lines.push(paragraph);
            if (shapes.some((shape) => shape.title)) titleParts.push(paragraph.trim());
          }
          paragraph = undefined;
        }
      },
      text(text) {
        if (inText > 0 && paragraph !== undefined) paragraph += text;
      },
    });
    await scanEntry(zip, slide, scanner);
    if (index > 0) sink.add('\n');
    sink.add(`${lines.join('\n')}\n`);
    outline.push(titleParts.length > 0 ? titleParts.join(' ') : (lines[0]?.trim() ?? ''));
  }
  return outline;
}

/**
 * XLSX: the shared strings (one per line, phonetic runs skipped) followed by inline strings of
 * the worksheets. Outline: the sheet names. Numbers and formulas are not included.
 */
export async function extractXlsx(zip: ZipReader, sink: TextSink): Promise<string[]> {
  const outline: string[] = [];
  await scanEntry(
    zip,
    'xl/workbook.xml',
    new XmlScanner({
      open(name, attrs) {
        const sheetName = name === 'sheet' ? attribute(attrs, 'name') : undefined;
        if (sheetName !== undefined) outline.push(sheetName);
      },
    }),
  );

  let item: string | undefined;
  let inText = 0;
  let inPhonetic = 0;
  const sharedStrings = new XmlScanner({
    open(name) {
      if (name === 'si') item = '';
      else if (name === 't') inText += 1;
      else if (name === 'rPh') inPhonetic += 1;
    },
    close(name) {
      if (name === 't') inText = Math.max(0, inText - 1);
      else if (name === 'rPh') inPhonetic = Math.max(0, inPhonetic - 1);
      else if (name === 'si' && item !== undefined) {
        if (item.trim() !== '') sink.add(`${item}\n`);
        item = undefined;
      }
    },
    text(text) {
      if (item !== undefined && inText > 0 && inPhonetic === 0) item += text;
    },
  });
  await scanEntry(zip, 'xl/sharedStrings.xml', sharedStrings, sink);

  const sheetPattern = /^xl\/worksheets\/sheet(\d+)\.xml$/;
  const sheets = zip
    .names()
    .filter((name) => sheetPattern.test(name))
    .sort(byTrailingNumber(sheetPattern));
  for (const sheet of sheets) {
    if (sink.full) break;
    let cell: string | undefined;
    let cellText = 0;
    const scanner = new XmlScanner({
      open(name, attrs) {
        if (name === 'c') cell = attribute(attrs, 't') === 'inlineStr' ? '' : undefined;
        else if (name === 't' && cell !== undefined) cellText += 1;
      },
      close(name) {
        if (name === 't') cellText = Math.max(0, cellText - 1);
        else if (name === 'c') {
          if (cell !== undefined && cell.trim() !== '') sink.add(`${cell}\n`);
          cell = undefined;
        }
      },
      text(text) {
        if (cell !== undefined && cellText > 0) cell += text;
      },
    });
    await scanEntry(zip, sheet, scanner, sink);
  }
  return outline;
}
