import { SEARCH_FACETS, type SearchFacetCounts, type SearchHit, type SearchResult } from '../search.types.js';
import { ALL_CONTRACT_DOCS } from '../testing/contract-fixtures.js';
import { renderSearchAnswer, toSearchResponse } from './search-response.js';

const facets = Object.fromEntries(SEARCH_FACETS.map((f) => [f, {}])) as SearchFacetCounts;
facets.subject = { math: 3, physics: 1 };
// Ties (ordered by label), a value without a taxonomy label, a selected value with no count.
facets.grade = { 七年级: 2, 八年级: 2, 九年级: 5 };
facets.edition = { pep: 2, bsd: 2, 'no-such-edition': 1 };
facets.schoolLocale = { rural: 4, urban: 4, town: 0 };

function hitOf(n: number, highlights: SearchHit['highlights'] = {}): SearchHit {
  const { extractedText: _text, ...doc } = ALL_CONTRACT_DOCS[n] ?? ALL_CONTRACT_DOCS[0];
  return { id: doc.id, highlights, doc };
}

const page = (hits: SearchHit[]): SearchResult => ({ hits, total: 41, page: 2, pageSize: 20, facets });
const text = (body: Uint8Array): string => Buffer.from(body).toString('utf8');

describe('renderSearchAnswer', () => {
  const query = {
    q: '勾股 "hits":[] \\ </script>',
    filters: { subject: ['math'], stage: ['junior'], schoolLocale: ['town'] },
    sort: 'newest' as const,
  };

  it('gives exactly the JSON of the response, with a weak ETag of its length and content', () => {
    const hits = [hitOf(0, { title: '<mark>勾股</mark>定理' }), hitOf(1), hitOf(2)];
    const etags = new Set<string>();
    for (const result of [page(hits), page([]), { ...page(hits.slice(0, 1)), didYouMean: 'gougu' }]) {
      const { body, etag } = renderSearchAnswer(query, result, facets);
      expect(text(body)).toBe(JSON.stringify(toSearchResponse(query, result, facets)));
      expect(etag).toMatch(new RegExp(`^W/"${body.length.toString(16)}-[\\w+/]{27}"$`));
      etags.add(etag);
      // Rendered again (hits from their kept bytes): the same ETag.
      expect(renderSearchAnswer(query, result, facets).etag).toBe(etag);
      // The body owns its buffer, so the search thread can transfer it.
      expect(body.byteOffset).toBe(0);
      expect(body.byteLength).toBe(body.buffer.byteLength);
    }
    expect(etags.size).toBe(3);
    // One character of one hit changes the ETag, even at the same length.
    const renamed: SearchHit = {
      ...hits[1],
      doc: { ...hits[1].doc, title: hits[1].doc.title.replace(/.$/, '＊') },
    };
    const before = renderSearchAnswer(query, page(hits), facets);
    const after = renderSearchAnswer(query, page([hits[0], renamed, hits[2]]), facets);
    expect(after.etag).not.toBe(before.etag);
    // Hits swapped: same bytes in another order, another ETag.
    expect(renderSearchAnswer(query, page([hits[1], hits[0], hits[2]]), facets).etag).not.toBe(before.etag);
  });

  it('writes the body where it is told to when it fits, and into a buffer of its own otherwise', () => {
    const result = page([hitOf(0), hitOf(1)]);
    const expected = renderSearchAnswer(query, result, facets);
    const slot = new Uint8Array(new SharedArrayBuffer(64 * 1024), 128, expected.body.length);
    const into = renderSearchAnswer(query, result, facets, (n) => (n === slot.length ? slot : undefined));
    expect(into.body).toBe(slot);
    expect(text(into.body)).toBe(text(expected.body));
    expect(into.etag).toBe(expected.etag);
    const own = renderSearchAnswer(query, result, facets, () => undefined);
    expect(own.body.buffer).toBeInstanceOf(ArrayBuffer);
    expect(text(own.body)).toBe(text(expected.body));
  });

  it('renders a new version of a document and new highlights, never a kept hit of an older one', () => {
    const first = hitOf(0, { title: '<mark>勾股</mark>定理' });
    const before = JSON.parse(text(renderSearchAnswer(query, page([first]), facets).body)) as {
      hits: { counts: { downloads: number }; highlights: { title?: string } }[];
    };
    // The engine replaces a document's object on every write (here: one more download).
    const counted: SearchHit = { ...first, doc: { ...first.doc, downloads: first.doc.downloads + 1 } };
    const after = JSON.parse(text(renderSearchAnswer(query, page([counted]), facets).body)) as typeof before;
    expect(after.hits[0]?.counts.downloads).toBe((before.hits[0]?.counts.downloads ?? 0) + 1);
    const other = { ...counted, highlights: { title: '勾股<mark>定理</mark>' } };
    const again = JSON.parse(text(renderSearchAnswer(query, page([other]), facets).body)) as typeof before;
    expect(again.hits[0]?.highlights.title).toBe('勾股<mark>定理</mark>');
  });
});
