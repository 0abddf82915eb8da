import type { ResourceSearchDocument, SearchViewer } from '../search.types.js';

export const SCHOOL_A = 'a0000000-0000-4000-8000-00000000000a';
export const SCHOOL_B = 'b0000000-0000-4000-8000-00000000000b';
export const SCHOOL_C = 'c0000000-0000-4000-8000-00000000000c';
export const REGION_1 = 'e1000000-0000-4000-8000-000000000001';
export const REGION_2 = 'e2000000-0000-4000-8000-000000000002';

const user = (n: number): string => `f0000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;

/** Viewers around school A (urban, region 1): a colleague, a district peer, someone elsewhere, an admin. */
export const VIEWERS = {
  /** Author of the chemistry visibility set, school A. */
  authorA1: { userId: user(1), schoolId: SCHOOL_A, regionId: REGION_1, isPlatformAdmin: false },
  /** Same school as the author. */
  colleagueA2: { userId: user(2), schoolId: SCHOOL_A, regionId: REGION_1, isPlatformAdmin: false },
  /** Other school, same region. */
  districtB: { userId: user(3), schoolId: SCHOOL_B, regionId: REGION_1, isPlatformAdmin: false },
  /** Other region. */
  outsiderC: { userId: user(4), schoolId: SCHOOL_C, regionId: REGION_2, isPlatformAdmin: false },
  admin: { userId: user(5), schoolId: null, regionId: null, isPlatformAdmin: true },
} satisfies Record<string, SearchViewer>;

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 1);

export const docId = (n: number): string => `d0000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;

const SCHOOLS = {
  a: {
    schoolId: SCHOOL_A,
    schoolName: '城关第一中学',
    schoolLocale: 'urban',
    regionId: REGION_1,
    authorId: user(1),
    authorName: '王丽',
  },
  b: {
    schoolId: SCHOOL_B,
    schoolName: '青石镇中学',
    schoolLocale: 'town',
    regionId: REGION_1,
    authorId: user(3),
    authorName: '李强',
  },
  c: {
    schoolId: SCHOOL_C,
    schoolName: '山口村小学',
    schoolLocale: 'rural',
    regionId: REGION_2,
    authorId: user(4),
    authorName: '赵敏',
  },
} as const;

function resource(
  n: number,
  school: keyof typeof SCHOOLS,
  fields: Partial<ResourceSearchDocument>,
): ResourceSearchDocument {
  return {
    id: docId(n),
    title: '',
    description: '',
    tags: [],
    subject: 'math',
    subjectName: '数学',
    stage: 'junior',
    stageName: '初中',
    grade: '七年级',
    edition: 'pep',
    editionName: '人教版',
    volume: 'first',
    volumeName: '上册',
    unit: '',
    lessonPeriod: null,
    resourceType: 'lesson_plan',
    resourceTypeName: '教学设计',
    license: 'cc-by-4.0',
    ...SCHOOLS[school],
    visibility: 'public',
    status: 'published',
    extractedText: '',
    createdAt: T0 + n * DAY,
    downloads: 10 * n,
    ratingAvg: 4,
    ratingCount: n,
    ...fields,
  };
}

/**
 * The contract corpus. No document contains 教案, 幻灯片 or 导学案 (so those only match through
 * synonyms) and only D01, D02 and D11 contain 方程.
 */
export const CONTRACT_DOCS: ResourceSearchDocument[] = [
  resource(1, 'a', {
    title: '人教版七年级数学上册 3.1 一元一次方程 教学设计',
    description: '通过天平情境引入一元一次方程，理解方程的解。',
    tags: ['一元一次方程', '天平'],
    unit: '第三单元 一元一次方程',
    lessonPeriod: '第1课时',
    extractedText: '教学目标：会解简单的一元一次方程。教学过程：一、情境导入；二、合作探究；三、巩固练习。',
    downloads: 320,
    ratingAvg: 4.8,
    ratingCount: 25,
  }),
  resource(2, 'b', {
    title: '八年级数学 二元一次方程组 课件',
    description: '用代入消元法和加减消元法解二元一次方程组。',
    tags: ['消元法'],
    grade: '八年级',
    edition: 'bnu',
    editionName: '北师大版',
    volume: 'second',
    volumeName: '下册',
    resourceType: 'courseware',
    resourceTypeName: '课件',
    license: 'cc-by-sa-4.0',
    downloads: 150,
    ratingAvg: 4.2,
    ratingCount: 10,
  }),
  resource(3, 'c', {
    title: '八年級數學 勾股定理 說課稿',
    description: '勾股定理的證明與應用，適合鄉村學校。',
    tags: ['勾股定理'],
    grade: '八年级',
    volume: 'second',
    volumeName: '下册',
    resourceType: 'rationale',
    resourceTypeName: '说课稿',
    license: 'cc-by-nc-4.0',
    downloads: 80,
    ratingAvg: 4.0,
    ratingCount: 5,
  }),
  resource(4, 'a', {
    title: '苏教版八年级数学上册 3.1 勾股定理 课件',
    description: '用拼图验证勾股定理。',
    grade: '八年级',
    edition: 'jiangsu',
    editionName: '苏教版',
    resourceType: 'courseware',
    resourceTypeName: '课件',
    downloads: 95,
    ratingAvg: 4.5,
    ratingCount: 12,
  }),
  resource(5, 'b', {
    title: '八年级数学 2.4 勾股定理的应用 习题',
    description: '勾股定理在生活中的应用练习。',
    grade: '八年级',
    resourceType: 'exercise',
    resourceTypeName: '习题',
    downloads: 40,
    ratingAvg: 3.6,
    ratingCount: 4,
  }),
  resource(6, 'a', {
    title: 'Unit 3 Is this your pencil? 英语课件',
    description: 'Classroom objects vocabulary and dialogue practice.',
    subject: 'english',
    subjectName: '英语',
    resourceType: 'courseware',
    resourceTypeName: '课件',
    downloads: 210,
    ratingAvg: 4.5,
    ratingCount: 30,
  }),
  resource(7, 'c', {
    title: 'ＵＮＩＴ ５ Ｗｈｏｓｅ ｂａｇ？ 英语阅读 学案',
    description: '阅读策略：预测与略读。',
    subject: 'english',
    subjectName: '英语',
    edition: 'fltrp',
    editionName: '外研版',
    resourceType: 'study_guide',
    resourceTypeName: '学案',
    license: 'all-rights-reserved',
    downloads: 33,
    ratingAvg: 3.9,
    ratingCount: 7,
  }),
  resource(8, 'b', {
    title: '光合作用 教学设计',
    description: '探究植物光合作用的条件和产物。',
    subject: 'biology',
    subjectName: '生物学',
    extractedText:
      '一、导入：展示绿色植物图片。二、新授：植物细胞中的叶绿体是光合作用的场所，<script>alert(1)</script> 二氧化碳和水在光照下生成有机物。',
    downloads: 120,
    ratingAvg: 4.6,
    ratingCount: 18,
  }),
  resource(9, 'c', {
    title: '欧姆定律 电路图 PPT 素材',
    description: '电流、电压与电阻关系的电路图。',
    subject: 'physics',
    subjectName: '物理',
    grade: '九年级',
    resourceType: 'media',
    resourceTypeName: '素材',
    license: 'cc-by-nc-4.0',
    downloads: 60,
    ratingAvg: 4.1,
    ratingCount: 9,
  }),
  resource(10, 'a', {
    title: '毕达哥拉斯定理 双语微课',
    description: 'Pythagoras theorem explained in English and Chinese.',
    grade: '八年级',
    resourceType: 'micro_lecture',
    resourceTypeName: '微课',
    extractedText: 'In this micro lecture we prove the Pythagoras theorem with four right triangles.',
    downloads: 70,
    ratingAvg: 4.6,
    ratingCount: 3,
  }),
  resource(11, 'c', {
    title: '七年级上册 期中复习 试卷',
    description: '期中复习综合卷，含答案。',
    resourceType: 'test_paper',
    resourceTypeName: '试卷',
    license: 'all-rights-reserved',
    extractedText: '第5题：解一元一次方程 2x+3=7。第6题：有理数的混合运算。',
    downloads: 260,
    ratingAvg: 4.3,
    ratingCount: 40,
  }),
];

/** Chemistry resources by VIEWERS.authorA1 in every visibility and status, each grade telling them apart. */
export const VISIBILITY_DOCS: ResourceSearchDocument[] = [
  resource(21, 'a', {
    title: '酸碱中和反应 教学设计 私有',
    subject: 'chemistry',
    subjectName: '化学',
    stage: 'senior',
    stageName: '高中',
    grade: '高一',
    visibility: 'private',
  }),
  resource(22, 'a', {
    title: '酸碱中和反应 校内共享',
    subject: 'chemistry',
    subjectName: '化学',
    stage: 'senior',
    stageName: '高中',
    grade: '高二',
    visibility: 'school',
  }),
  resource(23, 'a', {
    title: '酸碱中和反应 区县共享',
    subject: 'chemistry',
    subjectName: '化学',
    stage: 'senior',
    stageName: '高中',
    grade: '高三',
    visibility: 'district',
  }),
  resource(24, 'a', {
    title: '酸碱中和反应 公开课',
    subject: 'chemistry',
    subjectName: '化学',
    grade: '九年级',
    visibility: 'public',
  }),
  resource(25, 'a', {
    title: '酸碱中和反应 草稿',
    subject: 'chemistry',
    subjectName: '化学',
    grade: '九年级',
    status: 'draft',
  }),
  resource(26, 'a', {
    title: '酸碱中和反应 待审核',
    subject: 'chemistry',
    subjectName: '化学',
    grade: '九年级',
    status: 'pending_review',
  }),
  resource(27, 'a', {
    title: '酸碱中和反应 已撤回',
    subject: 'chemistry',
    subjectName: '化学',
    grade: '九年级',
    status: 'withdrawn',
  }),
];

export const ALL_CONTRACT_DOCS: ResourceSearchDocument[] = [...CONTRACT_DOCS, ...VISIBILITY_DOCS];

/** A resource built on the corpus defaults, for tests that add their own. */
export function contractResource(n: number, fields: Partial<ResourceSearchDocument>): ResourceSearchDocument {
  return resource(n, 'a', fields);
}
