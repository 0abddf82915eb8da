import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EquityPeriodDto, EquityStatus } from '@tongke/contracts';
import { ErrorAlert } from '../../components/ui';
import { downloadCsv, STATUS_ICON } from './equity-data';
import { monthShort, periodLabel } from './period';

/** 优质均衡 / 基本均衡 / 未达 — text and a shape, never colour alone. */
export function EquityStatusBadge({ status }: { status: EquityStatus }) {
  const { t } = useTranslation();
  const tone = status === 'insufficient_data' ? 'muted' : `equity-${status}`;
  return (
    <span className={`badge badge-${tone}`} data-testid="equity-status" data-status={status}>
      <span aria-hidden="true">{STATUS_ICON[status]} </span>
      {t(`equity.status.${status}`)}
    </span>
  );
}

/** A CSV download the API renders (fetched with the session, then saved). */
export function CsvButton({ path, fileName, label }: { path: string; fileName: string; label: string }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <div className="csv-download">
      <button
        type="button"
        className="btn btn-secondary btn-small"
        disabled={busy}
        data-testid="csv-download"
        data-href={path}
        onClick={() => {
          setBusy(true);
          setError(null);
          downloadCsv(path, fileName).then(
            () => setBusy(false),
            (e: unknown) => {
              setError(e);
              setBusy(false);
            },
          );
        }}
      >
        <span aria-hidden="true">⤓ </span>
        {busy ? t('equity.csv.busy') : label}
      </button>
      <ErrorAlert error={error} />
    </div>
  );
}

/** "2026–2027 学年 秋季学期（2026年9月 至 2027年1月）". */
export function PeriodLine({ period }: { period: EquityPeriodDto }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  return (
    <p className="muted" data-testid="equity-period">
      {periodLabel(t, lng, period.key)}
      {period.kind === 'term' &&
        ` (${t('equity.period.range', { from: monthShort(lng, period.from), to: monthShort(lng, period.to) })})`}
    </p>
  );
}
