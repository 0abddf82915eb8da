import { useCallback, useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  SEARCH_SORTS,
  type SearchHitDto,
  type SearchResponseDto,
  type SearchSortOrder,
} from '@tongke/contracts';
import { api, ApiError } from '../../api/client';
import { ErrorAlert, Loading, LocaleBadge, useLoad } from '../../components/ui';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDate, formatNumber } from '../../format';
import { facetValueLabel } from './facet-labels';
import { FacetSidebar } from './FacetSidebar';
import { Highlighted } from './Highlighted';
import { SearchBox } from './SearchBox';
import { readSearchState, toggleFilter, toRequest, writeSearchState, type SearchState } from './search-state';
import './library.css';

const PAGE_SIZE = 20;

/** 资源库: full-text search over the library with facets, highlighted results, sort and pages, all in the URL. */
export function LibrarySearchPage() {
  const { t } = useTranslation();
  usePageTitle(t('search.title'));
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  const state = useMemo(() => readSearchState(new URLSearchParams(key)), [key]);
  const { data, error, loading, reload } = useLoad(() => api.search(toRequest(state, PAGE_SIZE)), [key]);

  const go = useCallback(
    (next: SearchState) => setParams(writeSearchState(next), { preventScrollReset: false }),
    [setParams],
  );
  const hrefFor = (next: SearchState): string => `?${writeSearchState(next).toString()}`;
  const unavailable = error instanceof ApiError && error.code === 'SEARCH_UNAVAILABLE';

  return (
    <div className="library-search">
      <div className="page-head">
        <div>
          <h1>{t('search.title')}</h1>
          <p className="lead">{t('search.intro')}</p>
        </div>
      </div>
      <SearchBox initial={state.q} onSearch={(q) => go({ ...state, q, page: 1 })} />

      {unavailable ? (
        <div className="alert alert-error" role="alert" data-testid="search-unavailable">
          <p>{t('search.unavailable')}</p>
          <button type="button" className="btn btn-secondary btn-small" onClick={reload}>
            {t('app.retry')}
          </button>
        </div>
      ) : (
        <ErrorAlert error={error} onRetry={reload} />
      )}

      {loading && !data && <Loading />}
      {data && (
        <div className="search-layout">
          <FacetSidebar
            facets={data.facets}
            selected={state.filters}
            onToggle={(facet, value) => go(toggleFilter(state, facet, value))}
            onClear={() => go({ ...state, filters: {}, page: 1 })}
          />
          <section className="search-results" aria-busy={loading} aria-labelledby="search-total">
            <div className="toolbar search-toolbar">
              <p id="search-total" className="search-total" role="status" data-testid="search-total">
                {state.q
                  ? t('search.totalFor', { q: state.q, count: data.total })
                  : t('search.total', { count: data.total })}
              </p>
              <label htmlFor="search-sort">{t('search.sort')}</label>
              <select
                id="search-sort"
                value={data.sort}
                onChange={(e) => go({ ...state, sort: e.target.value as SearchSortOrder, page: 1 })}
                data-testid="search-sort"
              >
                {SEARCH_SORTS.filter((s) => s !== 'relevance' || state.q).map((s) => (
                  <option key={s} value={s}>
                    {t(`search.sorts.${s}`)}
                  </option>
                ))}
              </select>
            </div>
            {data.didYouMean && (
              <p className="search-did-you-mean" data-testid="did-you-mean">
                {t('search.didYouMean')}
                <Link to={hrefFor({ ...state, q: data.didYouMean, page: 1 })}>{data.didYouMean}</Link>
              </p>
            )}
            {data.hits.length === 0 ? (
              <div className="empty" data-testid="search-empty">
                <p>{t('search.empty')}</p>
                <p className="muted">{t('search.emptyHint')}</p>
              </div>
            ) : (
              <ol className="card-list search-hits" start={(data.page - 1) * data.pageSize + 1}>
                {data.hits.map((hit) => (
                  <SearchHit key={hit.id} hit={hit} from={key} />
                ))}
              </ol>
            )}
            <Pager data={data} hrefFor={(page) => hrefFor({ ...state, page })} />
          </section>
        </div>
      )}
    </div>
  );
}

function SearchHit({ hit, from }: { hit: SearchHitDto; from: string }) {
  const { t, i18n } = useTranslation();
  const h = hit.highlights;
  const meta = [
    facetValueLabel(t, 'stage', hit.stage.code, hit.stage.name),
    facetValueLabel(t, 'subject', hit.subject.code, hit.subject.name),
    facetValueLabel(t, 'grade', hit.grade),
    `${facetValueLabel(t, 'edition', hit.edition.code, hit.edition.name)} ${facetValueLabel(t, 'volume', hit.volume.code, hit.volume.name)}`,
  ];
  return (
    <li className="card search-hit" data-testid="search-hit" data-resource-id={hit.id}>
      <div className="card-head">
        <h2 className="card-title">
          <Link to={`/library/resources/${hit.id}`} state={{ from }}>
            <Highlighted html={h.title} fallback={hit.title} />
          </Link>
        </h2>
        <span className="badge badge-muted">
          {facetValueLabel(t, 'resourceType', hit.resourceType.code, hit.resourceType.name)}
        </span>
        {hit.status !== 'published' && (
          <span className="badge badge-later" data-testid="hit-status">
            {t(`search.status.${hit.status}`)}
          </span>
        )}
      </div>
      <p className="card-meta">{meta.join(' · ')}</p>
      {h.description ? (
        <p className="search-snippet">
          <Highlighted html={h.description} />
        </p>
      ) : (
        hit.description && <p className="search-snippet">{hit.description}</p>
      )}
      {h.extractedText && (
        <p className="search-snippet search-snippet-file" data-testid="hit-file-snippet">
          <span className="muted">{t('search.inFile')}</span>…<Highlighted html={h.extractedText} />…
        </p>
      )}
      <p className="card-meta search-hit-foot">
        <span>{hit.author.displayName}</span>
        <span aria-hidden="true"> · </span>
        <span>{hit.school.name}</span>{' '}
        <LocaleBadge locale={hit.school.locale.code as 'urban' | 'town' | 'rural'} />
        <span aria-hidden="true"> · </span>
        <span>{t('search.downloads', { n: formatNumber(i18n.language, hit.counts.downloads) })}</span>
        <span aria-hidden="true"> · </span>
        <span>
          {hit.counts.ratingCount > 0
            ? t('search.rating', { avg: hit.counts.ratingAvg.toFixed(1), n: hit.counts.ratingCount })
            : t('search.notRated')}
        </span>
        <span aria-hidden="true"> · </span>
        <span>{formatDate(i18n.language, hit.createdAt)}</span>
      </p>
    </li>
  );
}

/** Previous/next and a window of page numbers, as links (a page of results can be shared). */
function Pager({ data, hrefFor }: { data: SearchResponseDto; hrefFor: (page: number) => string }) {
  const { t } = useTranslation();
  if (data.pageCount <= 1) return null;
  const now = data.page;
  const last = data.pageCount;
  const pages = [...new Set([1, now - 2, now - 1, now, now + 1, now + 2, last])]
    .filter((p) => p >= 1 && p <= last)
    .sort((a, b) => a - b);
  return (
    <nav className="pager search-pager" aria-label={t('search.pages')} data-testid="search-pager">
      {now > 1 ? (
        <Link className="btn btn-secondary btn-small" to={hrefFor(now - 1)} rel="prev">
          {t('search.prev')}
        </Link>
      ) : (
        <span className="btn btn-secondary btn-small" aria-disabled="true">
          {t('search.prev')}
        </span>
      )}
      {pages.map((p, i) => (
        <span key={p}>
          {i > 0 && (pages[i - 1] ?? 0) < p - 1 && <span aria-hidden="true">… </span>}
          {p === now ? (
            <span className="search-page-now" aria-current="page">
              {p}
            </span>
          ) : (
            <Link to={hrefFor(p)}>{p}</Link>
          )}
        </span>
      ))}
      {now < last ? (
        <Link className="btn btn-secondary btn-small" to={hrefFor(now + 1)} rel="next">
          {t('search.next')}
        </Link>
      ) : (
        <span className="btn btn-secondary btn-small" aria-disabled="true">
          {t('search.next')}
        </span>
      )}
      <span className="muted">{t('search.page', { page: now, pages: last })}</span>
    </nav>
  );
}
