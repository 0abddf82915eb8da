export type FilesErrorCode = 'DISALLOWED_FILE_TYPE' | 'EMPTY_FILE' | 'FILE_TOO_LARGE' | 'EXTRACTION_FAILED';

export abstract class FilesError extends Error {
  abstract readonly code: FilesErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * The bytes are not one of the allowed kinds. `message` is bilingual (Chinese, then English)
 * and safe to show to the uploader; `detected` is what the bytes look like, when known.
 */
export class DisallowedFileTypeError extends FilesError {
  readonly code = 'DISALLOWED_FILE_TYPE' as const;

  constructor(
    readonly reasonZh: string,
    readonly reasonEn: string,
    readonly detected?: string,
  ) {
    super(`不支持的文件类型：${reasonZh} / Disallowed file type: ${reasonEn}`);
  }
}

export class EmptyFileError extends FilesError {
  readonly code = 'EMPTY_FILE' as const;

  constructor() {
    super('文件为空 / The file is empty');
  }
}

export class FileTooLargeError extends FilesError {
  readonly code = 'FILE_TOO_LARGE' as const;

  constructor(readonly maxBytes: number) {
    super(`文件超过 ${maxBytes} 字节的上限 / The file exceeds the limit of ${maxBytes} bytes`);
  }
}

/** The file could not be parsed for text (corrupt archive, encrypted PDF, ...). */
export class TextExtractionError extends FilesError {
  readonly code = 'EXTRACTION_FAILED' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(`无法提取文本 / Text extraction failed: ${message}`, options);
  }
}
