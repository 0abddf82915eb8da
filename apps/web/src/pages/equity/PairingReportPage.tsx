import { Link, useParams, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { EquityPairingDetailDto, PairingStatus } from '@tongke/contracts';
import { ErrorAlert, Loading, LocaleBadge, StatusBadge, useLoad } from '../../components/ui';
import { usePageTitle } from '../../components/usePageTitle';
import { subjectName } from '../../format';
import { ChartFigure, LineChart } from './charts';
import { equityApi, formats, type Formats } from './equity-data';
import { CsvButton, PeriodLine } from './EquityBits';
import { monthShort, PeriodPicker, readPeriod, writePeriod } from './period';
import { AttendanceFigure } from './SchoolReport';
import './equity.css';

/** 结对报告: one pairing's joint lessons, hours, classroom attendance and the materials its rural side used. */
export function PairingReportPage() {
  const { t, i18n } = useTranslation();
  usePageTitle(t('equity.pairing.title'));
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const period = readPeriod(params);
  const { data, error, loading, reload } = useLoad(() => equityApi.pairing(id, period.key), [id, period.key]);
  const f = formats(i18n.language);

  return (
    <div className="equity-page" data-testid="pairing-report">
      <p className="breadcrumb">
        <Link to="/pairings">← {t('equity.pairing.back')}</Link>
      </p>
      <div className="page-head">
        <div>
          <h1>{t('equity.pairing.title')}</h1>
          <p className="lead">{t('equity.pairing.intro')}</p>
        </div>
      </div>
      <div className="equity-controls">
        <PeriodPicker value={period} onChange={(p) => setParams(writePeriod(params, p), { replace: true })} />
        <CsvButton
          path={equityApi.csvPath(`pairings/${encodeURIComponent(id)}`, { period: period.key })}
          fileName={`equity-pairing-${period.key}.csv`}
          label={t('equity.csv.pairing')}
        />
      </div>
      <ErrorAlert error={error} onRetry={reload} />
      {loading && !data && <Loading />}
      {data && (
        <div aria-busy={loading}>
          <PairingBody data={data} f={f} />
        </div>
      )}
    </div>
  );
}

function PairingBody({ data, f }: { data: EquityPairingDetailDto; f: Formats }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const p = data.pairing;
  const dash = t('equity.noValue');
  const months = data.trend.map((m) => m.month);
  return (
    <>
      <h2 className="card-title" data-testid="pairing-report-title">
        {p.urbanSchool.name}
        <span aria-hidden="true"> ⇄ </span>
        <span className="visually-hidden"> — </span>
        {p.partnerSchools.map((s) => s.name).join(t('app.listSep'))}{' '}
        <StatusBadge status={p.status as PairingStatus} />
      </h2>
      <ul className="inline-list card-meta">
        {p.partnerSchools.map((s) => (
          <li key={s.id}>
            {s.name} <LocaleBadge locale={s.locale} />
          </li>
        ))}
        <li>{p.subjects.map((c) => subjectName(t, c)).join(t('app.listSep'))}</li>
      </ul>
      <PeriodLine period={data.period} />

      <ul className="equity-cards" data-testid="pairing-figures">
        <li className="equity-card equity-card-none" data-testid="pairing-figure" data-figure="scheduled">
          <h3>{t('equity.pairing.scheduled')}</h3>
          <p className="big">{f.int(data.lessons.scheduled)}</p>
        </li>
        <li className="equity-card equity-card-none" data-testid="pairing-figure" data-figure="held">
          <h3>{t('equity.pairing.held')}</h3>
          <p className="big">{f.int(data.lessons.held)}</p>
        </li>
        <li className="equity-card equity-card-none" data-testid="pairing-figure" data-figure="heldRate">
          <h3>{t('equity.pairing.heldRate')}</h3>
          <p className="big">{data.lessons.heldRate === null ? dash : f.pct(data.lessons.heldRate)}</p>
        </li>
        <li className="equity-card equity-card-none" data-testid="pairing-figure" data-figure="hours">
          <h3>{t('equity.pairing.hours')}</h3>
          <p className="big">{f.hours(data.lessons.hours)}</p>
        </li>
        <li className="equity-card equity-card-none" data-testid="pairing-figure" data-figure="materials">
          <h3>{t('equity.pairing.materialsUsed')}</h3>
          <p className="big">
            {t('equity.pairing.materialsCount', { count: data.distinctMaterialsUsedByRuralSide })}
          </p>
        </li>
      </ul>

      {data.attendance.length === 0 ? (
        <p className="empty">{t('equity.schoolDetail.noClassrooms')}</p>
      ) : (
        <AttendanceFigure
          title={t('equity.pairing.attendanceTitle')}
          rows={data.attendance}
          f={f}
          showSchool
        />
      )}

      <section className="equity-section" aria-labelledby="pairing-trend">
        <h2 id="pairing-trend">{t('equity.pairing.trendTitle')}</h2>
        <div className="equity-grid">
          <ChartFigure
            title={t('equity.pairing.trendLessons')}
            chart={
              <LineChart
                label={t('equity.pairing.trendLessonsChart')}
                xLabels={months.map((m) => monthShort(lng, m))}
                series={[
                  { key: 'held', label: t('equity.pairing.held'), values: data.trend.map((m) => m.held) },
                  { key: 'hours', label: t('equity.pairing.hours'), values: data.trend.map((m) => m.hours) },
                ]}
                format={f.hours}
                tickFormat={f.tick}
              />
            }
            table={
              <table>
                <caption>{t('equity.pairing.trendLessons')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('equity.trend.month')}</th>
                    <th scope="col" className="num">
                      {t('equity.pairing.held')}
                    </th>
                    <th scope="col" className="num">
                      {t('equity.pairing.hours')}
                    </th>
                    <th scope="col" className="num">
                      {t('equity.classroom.rate')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.trend.map((m) => (
                    <tr key={m.month}>
                      <th scope="row">{monthShort(lng, m.month)}</th>
                      <td className="num">{f.int(m.held)}</td>
                      <td className="num">{f.hours(m.hours)}</td>
                      <td className="num">{m.attendanceRate === null ? dash : f.pct(m.attendanceRate)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            }
          />
          <ChartFigure
            title={t('equity.pairing.trendAttendance')}
            chart={
              <LineChart
                label={t('equity.pairing.trendAttendanceChart')}
                xLabels={months.map((m) => monthShort(lng, m))}
                series={[
                  {
                    key: 'rate',
                    label: t('equity.classroom.rate'),
                    values: data.trend.map((m) => m.attendanceRate),
                  },
                ]}
                refLines={[{ value: 1, kind: 'target', label: '100%' }]}
                format={f.pct}
              />
            }
            table={
              <table>
                <caption>{t('equity.pairing.trendAttendance')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('equity.trend.month')}</th>
                    <th scope="col" className="num">
                      {t('equity.classroom.rate')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.trend.map((m) => (
                    <tr key={m.month}>
                      <th scope="row">{monthShort(lng, m.month)}</th>
                      <td className="num">{m.attendanceRate === null ? dash : f.pct(m.attendanceRate)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            }
          />
        </div>
      </section>

      <section className="equity-section" aria-labelledby="pairing-materials" data-testid="pairing-materials">
        <h2 id="pairing-materials">{t('equity.pairing.materialsTitle')}</h2>
        {data.materialsUsed.length === 0 ? (
          <p className="empty">{t('equity.pairing.materialsNone')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('equity.pairing.material')}</th>
                  <th scope="col" className="num">
                    {t('equity.pairing.schools')}
                  </th>
                  <th scope="col" className="num">
                    {t('equity.counts.views')}
                  </th>
                  <th scope="col" className="num">
                    {t('equity.counts.previews')}
                  </th>
                  <th scope="col" className="num">
                    {t('equity.counts.downloads')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.materialsUsed.map((m) => (
                  <tr key={m.resourceId} data-testid="material-row">
                    <th scope="row">
                      <Link to={`/library/resources/${m.resourceId}`}>{m.title}</Link>
                    </th>
                    <td className="num">{f.int(m.schools)}</td>
                    <td className="num">{f.int(m.views)}</td>
                    <td className="num">{f.int(m.previews)}</td>
                    <td className="num">{f.int(m.downloads)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
