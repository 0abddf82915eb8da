import { fileTypeFromBuffer } from 'file-type';
import { DisallowedFileTypeError, EmptyFileError } from './errors.js';

export type FileKind =
  | 'pdf'
  | 'docx'
  | 'pptx'
  | 'xlsx'
  | 'doc'
  | 'ppt'
  | 'xls'
  | 'mp4'
  | 'webm'
  | 'mp3'
  | 'm4a'
  | 'png'
  | 'jpeg'
  | 'gif'
  | 'webp'
  | 'txt'
  | 'md';

export interface FileKindInfo {
  /** Canonical extension (no dot). */
  ext: string;
  mime: string;
  /** Extensions a correctly named file of this kind may carry. */
  extensions: readonly string[];
}

export const FILE_KINDS: Readonly<Record<FileKind, FileKindInfo>> = {
  pdf: { ext: 'pdf', mime: 'application/pdf', extensions: ['pdf'] },
  docx: {
    ext: 'docx',
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    extensions: ['docx'],
  },
  pptx: {
    ext: 'pptx',
    mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    extensions: ['pptx'],
  },
  xlsx: {
    ext: 'xlsx',
    mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extensions: ['xlsx'],
  },
  doc: { ext: 'doc', mime: 'application/msword', extensions: ['doc'] },
  ppt: { ext: 'ppt', mime: 'application/vnd.ms-powerpoint', extensions: ['ppt', 'pps'] },
  xls: { ext: 'xls', mime: 'application/vnd.ms-excel', extensions: ['xls'] },
  mp4: { ext: 'mp4', mime: 'video/mp4', extensions: ['mp4', 'm4v'] },
  webm: { ext: 'webm', mime: 'video/webm', extensions: ['webm'] },
  mp3: { ext: 'mp3', mime: 'audio/mpeg', extensions: ['mp3'] },
  m4a: { ext: 'm4a', mime: 'audio/mp4', extensions: ['m4a'] },
  png: { ext: 'png', mime: 'image/png', extensions: ['png', 'apng'] },
  jpeg: { ext: 'jpg', mime: 'image/jpeg', extensions: ['jpg', 'jpeg', 'jpe', 'jfif'] },
  gif: { ext: 'gif', mime: 'image/gif', extensions: ['gif'] },
  webp: { ext: 'webp', mime: 'image/webp', extensions: ['webp'] },
  txt: { ext: 'txt', mime: 'text/plain', extensions: ['txt', 'text'] },
  md: { ext: 'md', mime: 'text/markdown', extensions: ['md', 'markdown'] },
};

export interface SniffResult {
  kind: FileKind;
  /** Canonical extension for the kind (the upload path should store the file under it). */
  ext: string;
  mime: string;
  /** Text kinds are always UTF-8. */
  charset?: 'utf-8';
  /** Whether the declared file name already carries an extension of this kind. */
  declaredExtMatches: boolean;
}

export interface SniffOptions {
  /**
   * true (default): `head` is the whole file. false: it is only the beginning (inspectStream
   * passes false when the file is longer than what it peeked), so a multi-byte UTF-8 character
   * cut at the end is not an error and an OLE directory may lie beyond it.
   */
  complete?: boolean;
}

/** Map of file-type results to allowed kinds. */
const FROM_FILE_TYPE: Readonly<Record<string, FileKind>> = {
  pdf: 'pdf',
  docx: 'docx',
  pptx: 'pptx',
  xlsx: 'xlsx',
  mp4: 'mp4',
  m4v: 'mp4',
  webm: 'webm',
  mp3: 'mp3',
  m4a: 'm4a',
  png: 'png',
  apng: 'png',
  jpg: 'jpeg',
  gif: 'gif',
  webp: 'webp',
};

const EXECUTABLES = new Set([
  'exe',
  'elf',
  'macho',
  'dll',
  'msi',
  'class',
  'wasm',
  'dex',
  'apk',
  'jar',
  'deb',
  'rpm',
  'sh',
]);
const ARCHIVES = new Set(['zip', '7z', 'rar', 'gz', 'bz2', 'xz', 'tar', 'zst', 'lz', 'cab', 'ar']);
const MACRO_OFFICE = new Set(['docm', 'dotm', 'xlsm', 'xltm', 'pptm', 'potm', 'ppsm']);

const TEXT_EXTENSIONS = new Set(['txt', 'text', 'md', 'markdown']);

export function extensionOf(name: string | undefined): string {
  if (name === undefined) return '';
  const base = name.split(/[/\\]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

function result(kind: FileKind, declaredExt: string): SniffResult {
  const info = FILE_KINDS[kind];
  const out: SniffResult = {
    kind,
    ext: info.ext,
    mime: info.mime,
    declaredExtMatches: info.extensions.includes(declaredExt),
  };
  if (kind === 'txt' || kind === 'md') out.charset = 'utf-8';
  return out;
}

/**
 * Decides the kind of a file from its first bytes (magic numbers via `file-type`, plus checks of
 * our own), never from its name — except to choose among doc / ppt / xls when the bytes are an
 * OLE container whose directory is beyond `head`, and txt vs md for text.
 *
 * Throws EmptyFileError for no bytes, DisallowedFileTypeError for everything not allowed:
 * executables (MZ, ELF, Mach-O), scripts (#!), HTML / SVG / XML, plain or macro-enabled
 * archives, text that is not UTF-8 (GB18030 / GBK text is out of scope and rejected), ...
 */
export async function sniffFileType(
  head: Buffer | Uint8Array,
  declaredName?: string,
  options: SniffOptions = {},
): Promise<SniffResult> {
  const bytes = Buffer.isBuffer(head) ? head : Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const complete = options.complete ?? true;
  const declaredExt = extensionOf(declaredName);
  if (bytes.length === 0) throw new EmptyFileError();

  let detected: { ext: string; mime: string } | undefined;
  try {
    detected = await fileTypeFromBuffer(bytes);
  } catch {
    detected = undefined;
  }

  if (detected !== undefined) {
    const kind = FROM_FILE_TYPE[detected.ext];
    if (kind !== undefined) return result(kind, declaredExt);
    if (detected.ext === 'cfb') return result(oleKind(bytes, declaredExt, complete), declaredExt);
    throw disallowedFor(detected.ext, detected.mime);
  }
  return result(textKind(bytes, declaredExt, complete), declaredExt);
}

function disallowedFor(ext: string, mime: string): DisallowedFileTypeError {
  if (EXECUTABLES.has(ext)) {
    return new DisallowedFileTypeError(
      `可执行程序或安装包（${ext}）`,
      `executable or installer (${ext})`,
      ext,
    );
  }
  if (MACRO_OFFICE.has(ext)) {
    return new DisallowedFileTypeError(
      `含宏的 Office 文档（${ext}），请另存为不含宏的格式`,
      `macro-enabled Office document (${ext}); save it without macros`,
      ext,
    );
  }
  if (ARCHIVES.has(ext)) {
    return new DisallowedFileTypeError(
      `压缩包（${ext}），请解压后上传其中的文件`,
      `archive (${ext}); upload the files inside it`,
      ext,
    );
  }
  if (ext === 'mov' || ext === 'mkv' || ext === 'avi' || ext === 'flv' || ext === 'wmv') {
    return new DisallowedFileTypeError(
      `${ext} 视频，请转换为 MP4 或 WebM`,
      `${ext} video; convert it to MP4 or WebM`,
      ext,
    );
  }
  if (ext === 'xml' || ext === 'svg' || ext === 'html') {
    return new DisallowedFileTypeError(`网页或 XML/SVG 文件（${ext}）`, `web page or XML/SVG (${ext})`, ext);
  }
  return new DisallowedFileTypeError(`检测到 ${ext}（${mime}）`, `detected ${ext} (${mime})`, ext);
}

// ---------------------------------------------------------------------------------------------
// Legacy Office (OLE2 / Compound File Binary)

const OLE_STREAMS: readonly (readonly [string, FileKind])[] = [
  ['WordDocument', 'doc'],
  ['PowerPoint Document', 'ppt'],
  ['Workbook', 'xls'],
  ['Book', 'xls'],
];

/**
 * Names of the directory entries found in `bytes`. Directory sectors are sector-aligned and
 * entries are 128 bytes, so every entry starts at a file offset that is a multiple of 128; an
 * entry is recognised by its name-length field and its type byte (1 storage, 2 stream, 5 root).
 */
export function oleDirectoryNames(bytes: Buffer): Set<string> {
  const names = new Set<string>();
  for (let offset = 512; offset + 128 <= bytes.length; offset += 128) {
    const nameLength = bytes.readUInt16LE(offset + 64);
    const type = bytes[offset + 66];
    if (nameLength < 4 || nameLength > 64 || nameLength % 2 !== 0 || (type !== 1 && type !== 2 && type !== 5))
      continue;
    if (bytes.readUInt16LE(offset + nameLength - 2) !== 0) continue; // NUL terminator
    const name = bytes.toString('utf16le', offset, offset + nameLength - 2);
    // eslint-disable-next-line no-control-regex -- OLE names may start with \x01..\x06 (e.g. \x05SummaryInformation)
    if (/^[\x20-\x7e\u0001-\u0006]+$/.test(name)) names.add(name);
  }
  return names;
}

function oleKind(bytes: Buffer, declaredExt: string, complete: boolean): FileKind {
  const names = oleDirectoryNames(bytes);
  const found = OLE_STREAMS.filter(([stream]) => names.has(stream)).map(([, kind]) => kind);
  const declaredKind: FileKind | undefined =
    declaredExt === 'doc'
      ? 'doc'
      : declaredExt === 'ppt' || declaredExt === 'pps'
        ? 'ppt'
        : declaredExt === 'xls'
          ? 'xls'
          : undefined;
  if (found.length > 0) {
    // A document can embed others (a Word file with an Excel object): the declared extension
    // picks among the kinds present; otherwise the first (host) kind in priority order wins.
    if (declaredKind !== undefined && found.includes(declaredKind)) return declaredKind;
    return found[0];
  }
  if (!complete && declaredKind !== undefined) return declaredKind;
  if (complete) {
    return oleRejected(
      '不是 Word/PowerPoint/Excel 97-2003 文档的 OLE 文件（例如 MSI 安装包）',
      'an OLE container that is not a Word/PowerPoint/Excel 97-2003 document (e.g. an MSI installer)',
    );
  }
  return oleRejected(
    '无法确定 Office 97-2003 文件的类型，请使用 .doc/.ppt/.xls 扩展名',
    'cannot tell which Office 97-2003 format this is; name it .doc, .ppt or .xls',
  );
}

function oleRejected(zh: string, en: string): never {
  throw new DisallowedFileTypeError(zh, en, 'cfb');
}

// ---------------------------------------------------------------------------------------------
// Text

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
// Disallowed control characters: C0 except \t \n \v \f \r, and DEL.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const BINARY_CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f]/;
// Markup a browser could render: any tag, doctype, comment or XML declaration at the start.
const MARKUP_START = /^<(?:[a-z!?/])/i;

function textKind(bytes: Buffer, declaredExt: string, complete: boolean): FileKind {
  const body = bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes;
  if (body.length === 0) throw new EmptyFileError();
  if (body.includes(0)) {
    throw new DisallowedFileTypeError('无法识别的二进制文件', 'unrecognised binary file', 'binary');
  }
  let text: string;
  try {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    text = decoder.decode(body, { stream: !complete });
  } catch {
    throw new DisallowedFileTypeError(
      '文本不是 UTF-8 编码（GBK/GB18030 等编码请先另存为 UTF-8）',
      'text is not UTF-8 (save GBK/GB18030 text as UTF-8 first)',
      'binary',
    );
  }
  if (BINARY_CONTROL.test(text)) {
    throw new DisallowedFileTypeError(
      '文本中含有控制字符，疑似二进制文件',
      'control characters in text; looks binary',
      'binary',
    );
  }
  const start = text.replace(/^[\s\uFEFF\u00A0\u2000-\u200B\u3000]+/u, '');
  if (start.startsWith('#!')) {
    throw new DisallowedFileTypeError('脚本文件（#!）', 'script (#!)', 'script');
  }
  if (MARKUP_START.test(start)) {
    throw new DisallowedFileTypeError('网页、SVG 或 XML 文件', 'HTML, SVG or XML document', 'markup');
  }
  if (declaredExt !== '' && !TEXT_EXTENSIONS.has(declaredExt)) {
    throw new DisallowedFileTypeError(
      `纯文本只接受 .txt 或 .md 文件（收到 .${declaredExt}）`,
      `plain text is accepted as .txt or .md only (got .${declaredExt})`,
      'text',
    );
  }
  return declaredExt === 'md' || declaredExt === 'markdown' ? 'md' : 'txt';
}
