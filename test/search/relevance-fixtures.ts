import type { ResourceSearchDocument } from '@tongke/search';

/**
 * A relevance corpus of ~150 teaching resources (31 lesson topics across subjects and stages, each
 * with several resource types) and teacher queries with judged relevant resources.
 *
 * Judgments were written from the queries' meaning, not from engine output: a topic query wants
 * every resource of that topic; a topic + type query wants that type (and its synonyms) only.
 */

type TypeCode =
  | 'lesson_plan'
  | 'courseware'
  | 'micro_lecture'
  | 'recording'
  | 'study_guide'
  | 'exercise'
  | 'test_paper'
  | 'media'
  | 'rationale'
  | 'reflection';

interface Topic {
  key: string;
  subject: string;
  stage: 'primary' | 'junior' | 'senior';
  grade: string;
  edition: string;
  volume: 'first' | 'second';
  unit: string;
  section: string | null;
  name: string;
  tags: string[];
  summary: string;
  /** Body text used as extractedText of lesson plans, coursewares and study guides. */
  text: string;
  types: TypeCode[];
  /** Resource types whose title and description a teacher wrote in traditional characters. */
  traditional?: TypeCode[];
}

const SUBJECTS: Record<string, string> = {
  chinese: '语文',
  math: '数学',
  english: '英语',
  morality: '道德与法治',
  physics: '物理',
  chemistry: '化学',
  biology: '生物学',
  history: '历史',
  geography: '地理',
  it: '信息科技',
};
const STAGES = { primary: '小学', junior: '初中', senior: '高中' } as const;
const EDITIONS: Record<string, string> = {
  pep: '人教版',
  tongbian: '统编版',
  bnu: '北师大版',
  fltrp: '外研版',
  hunan: '湘教版',
  zhejiang: '浙教版',
};
const TYPES: Record<TypeCode, string> = {
  lesson_plan: '教学设计',
  courseware: '课件',
  micro_lecture: '微课',
  recording: '课堂实录',
  study_guide: '学案',
  exercise: '习题',
  test_paper: '试卷',
  media: '素材',
  rationale: '说课稿',
  reflection: '教学反思',
};

const TOPICS: Topic[] = [
  {
    key: 'yiyuan',
    subject: 'math',
    stage: 'junior',
    grade: '七年级',
    edition: 'pep',
    volume: 'first',
    unit: '第三单元 一元一次方程',
    section: '3.1',
    name: '一元一次方程',
    tags: ['方程', '等式的性质', '天平'],
    summary: '从算式到方程，用天平模型理解等式的性质，会解简单的一元一次方程。',
    text: '教学目标：理解方程和方程的解的概念；能根据实际问题列一元一次方程。教学过程：情境导入——小明买书问题；合作探究——用天平演示等式的性质；巩固练习——解方程 2x+3=11。',
    types: ['lesson_plan', 'courseware', 'micro_lecture', 'exercise', 'test_paper', 'rationale'],
  },
  {
    key: 'eryuan',
    subject: 'math',
    stage: 'junior',
    grade: '七年级',
    edition: 'pep',
    volume: 'second',
    unit: '第八单元 二元一次方程组',
    section: '8.2',
    name: '消元——解二元一次方程组',
    tags: ['二元一次方程组', '代入消元法', '加减消元法'],
    summary: '学习代入消元法和加减消元法，把二元一次方程组转化为一元一次方程求解。',
    text: '例1 用代入消元法解方程组 x+y=10, 2x+y=16。例2 用加减消元法解方程组。归纳：消元是解方程组的基本思想。',
    types: ['lesson_plan', 'courseware', 'study_guide', 'exercise', 'reflection'],
  },
  {
    key: 'yierci',
    subject: 'math',
    stage: 'junior',
    grade: '九年级',
    edition: 'pep',
    volume: 'first',
    unit: '第二十一章 一元二次方程',
    section: '21.2',
    name: '解一元二次方程',
    tags: ['一元二次方程', '配方法', '公式法', '因式分解法'],
    summary: '用配方法、公式法和因式分解法解一元二次方程，理解根的判别式。',
    text: '配方法的步骤：移项、二次项系数化为1、配方、开平方。求根公式 x=(-b±√(b²-4ac))/2a。判别式 Δ=b²-4ac 决定根的情况。',
    types: ['lesson_plan', 'courseware', 'micro_lecture', 'exercise', 'test_paper'],
  },
  {
    key: 'gougu',
    subject: 'math',
    stage: 'junior',
    grade: '八年级',
    edition: 'pep',
    volume: 'second',
    unit: '第十七章 勾股定理',
    section: '17.1',
    name: '勾股定理',
    tags: ['勾股定理', '赵爽弦图', '直角三角形'],
    summary: '通过赵爽弦图和拼图探索勾股定理（Pythagoras theorem），并用它解决实际问题。',
    text: '直角三角形两直角边的平方和等于斜边的平方，西方称为毕达哥拉斯定理（Pythagoras theorem）。活动：用四个全等的直角三角形拼出赵爽弦图。',
    types: ['lesson_plan', 'courseware', 'micro_lecture', 'recording', 'rationale', 'exercise'],
    traditional: ['rationale'],
  },
  {
    key: 'yicihanshu',
    subject: 'math',
    stage: 'junior',
    grade: '八年级',
    edition: 'pep',
    volume: 'second',
    unit: '第十九章 一次函数',
    section: '19.2',
    name: '一次函数的图像与性质',
    tags: ['一次函数', '正比例函数', '函数图像'],
    summary: '画一次函数 y=kx+b 的图像，探究 k 和 b 对图像的影响。',
    text: '列表、描点、连线画出 y=2x+1 的图像。当 k>0 时 y 随 x 增大而增大；b 决定图像与 y 轴交点。',
    types: ['lesson_plan', 'courseware', 'study_guide', 'exercise'],
  },
  {
    key: 'ercihanshu',
    subject: 'math',
    stage: 'junior',
    grade: '九年级',
    edition: 'bnu',
    volume: 'second',
    unit: '第二章 二次函数',
    section: '2.2',
    name: '二次函数的图像和性质',
    tags: ['二次函数', '抛物线', '顶点', '对称轴'],
    summary: '借助几何画板观察抛物线的开口方向、顶点和对称轴。',
    text: '二次函数 y=ax²+bx+c 的图像是抛物线。a>0 开口向上。顶点坐标 (-b/2a, (4ac-b²)/4a)，对称轴是直线 x=-b/2a。',
    types: ['lesson_plan', 'courseware', 'micro_lecture', 'exercise', 'test_paper'],
  },
  {
    key: 'youlishu',
    subject: 'math',
    stage: 'junior',
    grade: '七年级',
    edition: 'bnu',
    volume: 'first',
    unit: '第二章 有理数及其运算',
    section: '2.4',
    name: '有理数的加法',
    tags: ['有理数', '数轴', '绝对值'],
    summary: '借助数轴理解有理数加法法则，会进行有理数的加法运算。',
    text: '同号两数相加，取相同的符号，并把绝对值相加；异号两数相加，取绝对值较大的加数的符号。',
    types: ['lesson_plan', 'courseware', 'exercise', 'recording', 'test_paper'],
  },
  {
    key: 'yuan',
    subject: 'math',
    stage: 'primary',
    grade: '六年级',
    edition: 'pep',
    volume: 'first',
    unit: '第五单元 圆',
    section: '5.3',
    name: '圆的面积',
    tags: ['圆', '圆的面积', '圆周率'],
    summary: '把圆剪拼成近似的长方形，推导圆的面积公式 S=πr²。',
    text: '操作活动：把圆平均分成16份，拼成近似长方形。长方形的长相当于圆周长的一半，宽相当于半径，所以 S=πr×r=πr²。',
    types: ['lesson_plan', 'courseware', 'micro_lecture', 'exercise', 'reflection'],
  },
  {
    key: 'fenshu',
    subject: 'math',
    stage: 'primary',
    grade: '三年级',
    edition: 'pep',
    volume: 'first',
    unit: '第八单元 分数的初步认识',
    section: null,
    name: '分数的初步认识',
    tags: ['分数', '几分之一'],
    summary: '通过分月饼、折纸认识几分之一，会读写简单的分数。',
    text: '把一个月饼平均分成2份，每份是它的二分之一，写作 1/2。动手折一折：用长方形纸折出它的四分之一。',
    types: ['lesson_plan', 'courseware', 'study_guide', 'exercise', 'micro_lecture'],
  },
  {
    key: 'xiangsi',
    subject: 'math',
    stage: 'junior',
    grade: '九年级',
    edition: 'pep',
    volume: 'second',
    unit: '第二十七章 相似',
    section: '27.2',
    name: '相似三角形的判定',
    tags: ['相似三角形', '判定定理'],
    summary: '探索两角分别相等、两边成比例且夹角相等的三角形相似。',
    text: '判定定理1：两角分别相等的两个三角形相似。判定定理2：两边成比例且夹角相等。应用：测量旗杆的高度。',
    types: ['lesson_plan', 'courseware', 'exercise', 'test_paper', 'micro_lecture'],
  },
  {
    key: 'jingyesi',
    subject: 'chinese',
    stage: 'primary',
    grade: '一年级',
    edition: 'tongbian',
    volume: 'second',
    unit: '第四单元',
    section: '8',
    name: '静夜思',
    tags: ['古诗', '李白', '思乡'],
    summary: '朗读李白的《静夜思》，体会诗人的思乡之情，认识“床、光”等生字。',
    text: '床前明月光，疑是地上霜。举头望明月，低头思故乡。识字：床、前、光、疑、举、望、低、故。',
    types: ['lesson_plan', 'courseware', 'micro_lecture', 'recording', 'exercise'],
    traditional: ['courseware'],
  },
  {
    key: 'hetang',
    subject: 'chinese',
    stage: 'senior',
    grade: '高一',
    edition: 'tongbian',
    volume: 'first',
    unit: '第七单元 自然情怀',
    section: '14',
    name: '荷塘月色',
    tags: ['朱自清', '散文', '写景'],
    summary: '品味朱自清《荷塘月色》的语言，体会作者淡淡的喜悦和淡淡的哀愁。',
    text: '曲曲折折的荷塘上面，弥望的是田田的叶子。赏析通感手法：“微风过处，送来缕缕清香，仿佛远处高楼上渺茫的歌声似的。”',
    types: ['lesson_plan', 'courseware', 'recording', 'rationale', 'reflection'],
  },
  {
    key: 'beiying',
    subject: 'chinese',
    stage: 'junior',
    grade: '八年级',
    edition: 'tongbian',
    volume: 'first',
    unit: '第四单元',
    section: '14',
    name: '背影',
    tags: ['朱自清', '父爱', '散文'],
    summary: '抓住父亲爬月台买橘子的细节描写，体会深沉的父爱。',
    text: '我看见他戴着黑布小帽，穿着黑布大马褂，深青布棉袍，蹒跚地走到铁道边，慢慢探身下去。细节描写：攀、缩、微倾。',
    types: ['lesson_plan', 'courseware', 'study_guide', 'recording', 'exercise'],
  },
  {
    key: 'taohua',
    subject: 'chinese',
    stage: 'junior',
    grade: '八年级',
    edition: 'tongbian',
    volume: 'second',
    unit: '第三单元',
    section: '9',
    name: '桃花源记',
    tags: ['陶渊明', '文言文', '桃花源'],
    summary: '疏通文言字词，理解陶渊明笔下理想社会的特点。',
    text: '晋太元中，武陵人捕鱼为业。缘溪行，忘路之远近。忽逢桃花林。重点字词：缘、俨然、阡陌、黄发垂髫。',
    types: ['lesson_plan', 'courseware', 'study_guide', 'exercise', 'test_paper'],
  },
  {
    key: 'kongyiji',
    subject: 'chinese',
    stage: 'junior',
    grade: '九年级',
    edition: 'tongbian',
    volume: 'second',
    unit: '第二单元',
    section: '5',
    name: '孔乙己',
    tags: ['鲁迅', '小说', '人物形象'],
    summary: '分析孔乙己的人物形象，理解小说对封建科举制度的批判。',
    text: '孔乙己是站着喝酒而穿长衫的唯一的人。“多乎哉？不多也。”分析笑声在小说中的作用。',
    types: ['lesson_plan', 'courseware', 'rationale', 'exercise', 'recording'],
  },
  {
    key: 'xiezuo',
    subject: 'chinese',
    stage: 'junior',
    grade: '七年级',
    edition: 'tongbian',
    volume: 'first',
    unit: '第二单元 写作',
    section: null,
    name: '记叙文写作：学会记事',
    tags: ['作文', '记叙文', '写作指导'],
    summary: '记叙文写作指导：交代清楚事情的起因、经过和结果，写出真情实感。',
    text: '写作要点：记叙的六要素；详略得当；在叙事中融入细节描写。范文评析与升格训练。',
    types: ['lesson_plan', 'courseware', 'micro_lecture'],
  },
  {
    key: 'unit3',
    subject: 'english',
    stage: 'junior',
    grade: '七年级',
    edition: 'pep',
    volume: 'first',
    unit: 'Unit 3 Is this your pencil?',
    section: 'Section A',
    name: 'Unit 3 Is this your pencil?',
    tags: ['school things', 'pencil', '文具'],
    summary: 'Learn the names of school things and ask about ownership: Is this your pencil? Yes, it is.',
    text: 'Key words: pencil, pen, book, eraser, ruler, pencil box, schoolbag, dictionary. Pair work: Is this your eraser? No, it is not. It is hers.',
    types: ['lesson_plan', 'courseware', 'exercise', 'recording', 'study_guide'],
  },
  {
    key: 'unit5',
    subject: 'english',
    stage: 'junior',
    grade: '七年级',
    edition: 'pep',
    volume: 'first',
    unit: 'Unit 5 Do you have a soccer ball?',
    section: 'Section B',
    name: 'Unit 5 Do you have a soccer ball?',
    tags: ['sports', 'ball games', '球类'],
    summary: 'Talk about sports things with have/has: Do you have a soccer ball? Let us play volleyball.',
    text: 'Key words: soccer ball, volleyball, basketball, tennis racket, ping-pong bat. Grammar: Do you have…? Does he have…?',
    types: ['lesson_plan', 'courseware', 'study_guide'],
  },
  {
    key: 'present',
    subject: 'english',
    stage: 'junior',
    grade: '八年级',
    edition: 'fltrp',
    volume: 'first',
    unit: 'Module 2 Grammar',
    section: null,
    name: '一般现在时',
    tags: ['语法', 'simple present tense', '时态'],
    summary: '一般现在时的用法与第三人称单数变化规则（simple present tense）。',
    text: 'The simple present tense is used for habits and facts. 第三人称单数：动词加 -s 或 -es，如 goes, watches, studies。',
    types: ['lesson_plan', 'micro_lecture', 'exercise', 'test_paper', 'courseware'],
  },
  {
    key: 'module4',
    subject: 'english',
    stage: 'senior',
    grade: '高二',
    edition: 'fltrp',
    volume: 'second',
    unit: 'Module 4 Fine Arts',
    section: 'Reading',
    name: 'Module 4 Fine Arts 阅读课',
    tags: ['reading', '阅读策略', 'painting'],
    summary: 'Reading lesson on three Chinese painters; practise skimming and scanning.',
    text: 'Qi Baishi was famous for his paintings of shrimps. Skimming: read quickly for the main idea. Scanning: look for specific information.',
    types: ['lesson_plan', 'courseware', 'study_guide', 'exercise'],
  },
  {
    key: 'fuli',
    subject: 'physics',
    stage: 'junior',
    grade: '八年级',
    edition: 'pep',
    volume: 'second',
    unit: '第十章 浮力',
    section: '10.2',
    name: '阿基米德原理',
    tags: ['浮力', '阿基米德原理', '排开液体'],
    summary: '通过实验探究浮力大小与排开液体所受重力的关系（Archimedes principle）。',
    text: '实验器材：弹簧测力计、溢水杯、小桶、石块。结论：浸在液体中的物体受到向上的浮力，浮力的大小等于它排开的液体所受的重力，即阿基米德原理（Archimedes principle）。',
    types: ['lesson_plan', 'courseware', 'micro_lecture', 'recording', 'exercise', 'test_paper'],
  },
  {
    key: 'ohm',
    subject: 'physics',
    stage: 'junior',
    grade: '九年级',
    edition: 'pep',
    volume: 'first',
    unit: '第十七章 欧姆定律',
    section: '17.2',
    name: '欧姆定律',
    tags: ['欧姆定律', '电流', '电压', '电阻'],
    summary: '探究电流与电压、电阻的关系，理解欧姆定律 I=U/R 并进行简单计算。',
    text: '实验：保持电阻不变，改变电压，记录电流；保持电压不变，更换电阻。结论 I=U/R。注意电流表、电压表的量程。',
    types: ['lesson_plan', 'courseware', 'exercise', 'test_paper', 'media'],
  },
  {
    key: 'zheshe',
    subject: 'physics',
    stage: 'junior',
    grade: '八年级',
    edition: 'bnu',
    volume: 'first',
    unit: '第五章 光现象',
    section: '5.4',
    name: '光的折射',
    tags: ['光的折射', '折射角', '光现象'],
    summary: '观察筷子在水中“折断”等现象，探究光的折射规律。',
    text: '光从空气斜射入水中时，折射光线向法线方向偏折，折射角小于入射角。生活实例：水中的鱼看起来变浅了。',
    types: ['lesson_plan', 'courseware', 'micro_lecture', 'exercise'],
  },
  {
    key: 'huaxuefangcheng',
    subject: 'chemistry',
    stage: 'junior',
    grade: '九年级',
    edition: 'pep',
    volume: 'first',
    unit: '第五单元 化学方程式',
    section: '课题2',
    name: '如何正确书写化学方程式',
    tags: ['化学方程式', '配平', '质量守恒定律'],
    summary: '依据质量守恒定律书写并配平化学方程式，掌握最小公倍数法。',
    text: '书写步骤：写出反应物和生成物的化学式；配平；注明反应条件和生成物状态。例：2H2+O2=点燃=2H2O。',
    types: ['lesson_plan', 'courseware', 'exercise', 'test_paper', 'micro_lecture'],
  },
  {
    key: 'yangqi',
    subject: 'chemistry',
    stage: 'junior',
    grade: '九年级',
    edition: 'pep',
    volume: 'first',
    unit: '第二单元 我们周围的空气',
    section: '课题3',
    name: '制取氧气',
    tags: ['氧气', '实验室制取', '高锰酸钾'],
    summary: '学习实验室用高锰酸钾或过氧化氢制取氧气的方法和装置。',
    text: '实验步骤：查、装、定、点、收、离、熄。用排水法收集氧气；用带火星的木条检验。注意：试管口略向下倾斜。',
    types: ['lesson_plan', 'courseware', 'recording', 'media', 'exercise'],
  },
  {
    key: 'guanghe',
    subject: 'biology',
    stage: 'junior',
    grade: '七年级',
    edition: 'pep',
    volume: 'first',
    unit: '第三单元 生物圈中的绿色植物',
    section: '第五章',
    name: '光合作用',
    tags: ['光合作用', '叶绿体', '绿色植物'],
    summary: '通过“绿叶在光下制造有机物”实验，认识光合作用的原料、产物和条件。',
    text: '实验步骤：暗处理、部分遮光、光照、脱色、漂洗、滴碘液。结论：光是光合作用的条件，叶绿体是光合作用的场所，淀粉是光合作用的产物。',
    types: ['lesson_plan', 'courseware', 'micro_lecture', 'study_guide', 'exercise', 'media'],
  },
  {
    key: 'xibao',
    subject: 'biology',
    stage: 'junior',
    grade: '七年级',
    edition: 'pep',
    volume: 'first',
    unit: '第二单元 生物体的结构层次',
    section: '第一章',
    name: '植物细胞的结构',
    tags: ['细胞', '显微镜', '细胞核'],
    summary: '制作洋葱鳞片叶内表皮细胞临时装片，用显微镜观察细胞结构。',
    text: '细胞壁、细胞膜、细胞质、细胞核、液泡、叶绿体。制作临时装片：擦、滴、撕、展、盖、染、吸。',
    types: ['lesson_plan', 'courseware', 'recording', 'study_guide', 'exercise'],
  },
  {
    key: 'yapian',
    subject: 'history',
    stage: 'junior',
    grade: '八年级',
    edition: 'tongbian',
    volume: 'first',
    unit: '第一单元 中国开始沦为半殖民地半封建社会',
    section: '1',
    name: '鸦片战争',
    tags: ['鸦片战争', '林则徐', '虎门销烟', '南京条约'],
    summary: '了解鸦片战争的原因、经过和《南京条约》的影响。',
    text: '1839年林则徐虎门销烟。1840年英国发动鸦片战争。1842年签订《南京条约》：割香港岛、赔款、五口通商、协定关税。',
    types: ['lesson_plan', 'courseware', 'study_guide', 'test_paper', 'recording'],
  },
  {
    key: 'qihou',
    subject: 'geography',
    stage: 'junior',
    grade: '八年级',
    edition: 'hunan',
    volume: 'first',
    unit: '第二章 中国的自然环境',
    section: '第二节',
    name: '中国的气候',
    tags: ['气候', '季风', '气温', '降水'],
    summary: '读图分析我国冬夏气温和降水的分布特点，认识季风气候。',
    text: '我国冬季南北温差大，夏季普遍高温。降水由东南沿海向西北内陆递减。季风区与非季风区的分界线。',
    types: ['lesson_plan', 'courseware', 'exercise', 'study_guide'],
  },
  {
    key: 'xianfa',
    subject: 'morality',
    stage: 'junior',
    grade: '八年级',
    edition: 'tongbian',
    volume: 'second',
    unit: '第一单元 坚持宪法至上',
    section: '第二课',
    name: '保障宪法实施',
    tags: ['宪法', '法治', '依宪治国'],
    summary: '理解宪法是国家的根本法，增强宪法意识。',
    text: '宪法规定国家的根本制度和根本任务，具有最高的法律效力。每年12月4日是国家宪法日。',
    types: ['lesson_plan', 'courseware', 'test_paper', 'study_guide'],
  },
  {
    key: 'python',
    subject: 'it',
    stage: 'junior',
    grade: '八年级',
    edition: 'zhejiang',
    volume: 'first',
    unit: '第三单元 算法与程序设计',
    section: '3.2',
    name: 'Python 循环结构',
    tags: ['Python', '编程', 'for 循环', 'while 循环'],
    summary: '用 Python 的 for 和 while 循环解决累加求和问题。',
    text: 'for i in range(1, 101): total += i。while 循环需要注意循环条件，避免死循环。练习：打印九九乘法表。',
    types: ['lesson_plan', 'courseware', 'micro_lecture', 'exercise', 'test_paper'],
  },
];

interface TitleParts {
  t: Topic;
  edition: string;
  subject: string;
  volume: string;
  i: number;
}

// A few ways teachers actually title each kind of resource.
const TITLES: Record<TypeCode, ((p: TitleParts) => string)[]> = {
  lesson_plan: [
    (p) => `${p.edition}${p.t.grade}${p.subject}${p.volume} ${p.t.section ?? ''} ${p.t.name} 教学设计`,
    (p) => `《${p.t.name}》教学设计（${p.edition}${p.t.grade}${p.volume}）`,
  ],
  courseware: [
    (p) => `${p.t.grade}${p.subject} ${p.t.name} 课件`,
    (p) => `${p.edition}${p.t.grade}${p.volume} ${p.t.section ?? ''} ${p.t.name} PPT课件`,
  ],
  micro_lecture: [(p) => `【微课】${p.t.name}`, (p) => `${p.t.name} 微课视频（${p.t.grade}）`],
  recording: [(p) => `${p.t.name} 课堂实录（${p.t.grade}公开课）`],
  study_guide: [(p) => `${p.t.name} 导学案`, (p) => `${p.t.grade}${p.subject} ${p.t.name} 学案`],
  exercise: [(p) => `${p.t.name} 课后练习（含答案）`, (p) => `${p.t.grade}${p.subject} ${p.t.name} 分层作业`],
  test_paper: [(p) => `${p.t.grade}${p.subject}${p.volume} ${p.t.unit} 单元测试卷`],
  media: [(p) => `${p.t.name} 教学素材包（图片、音频）`],
  rationale: [(p) => `${p.t.name} 说课稿`],
  reflection: [(p) => `《${p.t.name}》教学反思`],
};

const TYPE_LINES: Record<TypeCode, string> = {
  lesson_plan: '包含教学目标、重点难点、教学过程、作业设计和板书设计。',
  courseware: '配套课件，动画演示关键过程，可直接用于课堂。',
  micro_lecture: '8分钟微课，适合课前预习和课后复习。',
  recording: '城区名师公开课完整实录，附专家点评。',
  study_guide: '课前预习、课中探究、课后巩固三段式学案。',
  exercise: '分基础、提高、拓展三层，附详细答案。',
  test_paper: '单元检测，满分100分，附答案与评分标准。',
  media: '图片、音频和动画素材，可离线使用。',
  rationale: '从教材分析、学情分析、教法学法、教学过程四方面说课。',
  reflection: '课后反思：成功之处与改进方向。',
};

// Traditional forms for the few resources written in traditional characters.
const TRADITIONAL: Record<string, string> = {
  '勾股定理 说课稿': '勾股定理 說課稿',
  '从教材分析、学情分析、教法学法、教学过程四方面说课。':
    '從教材分析、學情分析、教法學法、教學過程四方面說課。',
  八年级数学: '八年級數學',
  '一年级语文 静夜思 课件': '一年級語文 靜夜思 課件',
  '配套课件，动画演示关键过程，可直接用于课堂。': '配套課件，動畫演示關鍵過程，可直接用於課堂。',
};

function toTraditional(text: string): string {
  let out = text;
  for (const [simplified, traditional] of Object.entries(TRADITIONAL))
    out = out.replace(simplified, traditional);
  return out;
}

const uuid = (n: number): string => `5e000000-0000-4000-8000-${n.toString().padStart(12, '0')}`;
const DAY = 86_400_000;

function build(): { docs: ResourceSearchDocument[]; ids: Map<string, string> } {
  const docs: ResourceSearchDocument[] = [];
  const ids = new Map<string, string>();
  let n = 0;
  TOPICS.forEach((t, topicIndex) => {
    const edition = EDITIONS[t.edition] ?? t.edition;
    const subject = SUBJECTS[t.subject] ?? t.subject;
    const volume = t.volume === 'first' ? '上册' : '下册';
    for (const type of t.types) {
      n += 1;
      const variants = TITLES[type];
      const parts: TitleParts = { t, edition, subject, volume, i: n };
      const rawTitle = (variants[(topicIndex + n) % variants.length] ?? variants[0])?.(parts) ?? t.name;
      const title = rawTitle.replace(/\s+/g, ' ').trim();
      const description = `${t.summary}${TYPE_LINES[type]}`;
      const traditional = t.traditional?.includes(type) ?? false;
      const key = `${t.key}:${type}`;
      const id = uuid(n);
      ids.set(key, id);
      docs.push({
        id,
        title: traditional ? toTraditional(title) : title,
        description: traditional ? toTraditional(description) : description,
        tags: [...t.tags, TYPES[type]],
        subject: t.subject,
        subjectName: subject,
        stage: t.stage,
        stageName: STAGES[t.stage],
        grade: t.grade,
        edition: t.edition,
        editionName: edition,
        volume: t.volume,
        volumeName: volume,
        unit: t.unit,
        lessonPeriod: type === 'lesson_plan' ? '第1课时' : null,
        resourceType: type,
        resourceTypeName: TYPES[type],
        license: n % 3 === 0 ? 'cc-by-sa-4.0' : 'cc-by-4.0',
        authorId: `7e000000-0000-4000-8000-${(n % 17).toString().padStart(12, '0')}`,
        authorName: `教师${n % 17}`,
        schoolId: `8e000000-0000-4000-8000-${(n % 9).toString().padStart(12, '0')}`,
        schoolName: `示范学校${n % 9}`,
        schoolLocale: (['urban', 'town', 'rural'] as const)[n % 3] ?? 'urban',
        regionId: '9e000000-0000-4000-8000-000000000001',
        visibility: 'public',
        status: 'published',
        extractedText: ['lesson_plan', 'courseware', 'study_guide', 'micro_lecture'].includes(type)
          ? `${t.name}。${t.text}`
          : '',
        createdAt: Date.UTC(2024, 0, 1) + n * DAY,
        downloads: (n * 37) % 500,
        ratingAvg: 3 + ((n * 7) % 20) / 10,
        ratingCount: (n * 13) % 60,
      });
    }
  });
  return { docs, ids };
}

const built = build();

export const RELEVANCE_DOCS: ResourceSearchDocument[] = built.docs;

/** The id of the resource of `topic` and `type` (e.g. 'gougu:courseware'). */
export function rid(key: string): string {
  const id = built.ids.get(key);
  if (id === undefined) throw new Error(`no relevance fixture ${key}`);
  return id;
}

/** Every resource of a topic. */
function topic(key: string): string[] {
  return [...built.ids].filter(([k]) => k.startsWith(`${key}:`)).map(([, id]) => id);
}

export interface JudgedQuery {
  q: string;
  /** What kind of query it is, for the per-kind breakdown. */
  kind: 'chinese' | 'traditional' | 'pinyin' | 'initials' | 'mixed' | 'synonym' | 'typo' | 'english';
  relevant: string[];
}

export const JUDGED_QUERIES: JudgedQuery[] = [
  // Chinese topic and topic + type queries
  { q: '七年级 一元一次方程 教案', kind: 'synonym', relevant: [rid('yiyuan:lesson_plan')] },
  { q: '一元一次方程', kind: 'chinese', relevant: topic('yiyuan') },
  { q: '一元一次方程 课件', kind: 'chinese', relevant: [rid('yiyuan:courseware')] },
  { q: '解一元二次方程 配方法', kind: 'chinese', relevant: topic('yierci') },
  { q: '二元一次方程组 消元', kind: 'chinese', relevant: topic('eryuan') },
  { q: '勾股定理', kind: 'chinese', relevant: topic('gougu') },
  { q: '勾股定理 说课稿', kind: 'chinese', relevant: [rid('gougu:rationale')] },
  { q: '勾股定理 课堂实录', kind: 'chinese', relevant: [rid('gougu:recording')] },
  { q: '一次函数 图像', kind: 'chinese', relevant: topic('yicihanshu') },
  { q: '二次函数 抛物线 课件', kind: 'chinese', relevant: [rid('ercihanshu:courseware')] },
  { q: '有理数加法', kind: 'chinese', relevant: topic('youlishu') },
  { q: '圆的面积 六年级', kind: 'chinese', relevant: topic('yuan') },
  { q: '分数的初步认识 学案', kind: 'chinese', relevant: [rid('fenshu:study_guide')] },
  { q: '相似三角形 判定', kind: 'chinese', relevant: topic('xiangsi') },
  { q: '静夜思 李白', kind: 'chinese', relevant: topic('jingyesi') },
  { q: '荷塘月色 朱自清', kind: 'chinese', relevant: topic('hetang') },
  { q: '背影 父爱 细节描写', kind: 'chinese', relevant: topic('beiying') },
  { q: '桃花源记 文言文 字词', kind: 'chinese', relevant: topic('taohua') },
  { q: '孔乙己 人物形象', kind: 'chinese', relevant: topic('kongyiji') },
  { q: '记叙文 写作指导', kind: 'chinese', relevant: topic('xiezuo') },
  { q: '浮力 阿基米德原理 实验', kind: 'chinese', relevant: topic('fuli') },
  { q: '欧姆定律 习题', kind: 'chinese', relevant: [rid('ohm:exercise')] },
  { q: '光的折射', kind: 'chinese', relevant: topic('zheshe') },
  { q: '化学方程式 配平', kind: 'chinese', relevant: topic('huaxuefangcheng') },
  { q: '氧气 制取 实验', kind: 'chinese', relevant: topic('yangqi') },
  { q: '光合作用 微课', kind: 'chinese', relevant: [rid('guanghe:micro_lecture')] },
  {
    q: '叶绿体 淀粉',
    kind: 'chinese',
    relevant: [
      rid('guanghe:lesson_plan'),
      rid('guanghe:courseware'),
      rid('guanghe:micro_lecture'),
      rid('guanghe:study_guide'),
    ],
  },
  {
    q: '洋葱 临时装片',
    kind: 'chinese',
    relevant: [rid('xibao:lesson_plan'), rid('xibao:courseware'), rid('xibao:recording')],
  },
  { q: '鸦片战争 南京条约', kind: 'chinese', relevant: topic('yapian') },
  { q: '中国的气候 季风', kind: 'chinese', relevant: topic('qihou') },
  { q: '宪法 道德与法治', kind: 'chinese', relevant: topic('xianfa') },
  { q: '九年级 化学 单元测试卷', kind: 'chinese', relevant: [rid('huaxuefangcheng:test_paper')] },
  // Traditional characters
  { q: '勾股定理 說課稿', kind: 'traditional', relevant: [rid('gougu:rationale')] },
  { q: '靜夜思 課件', kind: 'traditional', relevant: [rid('jingyesi:courseware')] },
  { q: '一元一次方程 教學設計', kind: 'traditional', relevant: [rid('yiyuan:lesson_plan')] },
  { q: '光合作用 實驗', kind: 'traditional', relevant: topic('guanghe') },
  { q: '歐姆定律', kind: 'traditional', relevant: topic('ohm') },
  // Pinyin and initials
  { q: 'gougudingli', kind: 'pinyin', relevant: topic('gougu') },
  { q: 'yiyuanyici', kind: 'pinyin', relevant: topic('yiyuan') },
  { q: 'guanghezuoyong', kind: 'pinyin', relevant: topic('guanghe') },
  { q: 'hetangyuese', kind: 'pinyin', relevant: topic('hetang') },
  { q: 'oumudinglv', kind: 'pinyin', relevant: topic('ohm') },
  { q: 'jingyesi', kind: 'pinyin', relevant: topic('jingyesi') },
  { q: 'yapianzhanzheng', kind: 'pinyin', relevant: topic('yapian') },
  { q: 'ghzy', kind: 'initials', relevant: topic('guanghe') },
  { q: 'yyyc', kind: 'initials', relevant: topic('yiyuan') },
  { q: 'htys', kind: 'initials', relevant: topic('hetang') },
  { q: 'ggdl', kind: 'initials', relevant: topic('gougu') },
  // Mixed Chinese / Latin / digits
  { q: 'Unit 3 英语 课件', kind: 'mixed', relevant: [rid('unit3:courseware')] },
  { q: 'unit3 pencil', kind: 'mixed', relevant: topic('unit3') },
  { q: 'Ｕｎｉｔ５ soccer ball', kind: 'mixed', relevant: topic('unit5') },
  { q: '17.1 勾股定理', kind: 'mixed', relevant: topic('gougu') },
  { q: '3.1 一元一次方程 教学设计', kind: 'mixed', relevant: [rid('yiyuan:lesson_plan')] },
  { q: 'Module 4 阅读', kind: 'mixed', relevant: topic('module4') },
  { q: 'Python 循环', kind: 'mixed', relevant: topic('python') },
  { q: 'I=U/R 欧姆定律', kind: 'mixed', relevant: topic('ohm') },
  // Synonyms
  { q: '勾股定理 教案', kind: 'synonym', relevant: [rid('gougu:lesson_plan')] },
  { q: '浮力 PPT', kind: 'synonym', relevant: [rid('fuli:courseware')] },
  { q: '桃花源记 导学案', kind: 'synonym', relevant: [rid('taohua:study_guide')] },
  { q: '二元一次方程组 学案', kind: 'synonym', relevant: [rid('eryuan:study_guide')] },
  { q: '圆的面积 反思', kind: 'synonym', relevant: [rid('yuan:reflection')] },
  { q: '初一 有理数', kind: 'synonym', relevant: topic('youlishu') },
  { q: '部编版 背影', kind: 'synonym', relevant: topic('beiying') },
  { q: '生物 光合作用 幻灯片', kind: 'synonym', relevant: [rid('guanghe:courseware')] },
  { q: '一元二次方程 练习', kind: 'synonym', relevant: [rid('yierci:exercise')] },
  // English words and typos
  { q: 'simple present tense', kind: 'english', relevant: topic('present') },
  {
    q: 'skimming scanning',
    kind: 'english',
    relevant: [rid('module4:lesson_plan'), rid('module4:courseware'), rid('module4:study_guide')],
  },
  { q: 'pythgoras', kind: 'typo', relevant: topic('gougu') },
  { q: 'archimedis principle', kind: 'typo', relevant: topic('fuli') },
  {
    q: 'volleybal',
    kind: 'typo',
    relevant: [rid('unit5:lesson_plan'), rid('unit5:courseware'), rid('unit5:study_guide')],
  },
  { q: 'gougudingl', kind: 'typo', relevant: topic('gougu') },
];
