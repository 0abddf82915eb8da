import type {
  EquityDistrictOverviewDto,
  EquityMyActivityDto,
  EquityPairingDetailDto,
  EquitySchoolDetailDto,
  EquityStage,
  EquityStatus,
  EquityUnit,
} from '@tongke/contracts';
import { api } from '../../api/client';
import { saveBlob } from '../../save-blob';

const enc = encodeURIComponent;

/** The equity endpoints (JSON), and their CSV renderings as paths for a download. */
export const equityApi = {
  overview(regionId: string, period: string, stage: EquityStage): Promise<EquityDistrictOverviewDto> {
    return api.request('GET', `/equity/districts/${enc(regionId)}/overview`, { query: { period, stage } });
  },
  school(schoolId: string, period: string): Promise<EquitySchoolDetailDto> {
    return api.request('GET', `/equity/schools/${enc(schoolId)}`, { query: { period } });
  },
  pairing(pairingId: string, period: string): Promise<EquityPairingDetailDto> {
    return api.request('GET', `/equity/pairings/${enc(pairingId)}`, { query: { period } });
  },
  me(period: string): Promise<EquityMyActivityDto> {
    return api.request('GET', '/equity/me', { query: { period } });
  },
  csvPath(path: string, query: Record<string, string>): string {
    return `/api/equity/${path}?${new URLSearchParams({ ...query, format: 'csv' }).toString()}`;
  },
};

/** The number formats of the dashboard. Coefficients keep three decimals so 0.452 is not shown as the 0.45 line. */
export function formats(lng: string) {
  const pct = new Intl.NumberFormat(lng, { style: 'percent', maximumFractionDigits: 1 });
  const two = new Intl.NumberFormat(lng, { maximumFractionDigits: 2 });
  const one = new Intl.NumberFormat(lng, { maximumFractionDigits: 1 });
  const int = new Intl.NumberFormat(lng, { maximumFractionDigits: 0 });
  return {
    cv: (n: number): string => n.toFixed(3),
    /** Axis ticks: no trailing zeros. */
    tick: (n: number): string => two.format(n),
    gap: (n: number): string => n.toFixed(2),
    pct: (n: number): string => pct.format(n),
    int: (n: number): string => int.format(n),
    hours: (n: number): string => one.format(n),
    unit(unit: EquityUnit): (n: number) => string {
      switch (unit) {
        case 'ratio':
          return (n) => pct.format(n);
        case 'hours':
          return (n) => one.format(n);
        case 'per_teacher':
          return (n) => two.format(n);
      }
    },
  };
}

export type Formats = ReturnType<typeof formats>;

export const STATUS_ICON: Record<EquityStatus, string> = {
  quality: '✓',
  basic: '◐',
  below: '✗',
  insufficient_data: '…',
};

/** Saves a CSV the API renders (it needs the session's token, so a plain link would not do). */
export async function downloadCsv(apiPath: string, fileName: string): Promise<void> {
  saveBlob(await api.fetchBlob(apiPath), fileName);
}
