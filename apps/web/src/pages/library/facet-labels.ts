import type { TFunction } from 'i18next';
import {
  EDITION_CODES,
  LICENSE_CODES,
  RESOURCE_TYPE_CODES,
  SCHOOL_LOCALES,
  STAGE_CODES,
  VOLUME_CODES,
  type EditionCode,
  type LicenseCode,
  type ResourceTypeCode,
  type SchoolLocale,
  type SearchFacet,
  type StageCode,
  type VolumeCode,
} from '@tongke/contracts';
import { gradeName, subjectName } from '../../format';

const has = (codes: readonly string[], value: string): boolean => codes.includes(value);

/** A facet value in the page's language; `fallback` (the API's Chinese label) for anything unknown. */
export function facetValueLabel(t: TFunction, facet: SearchFacet, value: string, fallback = value): string {
  switch (facet) {
    case 'stage':
      return has(STAGE_CODES, value) ? t(`stage.${value as StageCode}`) : fallback;
    case 'subject':
      return subjectName(t, value);
    case 'grade':
      return gradeName(t, value);
    case 'edition':
      return has(EDITION_CODES, value) ? t(`search.edition.${value as EditionCode}`) : fallback;
    case 'volume':
      return has(VOLUME_CODES, value) ? t(`search.volume.${value as VolumeCode}`) : fallback;
    case 'resourceType':
      return has(RESOURCE_TYPE_CODES, value)
        ? t(`search.resourceType.${value as ResourceTypeCode}`)
        : fallback;
    case 'license':
      return has(LICENSE_CODES, value) ? t(`search.license.${value as LicenseCode}`) : fallback;
    case 'schoolLocale':
      return has(SCHOOL_LOCALES, value) ? t(`locale.${value as SchoolLocale}`) : fallback;
  }
}
