export {
  normalizeText,
  normalizeForDisplay,
  normalizeWithOffsets,
  containsHan,
  isLatinLettersOnly,
} from './normalize.js';
export { indexTokens, segmentHanRun, cutPrecise, splitPieces, splitAlnum, isStopWord } from './segment.js';
export type { HanWord, TextPiece, TextPieceKind } from './segment.js';
export { pinyinTokens, type PinyinTokens } from './pinyin.js';
export { buildSynonymMap, DEFAULT_SYNONYMS, type SynonymMap } from './synonyms.js';
export {
  prepareDocument,
  labelText,
  capExtractedText,
  phraseHaystack,
  TEXT_FIELDS,
  type PreparedDocument,
  type TextField,
} from './prepare-document.js';
export {
  prepareQuery,
  containsPhrase,
  type PreparedQuery,
  type QueryGroup,
  type QueryAlternative,
} from './prepare-query.js';
export { highlightText, escapeHtml, type HighlightRequest, type SnippetOptions } from './highlight.js';
