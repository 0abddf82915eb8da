import {
  SEARCH_FACETS,
  type ResourceSearchDocument,
  type SearchFacetName,
  type SearchFilters,
  type SearchViewer,
} from '../search.types.js';

/** Interns strings to small integers so per-document attributes live in typed arrays. */
class Interner {
  private readonly codes = new Map<string, number>();
  readonly values: string[] = [];

  intern(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.codes.set(value, code);
    }
    return code;
  }

  lookup(value: string | null): number {
    return value === null ? -1 : (this.codes.get(value) ?? -1);
  }

  get size(): number {
    return this.values.length;
  }
}

const STATUS = { draft: 0, pending_review: 1, published: 2, withdrawn: 3 } as const;
const VISIBILITY = { private: 0, school: 1, district: 2, public: 3 } as const;

/** A viewer resolved to interned codes once per query. */
export interface ResolvedViewer {
  user: number;
  school: number;
  region: number;
  admin: boolean;
}

/** Per facet, which interned values pass (null: no filter on that facet). */
export type FilterMasks = { facet: SearchFacetName; codes: Int32Array; allowed: Uint8Array }[];

export type SortKey = 'createdAt' | 'downloads' | 'ratingAvg' | 'ratingCount';

/**
 * Column store of the attributes queries filter, facet and sort on, indexed by slot. Keeping them
 * in typed arrays makes visibility, filters and facet counts a tight loop over the matching slots
 * (about a millisecond for 100k documents) instead of object walks.
 */
export class DocColumns {
  private capacity = 0;
  live = new Uint8Array(0);
  private status = new Uint8Array(0);
  private visibility = new Uint8Array(0);
  private school = new Int32Array(0);
  private region = new Int32Array(0);
  private author = new Int32Array(0);
  readonly sortValues: Record<SortKey, Float64Array> = {
    createdAt: new Float64Array(0),
    downloads: new Float64Array(0),
    ratingAvg: new Float64Array(0),
    ratingCount: new Float64Array(0),
  };
  readonly facetCodes = {} as Record<SearchFacetName, Int32Array>;
  private readonly facetValues = {} as Record<SearchFacetName, Interner>;
  private readonly schools = new Interner();
  private readonly regions = new Interner();
  private readonly users = new Interner();

  constructor() {
    for (const f of SEARCH_FACETS) {
      this.facetCodes[f] = new Int32Array(0);
      this.facetValues[f] = new Interner();
    }
  }

  private ensure(slot: number): void {
    if (slot < this.capacity) return;
    const next = Math.max(1024, this.capacity * 2, slot + 1);
    const grow = <T extends Uint8Array | Int32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const copy = make(next);
      copy.set(old);
      return copy;
    };
    this.live = grow(this.live, (n) => new Uint8Array(n));
    this.status = grow(this.status, (n) => new Uint8Array(n));
    this.visibility = grow(this.visibility, (n) => new Uint8Array(n));
    this.school = grow(this.school, (n) => new Int32Array(n));
    this.region = grow(this.region, (n) => new Int32Array(n));
    this.author = grow(this.author, (n) => new Int32Array(n));
    for (const key of Object.keys(this.sortValues) as SortKey[]) {
      this.sortValues[key] = grow(this.sortValues[key], (n) => new Float64Array(n));
    }
    for (const f of SEARCH_FACETS) this.facetCodes[f] = grow(this.facetCodes[f], (n) => new Int32Array(n));
    this.capacity = next;
  }

  set(slot: number, doc: ResourceSearchDocument): void {
    this.ensure(slot);
    this.live[slot] = 1;
    this.status[slot] = STATUS[doc.status];
    this.visibility[slot] = VISIBILITY[doc.visibility];
    this.school[slot] = this.schools.intern(doc.schoolId);
    this.region[slot] = this.regions.intern(doc.regionId);
    this.author[slot] = this.users.intern(doc.authorId);
    this.sortValues.createdAt[slot] = doc.createdAt;
    this.sortValues.downloads[slot] = doc.downloads;
    this.sortValues.ratingAvg[slot] = doc.ratingAvg;
    this.sortValues.ratingCount[slot] = doc.ratingCount;
    for (const f of SEARCH_FACETS) this.facetCodes[f][slot] = this.facetValues[f].intern(doc[f]);
  }

  remove(slot: number): void {
    if (slot < this.capacity) this.live[slot] = 0;
  }

  get slotCount(): number {
    return this.capacity;
  }

  resolveViewer(viewer: SearchViewer): ResolvedViewer {
    return {
      user: this.users.lookup(viewer.userId),
      school: this.schools.lookup(viewer.schoolId),
      region: this.regions.lookup(viewer.regionId),
      admin: viewer.isPlatformAdmin,
    };
  }

  /** Same rule as isVisibleTo(), on interned columns; unknown ids resolve to -1 and match nothing. */
  isVisible(slot: number, v: ResolvedViewer): boolean {
    if (this.live[slot] !== 1) return false;
    if (v.user >= 0 && this.author[slot] === v.user) return true;
    if (this.status[slot] !== STATUS.published) return false;
    if (v.admin) return true;
    switch (this.visibility[slot]) {
      case VISIBILITY.public:
        return true;
      case VISIBILITY.district:
        return v.region >= 0 && this.region[slot] === v.region;
      case VISIBILITY.school:
        return v.school >= 0 && this.school[slot] === v.school;
      default:
        return false;
    }
  }

  /** Compiles filters to per-facet masks over interned values; values never seen match nothing. */
  filterMasks(filters: SearchFilters | undefined): FilterMasks {
    const masks: FilterMasks = [];
    if (!filters) return masks;
    for (const f of SEARCH_FACETS) {
      const wanted = filters[f];
      if (wanted === undefined || wanted.length === 0) continue;
      const allowed = new Uint8Array(this.facetValues[f].size + 1);
      for (const value of wanted) {
        const code = this.facetValues[f].lookup(value);
        if (code >= 0) allowed[code] = 1;
      }
      masks.push({ facet: f, codes: this.facetCodes[f], allowed });
    }
    return masks;
  }

  passesFilters(slot: number, masks: FilterMasks): boolean {
    for (const m of masks) if (m.allowed[m.codes[slot] ?? -1] !== 1) return false;
    return true;
  }

  /** Facet value counts over the given slots. */
  facetCounts(slots: Int32Array, n: number): Record<SearchFacetName, Record<string, number>> {
    const out = {} as Record<SearchFacetName, Record<string, number>>;
    for (const f of SEARCH_FACETS) {
      const codes = this.facetCodes[f];
      const counts = new Int32Array(this.facetValues[f].size);
      for (let i = 0; i < n; i += 1) counts[codes[slots[i] ?? 0] ?? 0] += 1;
      const record: Record<string, number> = {};
      const values = this.facetValues[f].values;
      for (let c = 0; c < counts.length; c += 1) {
        const count = counts[c] ?? 0;
        if (count > 0) record[values[c] ?? ''] = count;
      }
      out[f] = record;
    }
    return out;
  }
}
