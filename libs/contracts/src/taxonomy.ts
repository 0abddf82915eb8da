/**
 * The curriculum taxonomy (学段, 学科, 教材版本, 册, 资源类型, 学校类型, 许可, 均衡阈值).
 * Source of truth: taxonomy/taxonomy.json beside this file (a copy of the product owner's taxonomy).
 */
export const TAXONOMY = {
  stages: [
    {
      code: 'primary',
      name: '小学',
      grades: ['一年级', '二年级', '三年级', '四年级', '五年级', '六年级'],
    },
    {
      code: 'junior',
      name: '初中',
      grades: ['七年级', '八年级', '九年级'],
    },
    {
      code: 'senior',
      name: '高中',
      grades: ['高一', '高二', '高三'],
    },
  ],
  subjects: [
    {
      code: 'chinese',
      name: '语文',
      stages: ['primary', 'junior', 'senior'],
    },
    {
      code: 'math',
      name: '数学',
      stages: ['primary', 'junior', 'senior'],
    },
    {
      code: 'english',
      name: '英语',
      stages: ['primary', 'junior', 'senior'],
    },
    {
      code: 'morality',
      name: '道德与法治',
      stages: ['primary', 'junior'],
    },
    {
      code: 'science',
      name: '科学',
      stages: ['primary'],
    },
    {
      code: 'physics',
      name: '物理',
      stages: ['junior', 'senior'],
    },
    {
      code: 'chemistry',
      name: '化学',
      stages: ['junior', 'senior'],
    },
    {
      code: 'biology',
      name: '生物学',
      stages: ['junior', 'senior'],
    },
    {
      code: 'history',
      name: '历史',
      stages: ['junior', 'senior'],
    },
    {
      code: 'geography',
      name: '地理',
      stages: ['junior', 'senior'],
    },
    {
      code: 'it',
      name: '信息科技',
      stages: ['primary', 'junior'],
    },
    {
      code: 'pe',
      name: '体育与健康',
      stages: ['primary', 'junior', 'senior'],
    },
    {
      code: 'music',
      name: '音乐',
      stages: ['primary', 'junior', 'senior'],
    },
    {
      code: 'art',
      name: '美术',
      stages: ['primary', 'junior', 'senior'],
    },
    {
      code: 'labour',
      name: '劳动',
      stages: ['primary', 'junior'],
    },
  ],
  editions: [
    {
      code: 'pep',
      name: '人教版',
    },
    {
      code: 'tongbian',
      name: '统编版',
    },
    {
      code: 'bnu',
      name: '北师大版',
    },
    {
      code: 'jiangsu',
      name: '苏教版',
    },
    {
      code: 'shanghai',
      name: '沪教版',
    },
    {
      code: 'fltrp',
      name: '外研版',
    },
    {
      code: 'hunan',
      name: '湘教版',
    },
    {
      code: 'hebei',
      name: '冀教版',
    },
    {
      code: 'qingdao',
      name: '青岛版',
    },
    {
      code: 'zhejiang',
      name: '浙教版',
    },
  ],
  volumes: [
    {
      code: 'first',
      name: '上册',
    },
    {
      code: 'second',
      name: '下册',
    },
  ],
  resourceTypes: [
    {
      code: 'lesson_plan',
      name: '教学设计',
      aliases: ['教案'],
    },
    {
      code: 'courseware',
      name: '课件',
      aliases: ['PPT', '幻灯片'],
    },
    {
      code: 'micro_lecture',
      name: '微课',
      aliases: ['微课视频'],
    },
    {
      code: 'recording',
      name: '课堂实录',
      aliases: ['实录'],
    },
    {
      code: 'study_guide',
      name: '学案',
      aliases: ['导学案'],
    },
    {
      code: 'exercise',
      name: '习题',
      aliases: ['练习', '作业'],
    },
    {
      code: 'test_paper',
      name: '试卷',
      aliases: ['测试卷', '单元测试'],
    },
    {
      code: 'media',
      name: '素材',
      aliases: ['图片', '音频'],
    },
    {
      code: 'rationale',
      name: '说课稿',
      aliases: ['说课'],
    },
    {
      code: 'reflection',
      name: '教学反思',
      aliases: ['反思'],
    },
  ],
  schoolLocales: [
    {
      code: 'urban',
      name: '城区',
    },
    {
      code: 'town',
      name: '镇区',
    },
    {
      code: 'rural',
      name: '乡村',
    },
  ],
  licenses: [
    {
      code: 'cc-by-4.0',
      name: 'CC BY 4.0',
    },
    {
      code: 'cc-by-sa-4.0',
      name: 'CC BY-SA 4.0',
    },
    {
      code: 'cc-by-nc-4.0',
      name: 'CC BY-NC 4.0',
    },
    {
      code: 'all-rights-reserved',
      name: '保留所有权利',
    },
  ],
  equityThresholds: {
    note: 'Inter-school coefficient of variation (enrolment-weighted) used in county supervision',
    quality: {
      primary: 0.5,
      junior: 0.45,
    },
    basic: {
      primary: 0.65,
      junior: 0.55,
    },
  },
} as const;

export type Taxonomy = typeof TAXONOMY;
export type SubjectCode = Taxonomy['subjects'][number]['code'];
export type StageCode = Taxonomy['stages'][number]['code'];
export type EditionCode = Taxonomy['editions'][number]['code'];
export type VolumeCode = Taxonomy['volumes'][number]['code'];
export type ResourceTypeCode = Taxonomy['resourceTypes'][number]['code'];
export type LicenseCode = Taxonomy['licenses'][number]['code'];

export const SUBJECT_CODES: SubjectCode[] = TAXONOMY.subjects.map((s): SubjectCode => s.code);
export const STAGE_CODES: StageCode[] = TAXONOMY.stages.map((s): StageCode => s.code);
export const EDITION_CODES: EditionCode[] = TAXONOMY.editions.map((s): EditionCode => s.code);
export const VOLUME_CODES: VolumeCode[] = TAXONOMY.volumes.map((s): VolumeCode => s.code);
export const RESOURCE_TYPE_CODES: ResourceTypeCode[] = TAXONOMY.resourceTypes.map(
  (s): ResourceTypeCode => s.code,
);
export const LICENSE_CODES: LicenseCode[] = TAXONOMY.licenses.map((s): LicenseCode => s.code);

/** Grades of a stage, by label (e.g. 七年级). */
export function gradesOf(stage: string): readonly string[] {
  return TAXONOMY.stages.find((s) => s.code === stage)?.grades ?? [];
}

/** Whether a subject is taught at a stage (e.g. 科学 only in 小学). */
export function subjectTaughtAt(subject: string, stage: string): boolean {
  const s = TAXONOMY.subjects.find((x) => x.code === subject);
  return !!s && (s.stages as readonly string[]).includes(stage);
}

export function labelOf(
  kind: 'subjects' | 'stages' | 'editions' | 'volumes' | 'resourceTypes' | 'licenses' | 'schoolLocales',
  code: string,
): string | undefined {
  return (TAXONOMY[kind] as readonly { code: string; name: string }[]).find((x) => x.code === code)?.name;
}
