import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { SearchFacet, SearchResponseDto } from '@tongke/contracts';
import { formatNumber } from '../../format';
import { facetValueLabel } from './facet-labels';
import { FACET_ORDER } from './search-state';

/** Filters with counts. Counts only ever include what the user may open (the API sees to that). */
export function FacetSidebar({
  facets,
  selected,
  onToggle,
  onClear,
}: {
  facets: SearchResponseDto['facets'];
  /** The filters in the URL: a click shows at once, before the new counts arrive. */
  selected: Partial<Record<SearchFacet, string[]>>;
  onToggle: (facet: SearchFacet, value: string) => void;
  onClear: () => void;
}) {
  const { t, i18n } = useTranslation();
  const id = useId();
  return (
    <aside className="search-facets" aria-labelledby={`${id}-title`} data-testid="search-facets">
      <div className="search-facets-head">
        <h2 id={`${id}-title`}>{t('search.filters')}</h2>
        {Object.values(selected).some((v) => v.length > 0) && (
          <button type="button" className="linklike" onClick={onClear} data-testid="clear-filters">
            {t('search.clearFilters')}
          </button>
        )}
      </div>
      {FACET_ORDER.filter((facet) => facets[facet].length > 0).map((facet) => (
        <fieldset key={facet} className="search-facet" data-testid={`facet-${facet}`}>
          <legend>{t(`search.facet.${facet}`)}</legend>
          <ul>
            {facets[facet].map((b) => {
              const inputId = `${id}-${facet}-${b.value}`;
              const label = facetValueLabel(t, facet, b.value, b.label);
              return (
                <li key={b.value} className="check">
                  <input
                    id={inputId}
                    type="checkbox"
                    checked={selected[facet]?.includes(b.value) ?? false}
                    onChange={() => onToggle(facet, b.value)}
                  />
                  <label htmlFor={inputId}>
                    {label}
                    <span className="search-facet-count" aria-hidden="true">
                      {formatNumber(i18n.language, b.count)}
                    </span>
                    <span className="visually-hidden">
                      {t('search.facetValue', { label: '', count: b.count })}
                    </span>
                  </label>
                </li>
              );
            })}
          </ul>
        </fieldset>
      ))}
    </aside>
  );
}
