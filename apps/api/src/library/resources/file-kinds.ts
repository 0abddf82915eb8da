/** File kinds (from libs/files sniffing) by how the library treats them. */
export const INLINE_PREVIEW_KINDS: ReadonlySet<string> = new Set([
  'pdf',
  'png',
  'jpeg',
  'gif',
  'webp',
  'mp4',
  'webm',
  'mp3',
  'm4a',
  'txt',
  'md',
]);

/** Office documents LibreOffice can render to PDF. */
export const OFFICE_KINDS: ReadonlySet<string> = new Set(['docx', 'pptx', 'xlsx', 'doc', 'ppt', 'xls']);

/** Kinds whose text is extracted for search (legacy binary office formats are not). */
export const EXTRACTABLE_KINDS: ReadonlySet<string> = new Set(['pdf', 'docx', 'pptx', 'xlsx', 'txt', 'md']);

/** Already-compressed kinds are stored as-is in zips; only plain text is worth deflating. */
export const COMPRESSIBLE_KINDS: ReadonlySet<string> = new Set(['txt', 'md']);
