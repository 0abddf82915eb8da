import type { CreateResourceRequest, ResourceVisibility } from '@tongke/contracts';

/**
 * The demo county's library: real-looking lesson materials by its teachers, with their text in
 * the files (so search finds words inside them), at every visibility, one still waiting for
 * review, and a lesson pack that 王老师's weekly joint lesson attaches.
 */
export interface DemoResource {
  key: string;
  author: string;
  /** Reviewers in order (school admin, then district admin for public). */
  approvers: string[];
  visibility: ResourceVisibility;
  request: CreateResourceRequest;
  file: { name: string; text: string };
}

const primaryMath = {
  subject: 'math',
  stage: 'primary',
  grade: '三年级',
  edition: 'pep',
  volume: 'first',
  unit: '第八单元 分数的初步认识',
  license: 'cc-by-4.0',
};

export const DEMO_RESOURCES: DemoResource[] = [
  {
    key: 'fraction-plan',
    author: 'wang',
    approvers: ['shiyanAdmin', 'district'],
    visibility: 'public',
    request: {
      ...primaryMath,
      title: '分数的初步认识 第1课时 教学设计',
      description: '几分之一的认识：分月饼、折纸，在操作中理解平均分与分数的意义。',
      lessonPeriod: 1,
      resourceType: 'lesson_plan',
      tags: ['分数', '几分之一', '平均分'],
    },
    file: {
      name: '分数的初步认识-教学设计.md',
      text: `# 分数的初步认识（第1课时）

## 教学目标
1. 结合分月饼、折纸等操作活动，初步认识几分之一，知道分数各部分的名称。
2. 会读、写几分之一，能用分数表示图形中的涂色部分。

## 重点难点
重点：理解“平均分”是分数产生的前提。难点：理解几分之一的含义。

## 教学过程
一、情境导入：把 4 个月饼平均分给 2 个小朋友，每人分得几个？把 1 个月饼平均分给 2 个小朋友呢？
二、新授：折一折、涂一涂，表示出一张纸的二分之一、四分之一。
三、练习：判断下面的图形是否平均分，并写出涂色部分用哪个分数表示。

## 作业设计
用一张圆形纸片折出它的八分之一，并涂上颜色。
`,
    },
  },
  {
    key: 'fraction-slides',
    author: 'wang',
    approvers: ['shiyanAdmin'],
    visibility: 'district',
    request: {
      ...primaryMath,
      title: '分数的初步认识 第1课时 课件',
      description: '配合同步课堂使用的课件大纲，每页一个活动，适合大屏展示。',
      lessonPeriod: 1,
      resourceType: 'courseware',
      tags: ['分数', '同步课堂'],
    },
    file: {
      name: '分数的初步认识-课件大纲.md',
      text: `# 课件大纲
第1页 情境：中秋节分月饼
第2页 平均分：每份同样多
第3页 二分之一的读法和写法，分子、分母、分数线
第4页 折纸活动：找出四分之一
第5页 课堂小结：把一个物体平均分成几份，每份是它的几分之一
`,
    },
  },
  {
    key: 'fraction-exercise',
    author: 'li',
    approvers: ['liuxiAdmin'],
    visibility: 'district',
    request: {
      ...primaryMath,
      title: '分数的初步认识 课后练习（复式班分层）',
      description: '柳溪村小复式班使用的分层练习：基础题、提高题各一组。',
      lessonPeriod: 1,
      resourceType: 'exercise',
      tags: ['分数', '分层作业', '复式班'],
    },
    file: {
      name: '分数练习.txt',
      text: '基础题：1. 把一张纸平均分成 3 份，每份是它的几分之一？\n提高题：2. 比较二分之一和四分之一的大小，说说你是怎么想的。\n',
    },
  },
  {
    key: 'equation-plan',
    author: 'chen',
    approvers: ['yizhongAdmin', 'district'],
    visibility: 'public',
    request: {
      subject: 'math',
      stage: 'junior',
      grade: '七年级',
      edition: 'pep',
      volume: 'first',
      unit: '第三单元 一元一次方程',
      lessonPeriod: 1,
      resourceType: 'lesson_plan',
      license: 'cc-by-4.0',
      title: '一元一次方程 第1课时 教学设计',
      description: '从算术到方程：用字母表示未知数，列方程解决实际问题。',
      tags: ['方程', '移项', '等式的性质'],
    },
    file: {
      name: '一元一次方程-教学设计.md',
      text: `# 一元一次方程（第1课时）
## 教学目标
理解方程、一元一次方程的概念；会根据等式的性质解简单的一元一次方程。
## 教学过程
一、问题引入：买 3 支铅笔和 1 本 5 元的练习本共花 11 元，每支铅笔多少元？
二、列方程：设每支铅笔 x 元，3x + 5 = 11。
三、移项与合并同类项：3x = 6，x = 2。
## 板书设计
方程 → 一元一次方程 → 等式的性质 → 移项
`,
    },
  },
  {
    key: 'pythagoras-guide',
    author: 'chen',
    approvers: ['yizhongAdmin'],
    visibility: 'district',
    request: {
      subject: 'math',
      stage: 'junior',
      grade: '八年级',
      edition: 'pep',
      volume: 'second',
      unit: '第十七章 勾股定理',
      lessonPeriod: 1,
      resourceType: 'study_guide',
      license: 'cc-by-nc-4.0',
      title: '勾股定理 第1课时 导学案',
      description: '用赵爽弦图证明勾股定理，附课前预习与当堂检测。',
      tags: ['勾股定理', '赵爽弦图'],
    },
    file: {
      name: '勾股定理-导学案.md',
      text: '# 勾股定理导学案\n预习：直角三角形两条直角边的平方和等于斜边的平方。\n探究：用四个全等的直角三角形拼出赵爽弦图，用面积法证明 a² + b² = c²。\n检测：直角边为 3 和 4，斜边是多少？\n',
    },
  },
  {
    key: 'poem-plan',
    author: 'zhou',
    approvers: ['hongyanAdmin'],
    visibility: 'district',
    request: {
      subject: 'chinese',
      stage: 'junior',
      grade: '七年级',
      edition: 'tongbian',
      volume: 'first',
      unit: '第一单元 四季美景',
      lessonPeriod: 2,
      resourceType: 'lesson_plan',
      license: 'cc-by-4.0',
      title: '《观沧海》教学设计',
      description: '曹操《观沧海》：朗读、想象画面、体会诗人的胸襟。',
      tags: ['古诗', '曹操', '朗读'],
    },
    file: {
      name: '观沧海-教学设计.txt',
      text: '东临碣石，以观沧海。水何澹澹，山岛竦峙。\n教学目标：有感情地朗读并背诵全诗；抓住“日月之行，若出其中”体会诗人博大的胸襟。\n',
    },
  },
  {
    key: 'english-unit3',
    author: 'zhao',
    approvers: [],
    visibility: 'school',
    request: {
      subject: 'english',
      stage: 'primary',
      grade: '四年级',
      edition: 'pep',
      volume: 'first',
      unit: 'Unit 3 My friends',
      lessonPeriod: 1,
      resourceType: 'courseware',
      license: 'cc-by-4.0',
      title: 'Unit 3 My friends 第1课时 课件',
      description: 'PEP 四年级上册 Unit 3 A Let’s talk：描述朋友的外貌与性格。',
      tags: ['英语', 'Unit 3', '口语'],
    },
    file: {
      name: 'Unit3-课件大纲.md',
      text: "# Unit 3 My friends\nLet's talk: I have a good friend. He's tall and strong. Who is he?\nKey words: tall, strong, friendly, quiet\n",
    },
  },
  {
    key: 'science-pending',
    author: 'li',
    approvers: [],
    visibility: 'district',
    request: {
      subject: 'science',
      stage: 'primary',
      grade: '四年级',
      edition: 'jiangsu',
      volume: 'first',
      unit: '第二单元 呼吸与消化',
      lessonPeriod: 1,
      resourceType: 'reflection',
      license: 'cc-by-4.0',
      title: '《食物的消化》教学反思',
      description: '村小四年级科学课后的反思：用馒头实验感受唾液的作用。',
      tags: ['科学', '消化', '教学反思'],
    },
    file: {
      name: '食物的消化-教学反思.txt',
      text: '本节课让学生细嚼馒头，感受唾液把淀粉变甜。复式班只有 9 名学生，实验分组不足，下次可以借助同步课堂观看城区学校的演示实验。\n',
    },
  },
];

/** 王老师's pack for the weekly fraction lessons, attached to that series. */
export const DEMO_PACK = {
  owner: 'wang',
  title: '分数的初步认识 · 同步课堂课前包',
  description: '同步课堂开课前请先下载：教学设计、课件、分层练习。',
  visibility: 'district' as ResourceVisibility,
  resources: ['fraction-plan', 'fraction-slides', 'fraction-exercise'],
};
