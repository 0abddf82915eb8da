import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ErrorAlert, Loading, useLoad } from '../../components/ui';
import { ChartFigure, LineChart } from './charts';
import { equityApi, formats } from './equity-data';
import { CsvButton, PeriodLine } from './EquityBits';
import { monthShort, PeriodPicker, readPeriod, writePeriod } from './period';
import { COUNT_KEYS, CountsTable } from './SchoolReport';

/** A teacher's own activity in the period. */
export function MyActivity() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const [params, setParams] = useSearchParams();
  const period = readPeriod(params);
  const { data, error, loading, reload } = useLoad(() => equityApi.me(period.key), [period.key]);
  const f = formats(lng);

  return (
    <>
      <div className="equity-controls">
        <PeriodPicker value={period} onChange={(p) => setParams(writePeriod(params, p), { replace: true })} />
        <CsvButton
          path={equityApi.csvPath('me', { period: period.key })}
          fileName={`equity-me-${period.key}.csv`}
          label={t('equity.csv.me')}
        />
      </div>
      <ErrorAlert error={error} onRetry={reload} />
      {loading && !data && <Loading />}
      {data && (
        <div aria-busy={loading} data-testid="equity-me">
          <PeriodLine period={data.period} />
          <ul className="equity-cards">
            <li className="equity-card equity-card-none">
              <h3>{t('equity.me.qualityUsed')}</h3>
              <p className="big">{f.int(data.qualityResourcesUsed)}</p>
            </li>
            <li className="equity-card equity-card-none">
              <h3>{t('equity.me.lessonsHosted')}</h3>
              <p className="big">{f.int(data.lessonsHosted)}</p>
            </li>
            <li className="equity-card equity-card-none">
              <h3>{t('equity.me.hoursHosted')}</h3>
              <p className="big">{f.hours(data.hoursHosted)}</p>
            </li>
          </ul>
          <CountsTable counts={data.counts} />
          {data.months.length > 1 && (
            <ChartFigure
              title={t('equity.me.trendTitle')}
              chart={
                <LineChart
                  label={t('equity.me.trendChart')}
                  xLabels={data.months.map((m) => monthShort(lng, m.month))}
                  series={COUNT_KEYS.map((k) => ({
                    key: k,
                    label: t(`equity.counts.${k}`),
                    values: data.months.map((m) => m.counts[k]),
                  }))}
                  format={f.int}
                  counts
                />
              }
              table={
                <table>
                  <caption>{t('equity.me.trendTitle')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('equity.trend.month')}</th>
                      {COUNT_KEYS.map((k) => (
                        <th key={k} scope="col" className="num">
                          {t(`equity.counts.${k}`)}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {data.months.map((m) => (
                      <tr key={m.month}>
                        <th scope="row">{monthShort(lng, m.month)}</th>
                        {COUNT_KEYS.map((k) => (
                          <td key={k} className="num">
                            {f.int(m.counts[k])}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              }
            />
          )}
        </div>
      )}
    </>
  );
}
