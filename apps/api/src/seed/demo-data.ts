import type { ClassroomKind, SchoolLocale, Stage, UserRole } from '@tongke/contracts';

/** The demo county seeded on first run of an embedded deployment. */
export const DEMO_PASSWORD = 'Tongke-demo-2026';
export const DEMO_REGION = { name: '青山县（演示）', code: 'demo-qingshan' };

export interface DemoSchool {
  key: string;
  name: string;
  locale: SchoolLocale;
  stages: Stage[];
  enrolment: number;
  classrooms: { name: string; kind: ClassroomKind; grade?: string }[];
}

export const DEMO_SCHOOLS: DemoSchool[] = [
  {
    key: 'shiyan',
    name: '青山县实验小学',
    locale: 'urban',
    stages: ['primary'],
    enrolment: 1860,
    classrooms: [
      { name: '录播教室', kind: 'room' },
      { name: '四年级(1)班', kind: 'class', grade: '四年级' },
    ],
  },
  {
    key: 'yizhong',
    name: '青山县第一中学',
    locale: 'urban',
    stages: ['junior'],
    enrolment: 2420,
    classrooms: [
      { name: '同步课堂教室', kind: 'room' },
      { name: '七年级(3)班', kind: 'class', grade: '七年级' },
    ],
  },
  {
    key: 'shiqiao',
    name: '石桥镇中心小学',
    locale: 'town',
    stages: ['primary'],
    enrolment: 640,
    classrooms: [{ name: '四年级(1)班', kind: 'class', grade: '四年级' }],
  },
  {
    key: 'liuxi',
    name: '柳溪村小学',
    locale: 'rural',
    stages: ['primary'],
    enrolment: 86,
    classrooms: [{ name: '四年级复式班', kind: 'class', grade: '四年级' }],
  },
  {
    key: 'yunling',
    name: '云岭教学点',
    locale: 'rural',
    stages: ['primary'],
    enrolment: 31,
    classrooms: [{ name: '教学点教室', kind: 'room' }],
  },
  {
    key: 'hongyan',
    name: '红岩乡初级中学',
    locale: 'rural',
    stages: ['junior'],
    enrolment: 520,
    classrooms: [
      { name: '七年级(1)班', kind: 'class', grade: '七年级' },
      { name: '七年级(2)班', kind: 'class', grade: '七年级' },
    ],
  },
];

export interface DemoUser {
  key: string;
  displayName: string;
  email: string;
  role: UserRole;
  school?: string;
  isMasterTeacher?: boolean;
  subjects?: string[];
  /** What the login is for, shown in the start banner. */
  purpose: string;
}

export const DEMO_USERS: DemoUser[] = [
  {
    key: 'platform',
    displayName: '平台管理员',
    email: 'platform@demo.tongke.cn',
    role: 'platform_admin',
    purpose: '平台管理员 platform admin',
  },
  {
    key: 'district',
    displayName: '县教育局 刘主任',
    email: 'district@demo.tongke.cn',
    role: 'district_admin',
    purpose: '县教育局 district admin',
  },
  {
    key: 'shiyanAdmin',
    displayName: '实验小学 教务处',
    email: 'admin.shiyan@demo.tongke.cn',
    role: 'school_admin',
    school: 'shiyan',
    purpose: '城区学校管理员 urban school admin',
  },
  {
    key: 'yizhongAdmin',
    displayName: '第一中学 教务处',
    email: 'admin.yizhong@demo.tongke.cn',
    role: 'school_admin',
    school: 'yizhong',
    purpose: '城区学校管理员 urban school admin',
  },
  {
    key: 'liuxiAdmin',
    displayName: '柳溪村小 校长',
    email: 'admin.liuxi@demo.tongke.cn',
    role: 'school_admin',
    school: 'liuxi',
    purpose: '乡村学校管理员 rural school admin',
  },
  {
    key: 'hongyanAdmin',
    displayName: '红岩乡中 教务处',
    email: 'admin.hongyan@demo.tongke.cn',
    role: 'school_admin',
    school: 'hongyan',
    purpose: '乡村学校管理员 rural school admin',
  },
  {
    key: 'wang',
    displayName: '王老师（数学名师）',
    email: 'wang@demo.tongke.cn',
    role: 'teacher',
    school: 'shiyan',
    isMasterTeacher: true,
    subjects: ['math'],
    purpose: '城区名师 urban master teacher',
  },
  {
    key: 'chen',
    displayName: '陈老师（初中数学名师）',
    email: 'chen@demo.tongke.cn',
    role: 'teacher',
    school: 'yizhong',
    isMasterTeacher: true,
    subjects: ['math'],
    purpose: '城区名师 urban master teacher',
  },
  {
    key: 'li',
    displayName: '李老师（柳溪助教）',
    email: 'li@demo.tongke.cn',
    role: 'teacher',
    school: 'liuxi',
    subjects: ['math', 'chinese'],
    purpose: '乡村教师/助教 rural teacher, co-teacher',
  },
  {
    key: 'zhao',
    displayName: '赵老师（石桥助教）',
    email: 'zhao@demo.tongke.cn',
    role: 'teacher',
    school: 'shiqiao',
    subjects: ['math'],
    purpose: '镇区教师/助教 town teacher, co-teacher',
  },
  {
    key: 'sun',
    displayName: '孙老师（云岭教学点）',
    email: 'sun@demo.tongke.cn',
    role: 'teacher',
    school: 'yunling',
    subjects: ['math', 'chinese'],
    purpose: '教学点教师 teaching-point teacher',
  },
  {
    key: 'zhou',
    displayName: '周老师（红岩数学）',
    email: 'zhou@demo.tongke.cn',
    role: 'teacher',
    school: 'hongyan',
    subjects: ['math'],
    purpose: '乡村初中教师 rural junior teacher',
  },
];

export const DEMO_PAIRINGS = [
  {
    urban: 'shiyan',
    partners: ['shiqiao', 'liuxi', 'yunling'],
    master: 'wang',
    term: '2026-2027-1',
    subjects: ['math'],
  },
  {
    urban: 'yizhong',
    partners: ['hongyan'],
    master: 'chen',
    term: '2026-2027-1',
    subjects: ['math', 'chinese'],
  },
];

/**
 * Demo joint lessons: 王老师's weekly lesson with the three rural classrooms of the first pairing,
 * and 陈老师's demonstration lesson with 红岩 about to start, so the demo can be joined right away.
 */
export const DEMO_TIMETABLE = {
  weekly: {
    master: 'wang',
    coTeachers: ['zhao', 'li', 'sun'],
    subject: 'math',
    title: '四年级数学 · 同步课堂',
    /** Thursdays 14:30–15:10, Beijing time. */
    rule: { weekday: 4, startTime: '14:30', durationMinutes: 40, timezone: 'Asia/Shanghai' },
  },
  soon: { master: 'chen', coTeachers: ['zhou'], subject: 'math', title: '示范课：一元一次方程', minutes: 40 },
};
