import { editDistance, pickCorrection } from './did-you-mean.js';
import { highlightText } from './highlight.js';
import { normalizeText, normalizeWithOffsets } from './normalize.js';
import { pinyinTokens } from './pinyin.js';
import { prepareQuery } from './prepare-query.js';
import { indexTokens } from './segment.js';

describe('text folding', () => {
  it('folds traditional, full width, case and spacing', () => {
    expect(normalizeText('八年級數學　ＵＮＩＴ３  Ｕｎｉｔ 3')).toBe('八年级数学 unit3 unit 3');
  });

  it('keeps offsets back to the original text for highlighting', () => {
    const { text, sourceIndex } = normalizeWithOffsets('Ａ數學');
    expect(text).toBe('a数学');
    expect([...sourceIndex]).toEqual([0, 1, 2]);
  });
});

describe('segmentation', () => {
  it('indexes the parts of compounds so shorter words match inside them', () => {
    expect(indexTokens('一元一次方程')).toEqual(
      expect.arrayContaining(['一元一次方程', '方程', '一元', '一次']),
    );
    expect(indexTokens('二元一次方程组')).toEqual(expect.arrayContaining(['方程', '方程组']));
  });

  it('keeps section numbers such as 3.1 whole and splits letter-digit runs', () => {
    const tokens = indexTokens('3.1 勾股定理 unit3');
    expect(tokens).toEqual(expect.arrayContaining(['3.1', '勾股定理', '勾股', 'unit3', 'unit', '3']));
    expect(tokens).not.toContain('1');
  });

  it('finds dictionary words that the precise cut runs across when asked to', () => {
    expect(indexTokens('解一元一次方程组', { allDictionaryWords: true })).toContain('一次方程');
  });
});

describe('pinyin', () => {
  it('gives full pinyin per word and across words, and initials', () => {
    const { full, initials } = pinyinTokens('一元一次方程 数学');
    expect(full).toEqual(expect.arrayContaining(['yiyuanyicifangcheng', 'fangcheng', 'shuxue']));
    expect(initials).toEqual(expect.arrayContaining(['yyycfc', 'sx']));
  });

  it('reads polyphonic characters in context', () => {
    expect(pinyinTokens('重庆').full).toContain('chongqing');
  });
});

describe('query preparation', () => {
  it('cuts a teacher query into words with synonym alternatives', () => {
    const pq = prepareQuery('七年级 一元一次方程 教案');
    expect(pq.groups.map((g) => g.word)).toEqual(['七年级', '一元一次方程', '教案']);
    expect(pq.groups[2]?.alternatives.map((a) => a.terms)).toEqual([['教案'], ['教学设计']]);
    expect(pq.groups[0]?.alternatives.map((a) => a.terms)).toEqual([['七年级'], ['初一']]);
  });

  it('treats Latin-only queries as possible pinyin, and others not', () => {
    expect(prepareQuery('YiYuan').latinOnly).toBe(true);
    expect(prepareQuery('Unit 3 英语').latinOnly).toBe(false);
  });

  it('extracts quoted phrases (ASCII, curly and corner quotes)', () => {
    expect(prepareQuery('"勾股 定理" 课件').phrases).toEqual(['勾股 定理']);
    expect(prepareQuery('“光合作用” 「教学设计」').phrases).toEqual(['光合作用', '教学设计']);
  });

  it('treats a query of stop words only as empty', () => {
    expect(prepareQuery('的 了').isEmpty).toBe(true);
  });
});

describe('highlighting', () => {
  it('marks matches in the original characters and escapes the rest', () => {
    expect(highlightText('<b>數學</b> 课', { terms: ['数学'] })).toBe(
      '&lt;b&gt;<mark>數學</mark>&lt;/b&gt; 课',
    );
  });

  it('marks Latin terms only at word starts', () => {
    expect(highlightText('community unit', { terms: ['unit'] })).toBe('community <mark>unit</mark>');
  });

  it('marks the Han words a pinyin query spells', () => {
    expect(highlightText('七年级 一元一次方程', { terms: [], pinyinQueries: ['yyyc'] })).toBe(
      '七年级 <mark>一元一次</mark>方程',
    );
    expect(highlightText('七年级 一元一次方程', { terms: [], pinyinQueries: ['fangcheng'] })).toBe(
      '七年级 一元一次<mark>方程</mark>',
    );
  });

  it('cuts long text to a window around the first match', () => {
    const text = `${'前'.repeat(5000)}叶绿体${'后'.repeat(5000)}`;
    const snippet = highlightText(text, { terms: ['叶绿体'] }, { maxLength: 60 }) ?? '';
    expect(snippet).toContain('<mark>叶绿体</mark>');
    expect(snippet.replace(/<\/?mark>|…/g, '')).toHaveLength(60);
    expect(highlightText(text, { terms: ['光合'] }, { maxLength: 60 })).toBeUndefined();
  });
});

describe('did-you-mean', () => {
  it('measures edits', () => {
    expect(editDistance('pythgoras', 'pythagoras')).toBe(1);
    expect(editDistance('abc', 'xyz', 1)).toBe(2);
  });

  it('prefers fewer edits then more documents, and leaves real prefixes alone', () => {
    const candidates = [
      { term: 'fangcheng', distance: 1, freq: 3 },
      { term: 'fangchengzu', distance: 3, freq: 9 },
    ];
    expect(pickCorrection('fangchen', candidates, true)).toBe('fangcheng');
    expect(pickCorrection('yyyc', [{ term: 'yyycfc', distance: 2, freq: 5 }], true)).toBeUndefined();
  });
});
