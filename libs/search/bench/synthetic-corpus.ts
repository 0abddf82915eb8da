import type {
  ResourceSearchDocument,
  ResourceStatus,
  ResourceVisibility,
  SchoolLocale,
  SearchViewer,
} from '../src/index.js';

/** Deterministic PRNG (mulberry32) so runs are comparable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUBJECTS: { code: string; name: string; topics: string[] }[] = [
  {
    code: 'math',
    name: '数学',
    topics: [
      '一元一次方程',
      '二元一次方程组',
      '勾股定理',
      '一次函数',
      '二次函数的图像和性质',
      '有理数的加减法',
      '平行四边形',
      '相似三角形',
      '圆的面积',
      '分数的初步认识',
      '小数乘法',
      '三角形全等的判定',
      '概率初步',
      '数据的收集与整理',
      '反比例函数',
    ],
  },
  {
    code: 'chinese',
    name: '语文',
    topics: [
      '静夜思',
      '荷塘月色',
      '背影',
      '春',
      '济南的冬天',
      '孔乙己',
      '桃花源记',
      '岳阳楼记',
      '记叙文写作',
      '古诗词鉴赏',
      '拼音 a o e',
      '识字 天地人',
      '出师表',
      '从百草园到三味书屋',
    ],
  },
  {
    code: 'english',
    name: '英语',
    topics: [
      'Unit 1 My name is Gina',
      'Unit 3 Is this your pencil',
      'Unit 5 Do you have a soccer ball',
      'Unit 2 What time do you go to school',
      '一般现在时',
      '现在进行时',
      '名词复数',
      'Module 4 Healthy food',
      'Unit 6 I am going to study computer science',
    ],
  },
  {
    code: 'physics',
    name: '物理',
    topics: [
      '浮力',
      '牛顿第一定律',
      '欧姆定律',
      '光的折射',
      '压强',
      '机械能守恒',
      '电功率',
      '声音的产生与传播',
      '平面镜成像',
    ],
  },
  {
    code: 'chemistry',
    name: '化学',
    topics: [
      '化学方程式',
      '质量守恒定律',
      '酸和碱的中和反应',
      '氧气的制取',
      '水的组成',
      '金属的化学性质',
      '溶液的浓度',
    ],
  },
  {
    code: 'biology',
    name: '生物学',
    topics: ['光合作用', '细胞的结构', '植物的呼吸作用', '人体的消化系统', '遗传与变异', '生态系统'],
  },
  {
    code: 'history',
    name: '历史',
    topics: ['秦统一中国', '鸦片战争', '辛亥革命', '丝绸之路', '五四运动', '改革开放'],
  },
  {
    code: 'geography',
    name: '地理',
    topics: ['地球的运动', '中国的气候', '世界的人口', '等高线地形图', '河流与湖泊'],
  },
];
const STAGES = [
  { code: 'primary', name: '小学', grades: ['一年级', '二年级', '三年级', '四年级', '五年级', '六年级'] },
  { code: 'junior', name: '初中', grades: ['七年级', '八年级', '九年级'] },
  { code: 'senior', name: '高中', grades: ['高一', '高二', '高三'] },
];
const EDITIONS = [
  { code: 'pep', name: '人教版' },
  { code: 'tongbian', name: '统编版' },
  { code: 'bnu', name: '北师大版' },
  { code: 'jiangsu', name: '苏教版' },
  { code: 'fltrp', name: '外研版' },
];
const TYPES = [
  { code: 'lesson_plan', name: '教学设计' },
  { code: 'courseware', name: '课件' },
  { code: 'micro_lecture', name: '微课' },
  { code: 'study_guide', name: '学案' },
  { code: 'exercise', name: '习题' },
  { code: 'test_paper', name: '试卷' },
  { code: 'rationale', name: '说课稿' },
];
const LICENSES = ['cc-by-4.0', 'cc-by-sa-4.0', 'cc-by-nc-4.0', 'all-rights-reserved'];
const LOCALES: SchoolLocale[] = ['urban', 'town', 'rural'];
const SENTENCES = [
  '本节课通过生活中的实际问题引入新知，让学生经历观察、猜想、验证的过程。',
  '教学目标：理解基本概念，掌握基本方法，能运用所学知识解决简单问题。',
  '教学重难点：重点是概念的形成过程，难点是知识的灵活运用。',
  '教学过程包括情境导入、合作探究、巩固练习、课堂小结和布置作业五个环节。',
  '作业设计分为基础题、提高题和拓展题三个层次，满足不同学生的学习需求。',
  '板书设计简洁明了，突出本节课的知识结构。',
  '课后反思：学生参与度较高，但小组合作的时间安排还需改进。',
  '本资源适合乡村学校使用，配套素材可以离线播放。',
  'Students work in pairs and practise the dialogue, then present it to the class.',
  '通过多媒体课件展示动态过程，帮助学生建立直观印象。',
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

function uuid(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

export interface CorpusOptions {
  docs: number;
  seed?: number;
  /** Characters of extractedText per document (average). */
  textChars?: number;
}

export const BENCH_REGIONS = 60;
export const BENCH_SCHOOLS = 3000;
export const BENCH_USERS = 20000;

export function* syntheticDocs(options: CorpusOptions): Generator<ResourceSearchDocument> {
  const r = rng(options.seed ?? 42);
  const textChars = options.textChars ?? 600;
  for (let i = 0; i < options.docs; i += 1) {
    const subject = pick(r, SUBJECTS);
    const stage =
      subject.code === 'english' || subject.code === 'math' || subject.code === 'chinese'
        ? pick(r, STAGES)
        : pick(r, STAGES.slice(1));
    const grade = pick(r, stage.grades);
    const edition = pick(r, EDITIONS);
    const volume = r() < 0.5 ? { code: 'first', name: '上册' } : { code: 'second', name: '下册' };
    const type = pick(r, TYPES);
    const topic = pick(r, subject.topics);
    const unitNo = 1 + Math.floor(r() * 8);
    const section = `${unitNo}.${1 + Math.floor(r() * 4)}`;
    const school = Math.floor(r() * BENCH_SCHOOLS);
    const author = Math.floor(r() * BENCH_USERS);
    const visRoll = r();
    const visibility: ResourceVisibility =
      visRoll < 0.55 ? 'public' : visRoll < 0.75 ? 'district' : visRoll < 0.9 ? 'school' : 'private';
    const statusRoll = r();
    const status: ResourceStatus =
      statusRoll < 0.85
        ? 'published'
        : statusRoll < 0.93
          ? 'draft'
          : statusRoll < 0.97
            ? 'pending_review'
            : 'withdrawn';
    let text = '';
    while (text.length < textChars * (0.5 + r())) text += pick(r, SENTENCES) + topic + '。';
    yield {
      id: uuid(i + 1),
      title: `${edition.name}${grade}${subject.name}${volume.name} ${section} ${topic} ${type.name}`,
      description: `${topic}${type.name}，${pick(r, SENTENCES)}`,
      tags: [topic, subject.name, type.name],
      subject: subject.code,
      subjectName: subject.name,
      stage: stage.code,
      stageName: stage.name,
      grade,
      edition: edition.code,
      editionName: edition.name,
      volume: volume.code,
      volumeName: volume.name,
      unit: `第${unitNo}单元 ${topic}`,
      lessonPeriod: r() < 0.5 ? `第${1 + Math.floor(r() * 3)}课时` : null,
      resourceType: type.code,
      resourceTypeName: type.name,
      license: pick(r, LICENSES),
      authorId: `user-${author}`,
      authorName: `教师${author}`,
      schoolId: `school-${school}`,
      schoolName: `第${school}中学`,
      schoolLocale: pick(r, LOCALES),
      regionId: `region-${school % BENCH_REGIONS}`,
      visibility,
      status,
      extractedText: text,
      createdAt: 1_700_000_000_000 + Math.floor(r() * 50_000_000_000),
      downloads: Math.floor(r() * r() * 5000),
      ratingAvg: Math.round(r() * 50) / 10,
      ratingCount: Math.floor(r() * 200),
    };
  }
}

export function syntheticViewer(r: () => number): SearchViewer {
  const school = Math.floor(r() * BENCH_SCHOOLS);
  return {
    userId: `user-${Math.floor(r() * BENCH_USERS)}`,
    schoolId: `school-${school}`,
    regionId: `region-${school % BENCH_REGIONS}`,
    isPlatformAdmin: r() < 0.02,
  };
}
