import type {
  EquityDistrictOverviewDto,
  EquityIndicatorKey,
  EquityMyActivityDto,
  EquityPairingDetailDto,
  EquitySchoolDetailDto,
  EquityStatus,
} from '@tongke/contracts';

/** A CSV file: UTF-8 with a byte-order mark so spreadsheet programs read the Chinese correctly. */
export interface CsvFile {
  fileName: string;
  body: string;
}

const INDICATOR_LABELS: Record<EquityIndicatorKey, string> = {
  quality_resources_per_teacher: '人均使用优质资源数',
  joint_hours_delivered: '专递课堂授课时数',
  joint_hours_received: '专递课堂听课时数',
  lessons_held_rate: '开课率',
  attendance_rate: '到课率',
  prep_participation_per_teacher: '人均集体备课参与次数',
  uploads_per_teacher: '人均上传资源数',
};
const LOCALE_LABELS = { urban: '城区', town: '镇区', rural: '乡村' } as const;
const STATUS_LABELS: Record<EquityStatus, string> = {
  quality: '优质均衡',
  basic: '基本均衡',
  below: '未达基本均衡',
  insufficient_data: '数据不足',
};

type Cell = string | number | null | undefined;

const num = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '' : String(Math.round(x * 10_000) / 10_000);

function cell(c: Cell): string {
  const s = typeof c === 'number' ? num(c) : (c ?? '');
  // Quote when needed; a leading =,+,-,@ would be read as a formula by spreadsheet programs.
  const safe = /^[=+\-@]/.test(s) && typeof c !== 'number' ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: Cell[][]): string {
  return '\uFEFF' + rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function overviewCsv(o: EquityDistrictOverviewDto): CsvFile {
  const keys = o.indicators.map((i) => i.key);
  const rows: Cell[][] = [
    ['学校', '城乡类型', '在校生数', '教师数', ...keys.map((k) => INDICATOR_LABELS[k])],
  ];
  for (const s of o.schools) {
    rows.push([
      s.name,
      LOCALE_LABELS[s.locale],
      s.enrolment,
      s.teachers,
      ...o.indicators.map((i) => i.schools.find((v) => v.schoolId === s.id)?.value ?? null),
    ]);
  }
  const line = (label: string, f: (i: (typeof o.indicators)[number]) => Cell) =>
    rows.push([label, '', '', '', ...o.indicators.map(f)]);
  line('加权平均', (i) => i.weightedMean);
  line('差异系数', (i) => i.weightedCv);
  line('优质均衡标准', (i) => i.thresholds.quality);
  line('基本均衡标准', (i) => i.thresholds.basic);
  line('状态', (i) => STATUS_LABELS[i.status]);
  line('城区平均', (i) => i.urbanMean);
  line('乡村平均', (i) => i.ruralMean);
  line('城乡比(乡村÷城区)', (i) => i.gap);
  if (o.pairings.length > 0) {
    rows.push([]);
    rows.push(['结对城区学校', '结对乡村学校', '计划课数', '开课数', '课时(小时)', '开课率', '到课率']);
    for (const p of o.pairings)
      rows.push([
        p.urbanSchool.name,
        p.partnerSchools.map((s) => s.name).join('、'),
        p.scheduled,
        p.held,
        p.hours,
        p.heldRate,
        p.attendanceRate,
      ]);
  }
  return { fileName: `均衡监测-${o.region.name}-${o.period.key}.csv`, body: toCsv(rows) };
}

export function schoolCsv(d: EquitySchoolDetailDto): CsvFile {
  const rows: Cell[][] = [['月份', ...d.indicators.map((i) => INDICATOR_LABELS[i.key])]];
  for (const t of d.trend) rows.push([t.month, ...t.values.map((v) => v.value)]);
  rows.push([d.period.key, ...d.indicators.map((i) => i.value)]);
  rows.push([]);
  rows.push(['教室', '学校', '课数', '在线分钟', '课时分钟', '到课率']);
  for (const c of d.classrooms)
    rows.push([
      c.classroomName,
      c.schoolName,
      c.lessons,
      c.attendedMinutes,
      c.lessonMinutes,
      c.attendanceRate,
    ]);
  return { fileName: `均衡监测-${d.school.name}-${d.period.key}.csv`, body: toCsv(rows) };
}

export function pairingCsv(d: EquityPairingDetailDto): CsvFile {
  const rows: Cell[][] = [
    ['结对', d.pairing.urbanSchool.name, d.pairing.partnerSchools.map((s) => s.name).join('、')],
    ['计划课数', d.lessons.scheduled, '开课数', d.lessons.held, '课时(小时)', d.lessons.hours],
    [],
    ['教室', '学校', '课数', '在线分钟', '课时分钟', '到课率'],
    ...d.attendance.map((c): Cell[] => [
      c.classroomName,
      c.schoolName,
      c.lessons,
      c.attendedMinutes,
      c.lessonMinutes,
      c.attendanceRate,
    ]),
    [],
    ['资源', '类型', '使用学校数', '浏览', '预览', '下载'],
    ...d.materialsUsed.map((m): Cell[] => [
      m.title,
      m.resourceType,
      m.schools,
      m.views,
      m.previews,
      m.downloads,
    ]),
  ];
  return { fileName: `均衡监测-结对-${d.pairing.urbanSchool.name}-${d.period.key}.csv`, body: toCsv(rows) };
}

export function myCsv(d: EquityMyActivityDto): CsvFile {
  const rows: Cell[][] = [['月份', '浏览', '预览', '下载', '上传', '审核通过', '备课编辑', '集体备课']];
  for (const m of d.months) {
    const c = m.counts;
    rows.push([
      m.month,
      c.views,
      c.previews,
      c.downloads,
      c.uploads,
      c.approvals,
      c.planEdits,
      c.sessionsAttended,
    ]);
  }
  return { fileName: `我的教研活动-${d.period.key}.csv`, body: toCsv(rows) };
}
