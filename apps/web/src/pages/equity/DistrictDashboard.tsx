import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  EQUITY_STAGES,
  type EquityDistrictOverviewDto,
  type EquityIndicatorSummaryDto,
  type EquitySchoolValueDto,
  type EquityStage,
} from '@tongke/contracts';
import { api } from '../../api/client';
import { ErrorAlert, Loading, LocaleBadge, StatusBadge, useLoad } from '../../components/ui';
import { subjectName } from '../../format';
import { BarChart, ChartFigure, LineChart, LocaleLegend, type RefLine } from './charts';
import { equityApi, formats, type Formats } from './equity-data';
import { CsvButton, EquityStatusBadge, PeriodLine } from './EquityBits';
import { monthShort, PeriodPicker, readPeriod, writePeriod } from './period';

export function readStage(params: URLSearchParams): EquityStage {
  const s = params.get('stage');
  return (EQUITY_STAGES as readonly string[]).includes(s ?? '') ? (s as EquityStage) : 'primary';
}

/** The county dashboard: each indicator's CV against the standards, the gap, trends, every school. */
export function DistrictDashboard({
  regionId,
  extraControls,
}: {
  regionId: string;
  extraControls?: ReactNode;
}) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const period = readPeriod(params);
  const stage = readStage(params);
  const { data, error, loading, reload } = useLoad(
    () => equityApi.overview(regionId, period.key, stage),
    [regionId, period.key, stage],
  );
  const setParam = (next: URLSearchParams) => setParams(next, { replace: true });

  return (
    <>
      <div className="equity-controls">
        {extraControls}
        <div className="field">
          <label htmlFor="equity-stage">{t('equity.stage')}</label>
          <select
            id="equity-stage"
            value={stage}
            data-testid="equity-stage"
            onChange={(e) => {
              const next = new URLSearchParams(params);
              next.set('stage', e.target.value);
              setParam(next);
            }}
          >
            {EQUITY_STAGES.map((s) => (
              <option key={s} value={s}>
                {t(`stage.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <PeriodPicker value={period} onChange={(p) => setParam(writePeriod(params, p))} />
        <CsvButton
          path={equityApi.csvPath(`districts/${encodeURIComponent(regionId)}/overview`, {
            period: period.key,
            stage,
          })}
          fileName={`equity-${stage}-${period.key}.csv`}
          label={t('equity.csv.overview')}
        />
      </div>
      <ErrorAlert error={error} onRetry={reload} />
      {loading && !data && <Loading />}
      {data && (
        <div aria-busy={loading} data-testid="equity-dashboard" data-region-id={data.region.id}>
          <Overview data={data} />
          <PairingReports regionId={regionId} period={data.period.key} />
        </div>
      )}
    </>
  );
}

function Overview({ data }: { data: EquityDistrictOverviewDto }) {
  const { t, i18n } = useTranslation();
  const f = formats(i18n.language);
  const first = data.indicators[0];
  const stageName = t(`stage.${data.stage}`);
  const name = (i: EquityIndicatorSummaryDto) => t(`equity.indicator.${i.key}`);
  const dash = t('equity.noValue');
  const opt = (n: number | null, fmt: (n: number) => string) => (n === null ? dash : fmt(n));
  const months = first?.trend.map((p) => p.month) ?? [];
  const thresholds: RefLine[] = first
    ? [
        {
          value: first.thresholds.quality,
          kind: 'quality',
          label: t('equity.thresholdQuality', { v: first.thresholds.quality }),
        },
        {
          value: first.thresholds.basic,
          kind: 'basic',
          label: t('equity.thresholdBasic', { v: first.thresholds.basic }),
        },
      ]
    : [];

  return (
    <>
      <PeriodLine period={data.period} />
      {first && (
        <p className="info" data-testid="equity-thresholds">
          {t('equity.thresholdsNote', {
            stage: stageName,
            quality: first.thresholds.quality,
            basic: first.thresholds.basic,
          })}
        </p>
      )}

      <section className="equity-section" aria-labelledby="equity-overview">
        <h2 id="equity-overview">{t('equity.overview.title')}</h2>
        <ul className="equity-cards">
          {data.indicators.map((i) => (
            <li
              key={i.key}
              className={`equity-card equity-card-${i.status === 'insufficient_data' ? 'none' : i.status}`}
              data-testid="equity-card"
              data-indicator={i.key}
            >
              <h3>{name(i)}</h3>
              <p className="big">{t('equity.overview.cardCv', { cv: opt(i.weightedCv, f.cv) })}</p>
              <EquityStatusBadge status={i.status} />
              <p className="muted">
                {t('equity.weightedMean')} {opt(i.weightedMean, f.unit(i.unit))}
                {i.gap !== null && ` · ${t('equity.overview.cardGap', { gap: f.gap(i.gap) })}`}
              </p>
            </li>
          ))}
        </ul>

        <>
          <ChartFigure
            title={t('equity.overview.cvTitle')}
            summary={t('equity.overview.cvSummary')}
            testId="equity-cv"
            chart={
              <BarChart
                label={t('equity.overview.cvChart', { stage: stageName })}
                data={data.indicators.map((i) => ({ key: i.key, label: name(i), value: i.weightedCv }))}
                refLines={thresholds}
                format={f.cv}
                tickFormat={f.tick}
                noValue={dash}
              />
            }
            table={
              <table>
                <caption>{t('equity.overview.cvTitle')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('equity.indicatorCol')}</th>
                    <th scope="col" className="num">
                      {t('equity.weightedMean')}
                    </th>
                    <th scope="col" className="num">
                      {t('equity.cv')}
                    </th>
                    <th scope="col">{t('equity.statusCol')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.indicators.map((i) => (
                    <tr key={i.key} data-testid="cv-row" data-indicator={i.key}>
                      <th scope="row">{name(i)}</th>
                      <td className="num">{opt(i.weightedMean, f.unit(i.unit))}</td>
                      <td className="num" data-testid="cv-value">
                        {opt(i.weightedCv, f.cv)}
                      </td>
                      <td>
                        <EquityStatusBadge status={i.status} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            }
          />

          <ChartFigure
            title={t('equity.gap.title')}
            summary={t('equity.gap.summary')}
            testId="equity-gap"
            chart={
              <BarChart
                label={t('equity.gap.chart')}
                data={data.indicators
                  .filter((i) => i.appliesTo === 'all')
                  .map((i) => ({ key: i.key, label: name(i), value: i.gap, locale: 'rural' as const }))}
                refLines={[{ value: 1, kind: 'target', label: t('equity.noGapLine') }]}
                format={f.gap}
                tickFormat={f.tick}
                noValue={dash}
              />
            }
            table={
              <table>
                <caption>{t('equity.gap.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('equity.indicatorCol')}</th>
                    <th scope="col" className="num">
                      {t('equity.gap.urbanMean')}
                    </th>
                    <th scope="col" className="num">
                      {t('equity.gap.townMean')}
                    </th>
                    <th scope="col" className="num">
                      {t('equity.gap.ruralMean')}
                    </th>
                    <th scope="col" className="num">
                      {t('equity.gap.ratio')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.indicators.map((i) => (
                    <tr key={i.key} data-testid="gap-row" data-indicator={i.key}>
                      <th scope="row">{name(i)}</th>
                      <td className="num">{opt(i.urbanMean, f.unit(i.unit))}</td>
                      <td className="num">{opt(i.townMean, f.unit(i.unit))}</td>
                      <td className="num">{opt(i.ruralMean, f.unit(i.unit))}</td>
                      <td className="num" data-testid="gap-value">
                        {opt(i.gap, f.gap)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            }
          />
        </>

        <ChartFigure
          title={t('equity.trend.title')}
          summary={t('equity.trend.summary')}
          testId="equity-trend"
          chart={
            <LineChart
              label={t('equity.trend.chart', {
                from: monthShort(i18n.language, months[0] ?? ''),
                to: monthShort(i18n.language, months[months.length - 1] ?? ''),
              })}
              xLabels={months.map((m) => monthShort(i18n.language, m))}
              series={data.indicators.map((i) => ({
                key: i.key,
                label: name(i),
                values: i.trend.map((p) => p.weightedCv),
              }))}
              refLines={thresholds}
              format={f.cv}
              tickFormat={f.tick}
            />
          }
          table={
            <table>
              <caption>{t('equity.trend.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('equity.trend.month')}</th>
                  {data.indicators.map((i) => (
                    <th key={i.key} scope="col" className="num">
                      {name(i)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {months.map((m, mi) => (
                  <tr key={m} data-month={m}>
                    <th scope="row">{monthShort(i18n.language, m)}</th>
                    {data.indicators.map((i) => (
                      <td key={i.key} className="num">
                        {opt(i.trend[mi]?.weightedCv ?? null, f.cv)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          }
        />
      </section>

      <Lagging data={data} f={f} />

      <section className="equity-section" aria-labelledby="equity-schools">
        <h2 id="equity-schools">{t('equity.schools.school')}</h2>
        <LocaleLegend locales={['urban', 'town', 'rural']} />
        <p className="muted">
          {t('equity.schools.laggingMark')}
          {t('equity.lagging.colon')}
          {t('equity.lagging.summary')}
        </p>
        {data.indicators.map((i) => (
          <IndicatorSchools key={i.key} indicator={i} f={f} period={data.period.key} />
        ))}
      </section>
    </>
  );
}

function Lagging({ data, f }: { data: EquityDistrictOverviewDto; f: Formats }) {
  const { t } = useTranslation();
  const rows = data.indicators.flatMap((i) => i.lagging.map((s) => ({ i, s })));
  return (
    <section className="equity-section" aria-labelledby="equity-lagging" data-testid="equity-lagging">
      <h2 id="equity-lagging">{t('equity.lagging.title')}</h2>
      <p className="muted">{t('equity.lagging.summary')}</p>
      {rows.length === 0 ? (
        <p className="empty">{t('equity.lagging.none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('equity.indicatorCol')}</th>
                <th scope="col">{t('equity.schools.school')}</th>
                <th scope="col" className="num">
                  {t('equity.schools.value')}
                </th>
                <th scope="col" className="num">
                  {t('equity.weightedMean')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ i, s }) => (
                <tr key={`${i.key}-${s.schoolId}`} data-testid="lagging-row" data-indicator={i.key}>
                  <td>{t(`equity.indicator.${i.key}`)}</td>
                  <th scope="row">
                    <Link to={`/equity/schools/${s.schoolId}?period=${data.period.key}`}>{s.name}</Link>{' '}
                    <LocaleBadge locale={s.locale} />
                  </th>
                  <td className="num">{s.value === null ? t('equity.noValue') : f.unit(i.unit)(s.value)}</td>
                  <td className="num">
                    {i.weightedMean === null ? t('equity.noValue') : f.unit(i.unit)(i.weightedMean)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const applies = (i: EquityIndicatorSummaryDto, s: EquitySchoolValueDto): boolean =>
  i.appliesTo === 'all' || (i.appliesTo === 'urban' ? s.locale === 'urban' : s.locale !== 'urban');

function IndicatorSchools({
  indicator: i,
  f,
  period,
}: {
  indicator: EquityIndicatorSummaryDto;
  f: Formats;
  period: string;
}) {
  const { t } = useTranslation();
  const name = t(`equity.indicator.${i.key}`);
  const fmt = f.unit(i.unit);
  const dash = t('equity.noValue');
  const schools = i.schools.filter((s) => applies(i, s));
  const lagging = new Set(i.lagging.map((s) => s.schoolId));
  return (
    <ChartFigure
      title={t('equity.schools.title', { indicator: name })}
      testId={`schools-${i.key}`}
      summary={
        <>
          {t('equity.schools.summary', {
            appliesTo: t(`equity.appliesTo.${i.appliesTo}`),
            mean: i.weightedMean === null ? dash : fmt(i.weightedMean),
            cv: i.weightedCv === null ? dash : f.cv(i.weightedCv),
            status: t(`equity.status.${i.status}`),
          })}{' '}
          <span className="muted">{t(`equity.indicatorHint.${i.key}`)}</span>
        </>
      }
      chart={
        <BarChart
          label={t('equity.schools.chart', { indicator: name, count: schools.length })}
          data={schools.map((s) => ({
            key: s.schoolId,
            label: s.name,
            value: s.value,
            locale: s.locale,
            flagged: lagging.has(s.schoolId),
          }))}
          refLines={
            i.weightedMean === null
              ? []
              : [
                  {
                    value: i.weightedMean,
                    kind: 'mean',
                    label: t('equity.meanLine', { v: fmt(i.weightedMean) }),
                  },
                ]
          }
          format={fmt}
          noValue={dash}
        />
      }
      table={
        <table>
          <caption>{t('equity.schools.title', { indicator: name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('equity.schools.school')}</th>
              <th scope="col">{t('equity.schools.locale')}</th>
              <th scope="col" className="num">
                {t('equity.schools.enrolment')}
              </th>
              <th scope="col" className="num">
                {name}
              </th>
              <th scope="col">{t('equity.schools.lagging')}</th>
            </tr>
          </thead>
          <tbody>
            {schools.map((s) => (
              <tr key={s.schoolId} data-testid="school-row" data-school-id={s.schoolId}>
                <th scope="row">
                  <Link to={`/equity/schools/${s.schoolId}?period=${period}`}>{s.name}</Link>
                </th>
                <td>
                  <LocaleBadge locale={s.locale} />
                </td>
                <td className="num">{f.int(s.enrolment)}</td>
                <td className="num" data-testid="school-value">
                  {s.value === null ? (
                    <>
                      <span aria-hidden="true">{dash}</span>
                      <span className="visually-hidden">{t('equity.noValueLabel')}</span>
                    </>
                  ) : (
                    fmt(s.value)
                  )}
                </td>
                <td>{lagging.has(s.schoolId) ? t('equity.schools.laggingMark') : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

/** The county's pairings, each linking to its report for the same period. */
function PairingReports({ regionId, period }: { regionId: string; period: string }) {
  const { t } = useTranslation();
  const { data, error, reload } = useLoad(() => api.pairings(), []);
  const pairings = (data ?? []).filter((p) => p.regionId === regionId && p.status !== 'proposed');
  return (
    <section className="equity-section" aria-labelledby="equity-pairings" data-testid="equity-pairings">
      <h2 id="equity-pairings">{t('equity.pairing.listTitle')}</h2>
      <ErrorAlert error={error} onRetry={reload} />
      {data && pairings.length === 0 && <p className="empty">{t('equity.pairing.listEmpty')}</p>}
      {pairings.length > 0 && (
        <ul className="card-list equity-pairing-list">
          {pairings.map((p) => (
            <li key={p.id} className="card">
              <Link to={`/equity/pairings/${p.id}?period=${period}`} data-testid="equity-pairing-link">
                {p.urbanSchool.name}
                <span aria-hidden="true"> ⇄ </span>
                <span className="visually-hidden"> — </span>
                {p.partnerSchools.map((s) => s.name).join(t('app.listSep'))}
              </Link>{' '}
              <StatusBadge status={p.status} />
              <span className="muted">
                {' '}
                {p.subjects.map((c) => subjectName(t, c)).join(t('app.listSep'))}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
