export * from './errors.js';
export * from './sniff.js';
export * from './inspect.js';
export * from './filename.js';
export {
  extractText,
  markdownHeadings,
  type ExtractOptions,
  type ExtractResult,
} from './extract/extract-text.js';
