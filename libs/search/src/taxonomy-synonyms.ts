/**
 * Synonym groups for search, copied from the curriculum taxonomy (shared/taxonomy.json) so that
 * nothing outside the project is read at run time. Every word in a group finds the others.
 * When the project keeps its own taxonomy copy, derive RESOURCE_TYPE_SYNONYMS from it instead.
 */
export interface SynonymGroup {
  /** Where the group comes from: a taxonomy code, or `curated` for the teacher-usage extras. */
  readonly source: string;
  readonly words: readonly string[];
}

/** taxonomy.json → resourceTypes[]: name + aliases. */
export const RESOURCE_TYPE_SYNONYMS: readonly SynonymGroup[] = [
  { source: 'resourceType:lesson_plan', words: ['教学设计', '教案'] },
  { source: 'resourceType:courseware', words: ['课件', 'PPT', '幻灯片'] },
  { source: 'resourceType:micro_lecture', words: ['微课', '微课视频'] },
  { source: 'resourceType:recording', words: ['课堂实录', '实录'] },
  { source: 'resourceType:study_guide', words: ['学案', '导学案'] },
  { source: 'resourceType:exercise', words: ['习题', '练习', '作业'] },
  { source: 'resourceType:test_paper', words: ['试卷', '测试卷', '单元测试'] },
  { source: 'resourceType:media', words: ['素材', '图片', '音频'] },
  { source: 'resourceType:rationale', words: ['说课稿', '说课'] },
  { source: 'resourceType:reflection', words: ['教学反思', '反思'] },
];

/**
 * Not in taxonomy.json but how teachers actually type: the old grade names of junior and senior
 * secondary, the former name of the unified edition (部编版), and short subject names.
 */
export const CURATED_SYNONYMS: readonly SynonymGroup[] = [
  { source: 'curated', words: ['七年级', '初一'] },
  { source: 'curated', words: ['八年级', '初二'] },
  { source: 'curated', words: ['九年级', '初三'] },
  { source: 'curated', words: ['统编版', '部编版'] },
  { source: 'curated', words: ['人教版', '人教'] },
  { source: 'curated', words: ['北师大版', '北师版'] },
  { source: 'curated', words: ['道德与法治', '道法'] },
  { source: 'curated', words: ['生物学', '生物'] },
  { source: 'curated', words: ['信息科技', '信息技术'] },
  { source: 'curated', words: ['体育与健康', '体育'] },
];

export const SEARCH_SYNONYM_GROUPS: readonly SynonymGroup[] = [
  ...RESOURCE_TYPE_SYNONYMS,
  ...CURATED_SYNONYMS,
];

/**
 * Curriculum vocabulary added to the segmenter's dictionary so that these words are cut whole
 * (e.g. 微课, 导学案, 勾股) and search-mode segmentation also yields them inside longer words.
 */
export const CURRICULUM_WORDS: readonly string[] = [
  // stages, grades, volumes
  '小学',
  '初中',
  '高中',
  '一年级',
  '二年级',
  '三年级',
  '四年级',
  '五年级',
  '六年级',
  '七年级',
  '八年级',
  '九年级',
  '高一',
  '高二',
  '高三',
  '初一',
  '初二',
  '初三',
  '上册',
  '下册',
  // subjects
  '语文',
  '数学',
  '英语',
  '道德与法治',
  '道法',
  '科学',
  '物理',
  '化学',
  '生物学',
  '历史',
  '地理',
  '信息科技',
  '信息技术',
  '体育与健康',
  '音乐',
  '美术',
  '劳动',
  // editions
  '人教版',
  '统编版',
  '部编版',
  '北师大版',
  '北师版',
  '苏教版',
  '沪教版',
  '外研版',
  '湘教版',
  '冀教版',
  '青岛版',
  '浙教版',
  // resource types and aliases
  '教学设计',
  '教案',
  '课件',
  '幻灯片',
  '微课',
  '微课视频',
  '课堂实录',
  '实录',
  '学案',
  '导学案',
  '习题',
  '练习',
  '作业',
  '试卷',
  '测试卷',
  '单元测试',
  '素材',
  '说课稿',
  '说课',
  '教学反思',
  // lesson-plan sections and common teaching words
  '教学目标',
  '重点难点',
  '教学重难点',
  '教学过程',
  '作业设计',
  '板书设计',
  '集体备课',
  '教研组',
  '专递课堂',
  '名师课堂',
  '勾股',
  '勾股定理',
  '一元一次方程',
  '二元一次方程组',
  '一元二次方程',
  '一次函数',
  '二次函数',
  '反比例函数',
];
