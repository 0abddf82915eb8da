import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { TextExtractionError } from '../errors.js';
import type { FileKind } from '../sniff.js';
import { extractDocx, extractPptx, extractXlsx } from './ooxml.js';
import { TextSink } from './text-sink.js';
import { ZipReader } from './zip-reader.js';

export interface ExtractOptions {
  /** Cap on the returned text, in UTF-16 code units (default 1 000 000). */
  maxChars?: number;
  /** Zip-bomb defence: decompressed bytes read from any one archive entry (default 64 MiB). */
  maxEntryBytes?: number;
  /** Decompressed bytes read from a whole archive (default 256 MiB). */
  maxTotalBytes?: number;
  /** Archive entries looked at (default 20 000). */
  maxEntries?: number;
  /**
   * Largest input accepted: PDFs are parsed in memory (pdf.js needs random access) and streamed
   * archives are spooled to a temp file first. Default 256 MiB; larger input yields no text and
   * truncated: true.
   */
  maxInputBytes?: number;
}

export interface ExtractResult {
  text: string;
  /** docx: headings; pptx: one entry per slide (its title); xlsx: sheet names; pdf: bookmarks; md: headings. */
  outline?: string[];
  /** A limit (maxChars, entry/archive bytes, input size) cut the extraction short. */
  truncated: boolean;
}

type ResolvedOptions = Required<ExtractOptions>;

const DEFAULTS: ResolvedOptions = {
  maxChars: 1_000_000,
  maxEntryBytes: 64 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
  maxEntries: 20_000,
  maxInputBytes: 256 * 1024 * 1024,
};

/**
 * Extracts searchable text from a file on disk or a stream (which is consumed). pdf via unpdf
 * (pdf.js), docx / pptx / xlsx by streaming the relevant XML parts out of the zip with yauzl
 * (never inflating more than the limits, whatever the archive claims), txt / md directly.
 * Other kinds (legacy doc/ppt/xls, media, images) give `{ text: '' }`.
 * Throws TextExtractionError for corrupt or encrypted input.
 */
export async function extractText(
  source: string | Readable,
  kind: FileKind,
  options: ExtractOptions = {},
): Promise<ExtractResult> {
  const opts: ResolvedOptions = { ...DEFAULTS, ...definedOnly(options) };
  const sink = new TextSink(opts.maxChars);
  switch (kind) {
    case 'txt':
    case 'md':
      return extractPlain(source, kind, sink);
    case 'pdf':
      return extractPdf(source, sink, opts);
    case 'docx':
    case 'pptx':
    case 'xlsx':
      return withFile(source, opts, async (path) => {
        const zip = await ZipReader.open(path, opts);
        try {
          const outline =
            kind === 'docx'
              ? await extractDocx(zip, sink)
              : kind === 'pptx'
                ? await extractPptx(zip, sink)
                : await extractXlsx(zip, sink);
          return { text: sink.toString(), outline, truncated: sink.truncated || zip.truncated };
        } finally {
          zip.close();
        }
      });
    case 'doc':
    case 'ppt':
    case 'xls':
    case 'mp4':
    case 'webm':
    case 'mp3':
    case 'm4a':
    case 'png':
    case 'jpeg':
    case 'gif':
    case 'webp':
      if (typeof source !== 'string') source.destroy();
      return { text: '', truncated: false };
  }
}

function definedOnly(options: ExtractOptions): ExtractOptions {
  const out: ExtractOptions = {};
  for (const [key, value] of Object.entries(options) as [keyof ExtractOptions, number | undefined][]) {
    if (value !== undefined) {
      if (!Number.isSafeInteger(value) || value < 0)
        throw new TypeError(`${key} must be a non-negative integer`);
      out[key] = value;
    }
  }
  return out;
}

/** Runs `work` on a file path, spooling a stream to a private temp file first (then removed). */
async function withFile(
  source: string | Readable,
  opts: ResolvedOptions,
  work: (path: string) => Promise<ExtractResult>,
): Promise<ExtractResult> {
  if (typeof source === 'string') {
    const st = await stat(source);
    if (st.size > opts.maxInputBytes) return { text: '', truncated: true };
    return work(source);
  }
  const dir = await mkdtemp(join(tmpdir(), 'tongke-extract-'));
  try {
    const path = join(dir, 'input');
    let size = 0;
    let tooLarge = false;
    await pipeline(
      source,
      async function* limit(chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          size += chunk.length;
          if (size > opts.maxInputBytes) {
            tooLarge = true;
            return;
          }
          yield chunk;
        }
      },
      createWriteStream(path, { mode: 0o600 }),
    );
    if (tooLarge) {
      source.destroy();
      return { text: '', truncated: true };
    }
    return await work(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function extractPlain(
  source: string | Readable,
  kind: 'txt' | 'md',
  sink: TextSink,
): Promise<ExtractResult> {
  const stream = typeof source === 'string' ? createReadStream(source) : source;
  const decoder = new StringDecoder('utf8');
  let first = true;
  try {
    for await (const chunk of stream) {
      let text = decoder.write(chunk as Buffer);
      if (first && text !== '') {
        text = text.replace(/^\uFEFF/, '');
        first = false;
      }
      sink.add(text);
      if (sink.full) {
        sink.truncated = true;
        break;
      }
    }
    if (!sink.full) sink.add(decoder.end());
  } finally {
    stream.destroy();
  }
  const text = sink.toString();
  return kind === 'md'
    ? { text, outline: markdownHeadings(text), truncated: sink.truncated }
    : { text, truncated: sink.truncated };
}

/** ATX headings ("# Title"), ignoring fenced code blocks. */
export function markdownHeadings(text: string): string[] {
  const headings: string[] = [];
  let fence: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch?.[1] !== undefined) {
      const marker = fenceMatch[1].charAt(0);
      if (fence === undefined) fence = marker;
      else if (fence === marker) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading?.[1] !== undefined && heading[1] !== '') headings.push(heading[1]);
  }
  return headings;
}

async function readAll(source: string | Readable, maxBytes: number): Promise<Buffer | null> {
  if (typeof source === 'string') {
    const fh = await open(source, 'r');
    try {
      const st = await fh.stat();
      if (st.size > maxBytes) return null;
      return await fh.readFile();
    } finally {
      await fh.close();
    }
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > maxBytes) return null;
      chunks.push(buffer);
    }
  } finally {
    source.destroy();
  }
  return Buffer.concat(chunks, size);
}

interface PdfOutlineNode {
  title: string;
  items: PdfOutlineNode[];
}

async function extractPdf(
  source: string | Readable,
  sink: TextSink,
  opts: ResolvedOptions,
): Promise<ExtractResult> {
  const bytes = await readAll(source, opts.maxInputBytes);
  if (bytes === null) return { text: '', truncated: true };
  const { getDocumentProxy } = await import('unpdf');
  let pdf;
  try {
    pdf = await getDocumentProxy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      verbosity: 0,
      isEvalSupported: false,
      disableFontFace: true,
    });
  } catch (err) {
    throw new TextExtractionError(`unreadable PDF (${err instanceof Error ? err.message : String(err)})`, {
      cause: err,
    });
  }
  try {
    for (let pageNumber = 1; pageNumber <= pdf.numPages; pageNumber += 1) {
      if (sink.full) {
        sink.truncated = true;
        break;
      }
      const page = await pdf.getPage(pageNumber);
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items) {
        if ('str' in item) text += item.str + (item.hasEOL ? '\n' : '');
      }
      page.cleanup();
      if (pageNumber > 1) sink.add('\n\n');
      sink.add(text.trim());
    }
    const outline: string[] = [];
    const walk = (nodes: readonly PdfOutlineNode[]): void => {
      for (const node of nodes) {
        if (outline.length >= 1000) return;
        if (node.title.trim() !== '') outline.push(node.title.trim());
        walk(node.items);
      }
    };
    walk((await pdf.getOutline()) ?? []);
    const result: ExtractResult = { text: sink.toString(), truncated: sink.truncated };
    if (outline.length > 0) result.outline = outline;
    return result;
  } catch (err) {
    throw new TextExtractionError(
      `PDF text extraction failed (${err instanceof Error ? err.message : String(err)})`,
      {
        cause: err,
      },
    );
  } finally {
    await pdf.destroy();
  }
}
