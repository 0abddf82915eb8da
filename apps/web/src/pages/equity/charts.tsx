import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { SchoolLocale } from '@tongke/contracts';

/*
 * Small hand-written SVG charts for the equity pages: no charting library (old school PCs, a
 * bundle budget), no animation, one <svg> per chart scaled by its viewBox. Every chart sits in a
 * ChartFigure with a data table that says the same thing; colour is never the only carrier
 * (locales also differ by fill pattern, series by dash and marker shape).
 */

/** A horizontal reference line (or, on a bar chart, a vertical one): a threshold or a mean. */
export interface RefLine {
  value: number;
  label: string;
  kind: 'quality' | 'basic' | 'mean' | 'target';
}

export interface BarDatum {
  key: string;
  label: string;
  value: number | null;
  locale?: SchoolLocale;
  /** Drawn with a warning outline (e.g. a lagging school). */
  flagged?: boolean;
}

export interface Series {
  key: string;
  label: string;
  /** One value per x label; null leaves a gap. */
  values: (number | null)[];
}

/** 1, 2, 2.5, 5 × 10ⁿ: a round axis maximum at or above `max`. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= max - 1e-12) return m * p;
  return 10 * p;
}

/** Evenly spaced ticks from 0 to `top` (four or five steps). */
export function ticks(top: number): number[] {
  const p = 10 ** Math.floor(Math.log10(top));
  const m = top / p;
  const step = (m <= 1 ? 0.2 : m <= 2 ? 0.5 : m <= 5 ? 1 : 2) * p;
  const out: number[] = [];
  for (let v = 0; v <= top + step / 1000; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Shortens a label to `max` characters (the full text is in the <title> and the table). */
function clip(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

const REF_DASH: Record<RefLine['kind'], string> = {
  quality: '6 3',
  basic: '2 3',
  mean: '10 4 2 4',
  target: '1 0',
};

/** Fill patterns per locale, so urban/town/rural differ by more than colour. */
export function LocalePatterns({ id }: { id: string }) {
  return (
    <defs>
      <pattern
        id={`${id}-town`}
        width="6"
        height="6"
        patternUnits="userSpaceOnUse"
        patternTransform="rotate(45)"
      >
        <rect width="6" height="6" className="chart-fill-town" />
        <line x1="0" y1="0" x2="0" y2="6" className="chart-hatch" strokeWidth="2" />
      </pattern>
      <pattern id={`${id}-rural`} width="5" height="5" patternUnits="userSpaceOnUse">
        <rect width="5" height="5" className="chart-fill-rural" />
        <circle cx="2.5" cy="2.5" r="1" className="chart-dot" />
      </pattern>
    </defs>
  );
}

function barFill(id: string, locale: SchoolLocale | undefined): string | undefined {
  if (locale === 'town') return `url(#${id}-town)`;
  if (locale === 'rural') return `url(#${id}-rural)`;
  return undefined;
}

/** A key to the locale fills, in HTML beside a chart. */
export function LocaleLegend({ locales }: { locales: readonly SchoolLocale[] }) {
  const { t } = useTranslation();
  const id = useId().replace(/:/g, '');
  return (
    <ul className="chart-legend" aria-hidden="true">
      {locales.map((l) => (
        <li key={l}>
          <svg width="16" height="12" viewBox="0 0 16 12">
            <LocalePatterns id={id} />
            <rect width="16" height="12" className={`chart-bar chart-bar-${l}`} fill={barFill(id, l)} />
          </svg>
          {t(`locale.${l}`)}
        </li>
      ))}
    </ul>
  );
}

function RefLegend({ refLines }: { refLines: RefLine[] }) {
  if (!refLines.length) return null;
  return (
    <ul className="chart-legend" aria-hidden="true">
      {refLines.map((r) => (
        <li key={`${r.kind}-${r.label}`}>
          <svg width="24" height="12" viewBox="0 0 24 12">
            <line
              x1="0"
              y1="6"
              x2="24"
              y2="6"
              className={`chart-ref chart-ref-${r.kind}`}
              strokeDasharray={REF_DASH[r.kind]}
            />
          </svg>
          {r.label}
        </li>
      ))}
    </ul>
  );
}

/**
 * Values across schools as horizontal bars (school names are long and a county has dozens), with
 * reference lines across the bars. Bars with no value are marked "—" at the axis.
 */
export function BarChart({
  label,
  data,
  refLines = [],
  format,
  tickFormat = format,
  noValue,
}: {
  /** What the chart shows, for screen readers (the table carries the numbers). */
  label: string;
  data: BarDatum[];
  refLines?: RefLine[];
  format: (n: number) => string;
  /** Axis labels (default: as the values). */
  tickFormat?: (n: number) => string;
  /** Text shown where a school has no value. */
  noValue: string;
}) {
  const id = useId().replace(/:/g, '');
  const W = 640;
  const labelW = 150;
  const right = 64;
  const top = 22;
  const row = 22;
  const H = top + row * data.length + 6;
  const max = niceMax(Math.max(0, ...data.map((d) => d.value ?? 0), ...refLines.map((r) => r.value)));
  const plotW = W - labelW - right;
  const x = (v: number) => labelW + (Math.max(0, v) / max) * plotW;
  return (
    <>
      <svg
        className="chart"
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={label}
        preserveAspectRatio="xMinYMin meet"
      >
        <LocalePatterns id={id} />
        {ticks(max).map((v) => (
          <g key={v} className="chart-grid">
            <line x1={x(v)} x2={x(v)} y1={top - 4} y2={H - 6} />
            <text x={x(v)} y={top - 8} textAnchor="middle">
              {tickFormat(v)}
            </text>
          </g>
        ))}
        {data.map((d, i) => {
          const y = top + i * row;
          return (
            <g key={d.key} className={d.flagged ? 'chart-row chart-row-flagged' : 'chart-row'}>
              <title>{`${d.label}: ${d.value === null ? noValue : format(d.value)}`}</title>
              <text x={labelW - 6} y={y + row / 2 + 4} textAnchor="end" className="chart-label">
                {clip(d.label, 11)}
              </text>
              {d.value === null ? (
                <text x={labelW + 4} y={y + row / 2 + 4} className="chart-value">
                  {noValue}
                </text>
              ) : (
                <>
                  <rect
                    x={labelW}
                    y={y + 4}
                    width={Math.max(1, x(d.value) - labelW)}
                    height={row - 8}
                    className={`chart-bar chart-bar-${d.locale ?? 'none'}`}
                    fill={barFill(id, d.locale)}
                  />
                  <text x={x(d.value) + 4} y={y + row / 2 + 4} className="chart-value">
                    {d.flagged ? `${format(d.value)} ⚠` : format(d.value)}
                  </text>
                </>
              )}
            </g>
          );
        })}
        {refLines.map((r) => (
          <line
            key={`${r.kind}-${r.label}`}
            x1={x(r.value)}
            x2={x(r.value)}
            y1={top - 2}
            y2={H - 4}
            className={`chart-ref chart-ref-${r.kind}`}
            strokeDasharray={REF_DASH[r.kind]}
          />
        ))}
      </svg>
      <RefLegend refLines={refLines} />
    </>
  );
}

const MARKERS = ['circle', 'square', 'triangle', 'diamond', 'cross', 'ring', 'plus'] as const;
const DASHES = ['', '6 3', '2 3', '10 3 2 3', '12 4', '4 2', '1 3'];

function Marker({ shape, x, y }: { shape: (typeof MARKERS)[number]; x: number; y: number }) {
  switch (shape) {
    case 'circle':
      return <circle cx={x} cy={y} r={3.5} />;
    case 'square':
      return <rect x={x - 3.5} y={y - 3.5} width={7} height={7} />;
    case 'triangle':
      return <path d={`M${x} ${y - 4.5}L${x + 4.5} ${y + 3.5}L${x - 4.5} ${y + 3.5}Z`} />;
    case 'diamond':
      return <path d={`M${x} ${y - 4.5}L${x + 4.5} ${y}L${x} ${y + 4.5}L${x - 4.5} ${y}Z`} />;
    case 'cross':
      return (
        <path
          d={`M${x - 4} ${y - 4}L${x + 4} ${y + 4}M${x + 4} ${y - 4}L${x - 4} ${y + 4}`}
          strokeWidth={2}
        />
      );
    case 'ring':
      return <circle cx={x} cy={y} r={3.5} fill="#fff" strokeWidth={2} />;
    case 'plus':
      return <path d={`M${x - 4.5} ${y}H${x + 4.5}M${x} ${y - 4.5}V${y + 4.5}`} strokeWidth={2.5} />;
  }
}

/** Series over time (months), with optional horizontal threshold lines. */
export function LineChart({
  label,
  xLabels,
  series,
  refLines = [],
  format,
  tickFormat = format,
  counts = false,
}: {
  label: string;
  xLabels: string[];
  series: Series[];
  refLines?: RefLine[];
  format: (n: number) => string;
  /** Axis labels (default: as the values). */
  tickFormat?: (n: number) => string;
  /** Whole numbers: the axis goes to at least 5 so its steps are whole too. */
  counts?: boolean;
}) {
  const W = 640;
  const H = 220;
  const left = 48;
  const right = 16;
  const top = 12;
  const bottom = 28;
  const values = series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const nice = niceMax(Math.max(0, ...values, ...refLines.map((r) => r.value)));
  const max = counts ? Math.max(5, nice) : nice;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const n = xLabels.length;
  const x = (i: number) => left + (n <= 1 ? plotW / 2 : (i / (n - 1)) * plotW);
  const y = (v: number) => top + plotH - (Math.max(0, v) / max) * plotH;
  // Thin the x labels so they do not collide (at most ~8 on the axis, always the latest month).
  const every = Math.max(1, Math.ceil(n / 8));
  return (
    <>
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        {ticks(max).map((v) => (
          <g key={v} className="chart-grid">
            <line x1={left} x2={W - right} y1={y(v)} y2={y(v)} />
            <text x={left - 6} y={y(v) + 4} textAnchor="end">
              {tickFormat(v)}
            </text>
          </g>
        ))}
        {xLabels.map((l, i) =>
          (n - 1 - i) % every === 0 ? (
            <text
              key={l}
              x={x(i)}
              y={H - 8}
              textAnchor={n > 1 && i === n - 1 ? 'end' : i === 0 && n > 1 ? 'start' : 'middle'}
              className="chart-axis"
            >
              {l}
            </text>
          ) : null,
        )}
        {refLines.map((r) => (
          <line
            key={`${r.kind}-${r.label}`}
            x1={left}
            x2={W - right}
            y1={y(r.value)}
            y2={y(r.value)}
            className={`chart-ref chart-ref-${r.kind}`}
            strokeDasharray={REF_DASH[r.kind]}
          />
        ))}
        {series.map((s, si) => {
          // Break the line at gaps: one path segment per run of values.
          let d = '';
          let pen = false;
          s.values.forEach((v, i) => {
            if (v === null) {
              pen = false;
              return;
            }
            d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)} ${y(v).toFixed(1)}`;
            pen = true;
          });
          const shape = MARKERS[si % MARKERS.length] ?? 'circle';
          return (
            <g key={s.key} className={`chart-series chart-series-${si % 7}`}>
              <path d={d} fill="none" strokeDasharray={DASHES[si % DASHES.length] || undefined} />
              {s.values.map((v, i) =>
                v === null ? null : (
                  <g key={i} className="chart-marker">
                    <title>{`${s.label} · ${xLabels[i] ?? ''}: ${format(v)}`}</title>
                    <Marker shape={shape} x={x(i)} y={y(v)} />
                  </g>
                ),
              )}
            </g>
          );
        })}
      </svg>
      <ul className="chart-legend" aria-hidden="true">
        {series.map((s, si) => (
          <li key={s.key} className={`chart-series chart-series-${si % 7}`}>
            <svg width="28" height="12" viewBox="0 0 28 12">
              <path d="M0 6H28" fill="none" strokeDasharray={DASHES[si % DASHES.length] || undefined} />
              <g className="chart-marker">
                <Marker shape={MARKERS[si % MARKERS.length] ?? 'circle'} x={14} y={6} />
              </g>
            </svg>
            {s.label}
          </li>
        ))}
      </ul>
      <RefLegend refLines={refLines} />
    </>
  );
}

/**
 * A chart with its title, a one-line summary and the same numbers as a table. The table is always
 * in the accessibility tree (screen readers read it instead of the picture); sighted users show
 * it with the toggle.
 */
export function ChartFigure({
  title,
  summary,
  chart,
  table,
  testId,
  headingLevel = 3,
  actions,
}: {
  title: string;
  summary?: ReactNode;
  chart: ReactNode;
  table: ReactNode;
  testId?: string;
  headingLevel?: 2 | 3;
  actions?: ReactNode;
}) {
  const { t } = useTranslation();
  const [showTable, setShowTable] = useState(false);
  const id = useId();
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <figure className="chart-figure" aria-labelledby={`${id}-t`} data-testid={testId}>
      <div className="chart-head">
        <H id={`${id}-t`} className="chart-title">
          {title}
        </H>
        <div className="chart-actions">
          {actions}
          <button
            type="button"
            className="btn btn-ghost btn-small"
            aria-controls={`${id}-table`}
            data-testid="chart-table-toggle"
            onClick={() => setShowTable((s) => !s)}
          >
            {showTable ? t('equity.chart.hideTable') : t('equity.chart.showTable')}
          </button>
        </div>
      </div>
      {summary && <p className="chart-summary">{summary}</p>}
      <div className="chart-body" aria-hidden={showTable || undefined}>
        {chart}
      </div>
      <div
        id={`${id}-table`}
        className={showTable ? 'table-wrap chart-table' : 'table-wrap chart-table visually-hidden'}
        data-testid="chart-table"
      >
        {table}
      </div>
    </figure>
  );
}
