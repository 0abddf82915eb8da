import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedSearchEngine, type ResourceSearchDocument, type SearchViewer } from '@tongke/search';

/**
 * The indexer re-sends a resource's whole document on every change (an edit, an upload, the text
 * extraction, a review): each re-send must leave it findable by every word it still has.
 * (Regression: replaced documents' postings counted in df but not in N gave negative IDF.)
 */
const author: SearchViewer = { userId: 'author', schoolId: null, regionId: null, isPlatformAdmin: false };

const doc = (id: string, over: Partial<ResourceSearchDocument> = {}): ResourceSearchDocument => ({
  id,
  title: '一元一次方程 教学设计',
  description: '人教版七年级上册第三单元',
  tags: ['方程'],
  subject: 'math',
  subjectName: '数学',
  stage: 'junior',
  stageName: '初中',
  grade: '七年级',
  edition: 'pep',
  editionName: '人教版',
  volume: 'first',
  volumeName: '上册',
  unit: '第三单元',
  lessonPeriod: '1',
  resourceType: 'lesson_plan',
  resourceTypeName: '教学设计',
  license: 'cc-by-4.0',
  authorId: 'author',
  authorName: '王老师',
  schoolId: 's',
  schoolName: '实验中学',
  schoolLocale: 'urban',
  regionId: 'r',
  visibility: 'school',
  status: 'draft',
  extractedText: '',
  createdAt: 1,
  downloads: 0,
  ratingAvg: 0,
  ratingCount: 0,
  ...over,
});

describe('embedded engine: documents sent again and again stay findable', () => {
  let dir: string;
  let engine: EmbeddedSearchEngine;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tongke-updates-'));
    engine = new EmbeddedSearchEngine({ dataDir: dir, flushDelayMs: 60_000 });
  });
  afterEach(async () => {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  const ids = async (q: string): Promise<string[]> =>
    (await engine.search({ q, pageSize: 100 }, author)).hits.map((h) => h.id).sort();

  it('finds a lone resource by its title, then by its file text, after each re-send', async () => {
    await engine.upsert([doc('a')]);
    expect(await ids('方程')).toEqual(['a']);
    await engine.upsert([doc('a')]);
    expect(await ids('方程')).toEqual(['a']);
    await engine.upsert([doc('a', { extractedText: '赵爽弦图与面积拼补' })]);
    expect(await ids('方程')).toEqual(['a']);
    expect(await ids('赵爽弦图')).toEqual(['a']);
    await engine.upsert([doc('a', { extractedText: '赵爽弦图与面积拼补', status: 'published' })]);
    expect(await ids('赵爽弦图 方程')).toEqual(['a']);
  });

  it('keeps a word found in every resource while many of them are edited', async () => {
    const all = Array.from({ length: 30 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    await engine.upsert(all.map((id) => doc(id)));
    for (let round = 0; round < 3; round += 1)
      await engine.upsert(all.slice(0, 20).map((id) => doc(id, { title: `一元一次方程 第${round}稿` })));
    expect(await ids('方程')).toEqual(all);
    expect(await ids('第2稿')).toEqual(all.slice(0, 20));
    // Words only an earlier version had are gone.
    expect(await ids('第0稿')).toEqual([]);
  });
});
