import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import {
  EQUITY_INDICATOR_META,
  type EquityActivityCountsDto,
  type EquityClassroomAttendanceDto,
  type EquitySchoolDetailDto,
  type EquityUnit,
} from '@tongke/contracts';
import { ErrorAlert, Loading, LocaleBadge, useLoad } from '../../components/ui';
import { usePageTitle } from '../../components/usePageTitle';
import { BarChart, ChartFigure, LineChart } from './charts';
import { equityApi, formats, type Formats } from './equity-data';
import { CsvButton, PeriodLine } from './EquityBits';
import { monthShort, PeriodPicker, readPeriod, writePeriod } from './period';

export const COUNT_KEYS: readonly (keyof EquityActivityCountsDto)[] = [
  'views',
  'previews',
  'downloads',
  'uploads',
  'approvals',
  'planEdits',
  'sessionsAttended',
];

/** One school's figures: its indicators, joint lessons, classroom attendance, trend and activity. */
export function SchoolReport({ schoolId }: { schoolId: string }) {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const period = readPeriod(params);
  const { data, error, loading, reload } = useLoad(
    () => equityApi.school(schoolId, period.key),
    [schoolId, period.key],
  );
  usePageTitle(data ? t('equity.schoolDetail.title', { school: data.school.name }) : t('equity.title'));
  const f = formats(i18n.language);

  return (
    <>
      <div className="equity-controls">
        <PeriodPicker value={period} onChange={(p) => setParams(writePeriod(params, p), { replace: true })} />
        <CsvButton
          path={equityApi.csvPath(`schools/${encodeURIComponent(schoolId)}`, { period: period.key })}
          fileName={`equity-school-${period.key}.csv`}
          label={t('equity.csv.school')}
        />
      </div>
      <ErrorAlert error={error} onRetry={reload} />
      {loading && !data && <Loading />}
      {data && (
        <div aria-busy={loading} data-testid="equity-school" data-school-id={data.school.id}>
          <p>
            <strong>{data.school.name}</strong> <LocaleBadge locale={data.school.locale} />
          </p>
          <PeriodLine period={data.period} />
          <SchoolBody data={data} f={f} />
        </div>
      )}
    </>
  );
}

function SchoolBody({ data, f }: { data: EquitySchoolDetailDto; f: Formats }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const dash = t('equity.noValue');
  // Hours delivered are measured for urban schools, hours received and attendance for the others.
  const locale = data.school.locale;
  const applicable = data.indicators.filter((i) => {
    const to = EQUITY_INDICATOR_META[i.key].appliesTo;
    return to === 'all' || (to === 'urban') === (locale === 'urban');
  });
  const withValue = applicable.filter((i) => i.value !== null);
  const months = data.trend.map((m) => m.month);
  const groups = (['per_teacher', 'hours', 'ratio'] as const)
    .map((unit) => ({
      unit,
      keys: withValue.map((i) => i.key).filter((k) => EQUITY_INDICATOR_META[k].unit === unit),
    }))
    .filter((g) => g.keys.length > 0);

  return (
    <>
      <section className="equity-section" aria-labelledby="school-indicators">
        <h2 id="school-indicators">{t('equity.schoolDetail.indicators')}</h2>
        <ul className="equity-cards">
          {applicable.map((i) => (
            <li
              key={i.key}
              className="equity-card equity-card-none"
              data-testid="school-indicator"
              data-indicator={i.key}
            >
              <h3>{t(`equity.indicator.${i.key}`)}</h3>
              <p className="big">
                {i.value === null ? dash : f.unit(EQUITY_INDICATOR_META[i.key].unit)(i.value)}
              </p>
              <p className="muted">{t(`equity.indicatorHint.${i.key}`)}</p>
            </li>
          ))}
        </ul>
      </section>

      <section className="equity-section" aria-labelledby="school-lessons">
        <h2 id="school-lessons">{t('equity.schoolDetail.lessonsTitle')}</h2>
        <dl className="facts facts-grid">
          <div>
            <dt>{t('equity.schoolDetail.scheduled')}</dt>
            <dd>{f.int(data.lessons.scheduled)}</dd>
          </div>
          <div>
            <dt>{t('equity.schoolDetail.held')}</dt>
            <dd>{f.int(data.lessons.held)}</dd>
          </div>
          {data.school.locale === 'urban' ? (
            <div>
              <dt>{t('equity.schoolDetail.hoursDelivered')}</dt>
              <dd>{f.hours(data.lessons.hoursDelivered)}</dd>
            </div>
          ) : (
            <div>
              <dt>{t('equity.schoolDetail.hoursReceived')}</dt>
              <dd>{f.hours(data.lessons.hoursReceived)}</dd>
            </div>
          )}
        </dl>
        {data.classrooms.length === 0 ? (
          <p className="empty">{t('equity.schoolDetail.noClassrooms')}</p>
        ) : (
          <AttendanceFigure title={t('equity.schoolDetail.classroomsTitle')} rows={data.classrooms} f={f} />
        )}
      </section>

      {groups.length > 0 && (
        <section className="equity-section" aria-labelledby="school-trend">
          <h2 id="school-trend">{t('equity.schoolDetail.trendTitle')}</h2>
          <div className="equity-grid">
            {groups.map((g) => (
              <TrendGroup
                key={g.unit}
                data={data}
                unit={g.unit}
                keys={g.keys}
                months={months}
                f={f}
                lng={lng}
              />
            ))}
          </div>
        </section>
      )}

      <section className="equity-section" aria-labelledby="school-activity">
        <h2 id="school-activity">{t('equity.schoolDetail.activityTitle')}</h2>
        <CountsTable counts={data.counts} />
      </section>
    </>
  );
}

function TrendGroup({
  data,
  unit,
  keys,
  months,
  f,
  lng,
}: {
  data: EquitySchoolDetailDto;
  unit: EquityUnit;
  keys: EquitySchoolDetailDto['indicators'][number]['key'][];
  months: string[];
  f: Formats;
  lng: string;
}) {
  const { t } = useTranslation();
  const fmt = f.unit(unit);
  const valueOf = (mi: number, key: string): number | null =>
    data.trend[mi]?.values.find((v) => v.key === key)?.value ?? null;
  const title = `${t('equity.schoolDetail.trendTitle')} · ${t(`equity.schoolDetail.unitGroup.${unit}`)}`;
  return (
    <ChartFigure
      title={title}
      chart={
        <LineChart
          label={t('equity.schoolDetail.trendChart', { unit: t(`equity.schoolDetail.unitGroup.${unit}`) })}
          xLabels={months.map((m) => monthShort(lng, m))}
          series={keys.map((k) => ({
            key: k,
            label: t(`equity.indicator.${k}`),
            values: months.map((_, mi) => valueOf(mi, k)),
          }))}
          format={fmt}
          tickFormat={unit === 'ratio' ? fmt : f.tick}
        />
      }
      table={
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('equity.trend.month')}</th>
              {keys.map((k) => (
                <th key={k} scope="col" className="num">
                  {t(`equity.indicator.${k}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {months.map((m, mi) => (
              <tr key={m}>
                <th scope="row">{monthShort(lng, m)}</th>
                {keys.map((k) => {
                  const v = valueOf(mi, k);
                  return (
                    <td key={k} className="num">
                      {v === null ? t('equity.noValue') : fmt(v)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

/** Attendance rate per classroom, as bars and a table (used by the school and pairing reports). */
export function AttendanceFigure({
  title,
  rows,
  f,
  showSchool = false,
}: {
  title: string;
  rows: EquityClassroomAttendanceDto[];
  f: Formats;
  showSchool?: boolean;
}) {
  const { t } = useTranslation();
  const dash = t('equity.noValue');
  return (
    <ChartFigure
      title={title}
      testId="equity-attendance"
      chart={
        <BarChart
          label={t('equity.schoolDetail.classroomsChart')}
          data={rows.map((c) => ({
            key: c.classroomId,
            label: showSchool ? `${c.schoolName} ${c.classroomName}` : c.classroomName,
            value: c.attendanceRate,
            locale: 'rural',
          }))}
          refLines={[{ value: 1, kind: 'target', label: '100%' }]}
          format={f.pct}
          noValue={dash}
        />
      }
      table={
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              {showSchool && <th scope="col">{t('equity.classroom.school')}</th>}
              <th scope="col">{t('equity.classroom.name')}</th>
              <th scope="col" className="num">
                {t('equity.classroom.lessons')}
              </th>
              <th scope="col" className="num">
                {t('equity.classroom.attendedMinutes')}
              </th>
              <th scope="col" className="num">
                {t('equity.classroom.lessonMinutes')}
              </th>
              <th scope="col" className="num">
                {t('equity.classroom.rate')}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.classroomId} data-testid="attendance-row" data-classroom-id={c.classroomId}>
                {showSchool && <td>{c.schoolName}</td>}
                <th scope="row">{c.classroomName}</th>
                <td className="num">{f.int(c.lessons)}</td>
                <td className="num">{f.int(c.attendedMinutes)}</td>
                <td className="num">{f.int(c.lessonMinutes)}</td>
                <td className="num" data-testid="attendance-rate">
                  {c.attendanceRate === null ? dash : f.pct(c.attendanceRate)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

export function CountsTable({ counts }: { counts: EquityActivityCountsDto }) {
  const { t, i18n } = useTranslation();
  const f = formats(i18n.language);
  return (
    <div className="table-wrap equity-counts">
      <table data-testid="equity-counts">
        <thead>
          <tr>
            {COUNT_KEYS.map((k) => (
              <th key={k} scope="col" className="num">
                {t(`equity.counts.${k}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {COUNT_KEYS.map((k) => (
              <td key={k} className="num">
                {f.int(counts[k])}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}
