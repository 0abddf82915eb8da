import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import type {
  EquityDistrictOverviewDto,
  EquityMyActivityDto,
  EquityPairingDetailDto,
  EquitySchoolDetailDto,
  LoginResponse,
  PairingDto,
  ResourceDto,
  UserDto,
} from '@tongke/contracts';
import { eventually, expectText, launchBrowser, type BrowserSession } from './support/browser.js';
import { DEMO_PASSWORD, startProduct, type RunningProduct } from './support/product.js';
import { jest } from '@jest/globals';

// A real browser over a loaded 2-core machine: retry a failed run once before calling it red,
// and print the first failure so flakiness stays visible.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

/**
 * 均衡监测 as the county bureau uses it: 刘主任 (the demo county's district admin) opens the
 * equity dashboard, reads the coefficients of variation and a school's figure from the charts'
 * tables (they must be the numbers the API computes), then opens a pairing's report from the
 * pairings page. Screenshots: test-artifacts/browser/equity-*.png.
 */

let product: RunningProduct;

async function api<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(product.baseUrl + '/api' + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
    },
    body: body instanceof FormData ? body : body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const login = async (email: string): Promise<string> =>
  (await api<LoginResponse>('POST', '/auth/login', null, { identifier: email, password: DEMO_PASSWORD }))
    .accessToken;

/** The autumn or spring term a date falls in, as the equity API spells it (the page's default period). */
function termOf(d: Date): string {
  const shanghai = new Date(d.getTime() + 8 * 3600_000);
  const y = shanghai.getUTCFullYear();
  const m = shanghai.getUTCMonth() + 1;
  if (m >= 9) return `${y}-autumn`;
  if (m === 1) return `${y - 1}-autumn`;
  return `${y}-spring`;
}

/** The page's formats: three decimals for a coefficient, a whole percentage (up to one decimal) for a rate. */
const cvText = (n: number | null): string => (n === null ? '—' : n.toFixed(3));
const valueText = (n: number | null, unit: string): string => {
  if (n === null) return '—';
  if (unit === 'ratio')
    return new Intl.NumberFormat('zh-CN', { style: 'percent', maximumFractionDigits: 1 }).format(n);
  return new Intl.NumberFormat('zh-CN', { maximumFractionDigits: unit === 'hours' ? 1 : 2 }).format(n);
};

/** A resource with one text file, published to the county (the school admin approves it). */
async function publish(author: string, approver: string, title: string, grade: string): Promise<ResourceDto> {
  const created = await api<ResourceDto>('POST', '/resources', author, {
    license: 'cc-by-4.0',
    subject: 'math',
    stage: 'primary',
    edition: 'bnu',
    volume: 'first',
    grade,
    title,
    resourceType: 'lesson_plan',
  });
  const form = new FormData();
  form.append(
    'file',
    new Blob([`${title}：教学目标、教学过程、课堂练习。`], { type: 'text/plain' }),
    '教学设计.txt',
  );
  await api('POST', `/resources/${created.id}/files`, author, form);
  await api('POST', `/resources/${created.id}/submit`, author, { visibility: 'district' });
  await api('POST', `/resources/${created.id}/approve`, approver);
  return created;
}

let district: string;
let regionId: string;
let fractions: ResourceDto;
const period = termOf(new Date());

beforeAll(async () => {
  product = await startProduct();
  district = await login('district@demo.tongke.cn');
  regionId = (await api<UserDto>('GET', '/auth/me', district)).regionId ?? '';
  expect(regionId).not.toBe('');

  // This term's activity in the primary schools of the county, made the way teachers make it:
  // 王老师 (urban 实验小学) publishes two lesson plans, 李老师 (rural 柳溪村小学) one, and 李老师
  // opens and downloads one of 王老师's. Uploads per teacher and quality-resource use then differ
  // between schools, so their coefficients of variation and the urban–rural gap have values.
  const wang = await login('wang@demo.tongke.cn');
  const li = await login('li@demo.tongke.cn');
  const shiyan = await login('admin.shiyan@demo.tongke.cn');
  const liuxi = await login('admin.liuxi@demo.tongke.cn');
  const mine = async (token: string) =>
    (await api<EquityMyActivityDto>('GET', `/equity/me?period=${period}`, token)).counts;
  const [wangBefore, liBefore] = [await mine(wang), await mine(li)];
  fractions = await publish(wang, shiyan, '分数的初步认识 教学设计', '三年级');
  await publish(wang, shiyan, '两位数乘两位数 教学设计', '三年级');
  await publish(li, liuxi, '复式班 认识图形 教学设计', '一年级');
  await api('GET', `/resources/${fractions.id}`, li);
  const download = await fetch(`${product.baseUrl}/api/resources/${fractions.id}/download`, {
    headers: { authorization: `Bearer ${li}` },
  });
  expect(download.status).toBe(200);
  await download.arrayBuffer();

  // Usage is recorded in batches after the requests: wait until the API counts all of it, so the
  // page and the API below see the same figures.
  await eventually(async () => {
    const [w, l] = [await mine(wang), await mine(li)];
    return (
      w.uploads === wangBefore.uploads + 2 &&
      l.uploads === liBefore.uploads + 1 &&
      l.views === liBefore.views + 1 &&
      l.downloads === liBefore.downloads + 1
    );
  }, 60_000);
  await eventually(async () => {
    const o = await overview();
    const uploads = o.indicators.find((i) => i.key === 'uploads_per_teacher');
    const quality = o.indicators.find((i) => i.key === 'quality_resources_per_teacher');
    return uploads?.weightedCv != null && quality?.ruralMean != null && quality.ruralMean > 0;
  }, 60_000);
}, 300_000);

const overview = (): Promise<EquityDistrictOverviewDto> =>
  api<EquityDistrictOverviewDto>(
    'GET',
    `/equity/districts/${regionId}/overview?period=${period}&stage=primary`,
    district,
  );

afterAll(async () => {
  await product?.close();
});

async function logIn(page: Page, identifier: string): Promise<void> {
  await page.getByLabel('邮箱或手机号').fill(identifier);
  await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  // Password hashing is deliberately slow, and slower on a busy machine: wait for the signed-in shell.
  await page.getByTestId('user-menu').waitFor({ timeout: 30_000 });
}

describe('equity dashboard in the browser', () => {
  let session: BrowserSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('the district admin reads the API’s figures on the dashboard and opens a pairing report', async () => {
    session = await launchBrowser('equity');
    const { page, shot } = session;
    await page.goto(product.baseUrl + '/equity');
    await logIn(page, 'district@demo.tongke.cn');
    await expectText(page.getByRole('heading', { level: 1 }), '均衡监测');
    const dashboard = page.getByTestId('equity-dashboard');
    await expectText(dashboard, '学年', '学期');
    expect(await dashboard.getAttribute('data-region-id')).toBe(regionId);
    await expectText(page.getByTestId('equity-thresholds'), '小学', '优质均衡 ≤ 0.5', '基本均衡 ≤ 0.65');

    const o = await overview();
    expect(o.period.key).toBe(period);

    // 1. The coefficient-of-variation chart, shown as its table: every indicator's CV as the API has it.
    const cvFigure = page.getByTestId('equity-cv');
    // For screen readers the picture is labelled and its table is there even before it is shown.
    await expectText(cvFigure, '优质均衡线 0.5', '基本均衡线 0.65');
    expect(await cvFigure.getByRole('img', { name: /各指标的校际差异系数条形图/ }).count()).toBe(1);
    expect(await cvFigure.getByRole('table', { name: '各指标的校际差异系数' }).count()).toBe(1);
    await cvFigure.getByRole('button', { name: '以表格查看' }).click();
    const cvTable = cvFigure.getByTestId('chart-table');
    await expectText(cvTable, '人均使用优质资源数', '开课率', '到课率', '人均上传资源数');
    await shot('01-cv-table');
    for (const indicator of o.indicators) {
      const row = cvTable.locator(`[data-testid="cv-row"][data-indicator="${indicator.key}"]`);
      expect((await row.getByTestId('cv-value').innerText()).trim()).toBe(cvText(indicator.weightedCv));
      expect(await row.getByTestId('equity-status').getAttribute('data-status')).toBe(indicator.status);
    }

    // The uploads indicator has a coefficient now (王老师 and 李老师 uploaded), and its status badge.
    const uploads = o.indicators.find((i) => i.key === 'uploads_per_teacher')!;
    expect(uploads.weightedCv).not.toBeNull();
    await expectText(
      cvTable.locator('[data-testid="cv-row"][data-indicator="uploads_per_teacher"]'),
      '人均上传资源数',
      cvText(uploads.weightedCv),
    );

    // 2. 柳溪村小学's uploads per teacher in that indicator's distribution table equals the API's value.
    const liuxi = uploads.schools.find((s) => s.name === '柳溪村小学')!;
    expect(liuxi.value).toBeGreaterThan(0);
    const schoolsFigure = page.getByTestId('schools-uploads_per_teacher');
    await schoolsFigure.getByRole('button', { name: '以表格查看' }).click();
    const schoolRow = schoolsFigure.locator(`[data-testid="school-row"][data-school-id="${liuxi.schoolId}"]`);
    await expectText(schoolRow, '柳溪村小学', '乡村');
    expect((await schoolRow.getByTestId('school-value').innerText()).trim()).toBe(
      valueText(liuxi.value, uploads.unit),
    );
    await schoolRow.scrollIntoViewIfNeeded();
    await shot('02-school-value');

    // The county's figures as a CSV file for the bureau's spreadsheets: the same schools and coefficients.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出全县数据（CSV）' }).click(),
    ]);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toContain('人均上传资源数');
    expect(lines.some((l) => l.startsWith('柳溪村小学,乡村,'))).toBe(true);
    const cvLine = lines.find((l) => l.startsWith('差异系数,'))!.split(',');
    const uploadsColumn = lines[0].split(',').indexOf('人均上传资源数');
    expect(Number(cvLine[uploadsColumn])).toBeCloseTo(uploads.weightedCv!, 4);

    // The urban–rural gap of quality-resource use, as the API has it.
    const quality = o.indicators.find((i) => i.key === 'quality_resources_per_teacher')!;
    const gapFigure = page.getByTestId('equity-gap');
    await gapFigure.getByRole('button', { name: '以表格查看' }).click();
    expect(
      (
        await gapFigure
          .locator('[data-testid="gap-row"][data-indicator="quality_resources_per_teacher"]')
          .getByTestId('gap-value')
          .innerText()
      ).trim(),
    ).toBe(quality.gap === null ? '—' : quality.gap.toFixed(2));

    // The dashboard lists the county's pairings, each with its report.
    await expectText(page.getByTestId('equity-pairings'), '青山县实验小学', '柳溪村小学');

    // 3. The pairing report, opened from the pairings page.
    const pairings = await api<PairingDto[]>('GET', '/pairings', district);
    const pairing = pairings.find((p) => p.urbanSchool.name === '青山县实验小学');
    expect(pairing).toBeDefined();
    const report = await api<EquityPairingDetailDto>(
      'GET',
      `/equity/pairings/${pairing!.id}?period=${period}`,
      district,
    );
    await page.getByTestId('nav-pairings').click();
    const card = page.locator(`[data-testid="pairing-card"][data-pairing-id="${pairing!.id}"]`);
    await card.getByRole('link', { name: /均衡报告/ }).click();
    await expectText(page.getByRole('heading', { level: 1 }), '结对报告');
    await expectText(page.getByTestId('pairing-report-title'), '青山县实验小学', '柳溪村小学');
    const figure = (name: string) =>
      page.locator(`[data-testid="pairing-figure"][data-figure="${name}"] .big`).innerText();
    await eventually(async () =>
      expect((await figure('scheduled')).trim()).toBe(String(report.lessons.scheduled)),
    );
    expect((await figure('held')).trim()).toBe(String(report.lessons.held));
    // 李老师 of the rural side used 王老师's lesson plan: it is listed with its use.
    expect(report.materialsUsed.map((m) => m.resourceId)).toContain(fractions.id);
    await expectText(page.getByTestId('pairing-materials'), '分数的初步认识 教学设计');
    expect((await figure('materials')).trim()).toBe(`${report.distinctMaterialsUsedByRuralSide} 份`);
    await shot('03-pairing-report');

    // The report in English.
    await page.getByTestId('language-switch').click();
    await expectText(page.getByRole('heading', { level: 1 }), 'Pairing report');
    await expectText(
      page.getByTestId('pairing-materials'),
      'Resource',
      'Downloads',
      '分数的初步认识 教学设计',
    );

    expect(session.jsErrors()).toEqual([]);
  });
  it('each role sees its own view: the platform admin picks the county, a school admin their school, a teacher their activity', async () => {
    session = await launchBrowser('equity-roles');
    const { page, shot } = session;
    const logOut = async () => {
      await page.getByTestId('user-menu').click();
      await page.getByTestId('logout').click();
      await page.getByLabel('邮箱或手机号').waitFor();
    };

    // The platform admin chooses among the counties; the demo county's dashboard is the one asked for.
    await page.goto(product.baseUrl + '/equity');
    await logIn(page, 'platform@demo.tongke.cn');
    const region = page.getByLabel('县（区）');
    await region.selectOption({ label: '青山县（演示）' });
    await eventually(
      async () => (await page.getByTestId('equity-dashboard').getAttribute('data-region-id')) === regionId,
    );
    await expectText(page.getByTestId('equity-cv'), '人均上传资源数');
    await logOut();

    // 柳溪村小 校长 sees 柳溪村小学's own figures: its uploads per teacher as the API has them.
    const liuxiAdmin = await login('admin.liuxi@demo.tongke.cn');
    const liuxiId = (await api<UserDto>('GET', '/auth/me', liuxiAdmin)).schoolId!;
    const school = await api<EquitySchoolDetailDto>(
      'GET',
      `/equity/schools/${liuxiId}?period=${period}`,
      liuxiAdmin,
    );
    const uploads = school.indicators.find((i) => i.key === 'uploads_per_teacher')!;
    await page.goto(product.baseUrl + '/equity');
    await logIn(page, 'admin.liuxi@demo.tongke.cn');
    await expectText(page.getByTestId('equity-school'), '柳溪村小学', '本校指标');
    const card = page.locator('[data-testid="school-indicator"][data-indicator="uploads_per_teacher"]');
    await expectText(card, '人均上传资源数', valueText(uploads.value, 'per_teacher'));
    // Hours delivered are an urban school's figure: a rural school is not shown one.
    expect(
      await page.locator('[data-testid="school-indicator"][data-indicator="joint_hours_delivered"]').count(),
    ).toBe(0);
    await shot('04-school-admin');
    await logOut();

    // 李老师 sees her own activity (the demo library's uploads, this test's lesson plan and download), as the API counts it.
    const li = await login('li@demo.tongke.cn');
    const mine = await api<EquityMyActivityDto>('GET', `/equity/me?period=${period}`, li);
    expect(mine.counts.uploads).toBeGreaterThanOrEqual(1);
    expect(mine.counts.downloads).toBeGreaterThanOrEqual(1);
    await logIn(page, 'li@demo.tongke.cn');
    await page.getByTestId('nav-equity').click();
    await expectText(page.getByRole('heading', { level: 1 }), '我的活动');
    const counts = page.getByTestId('equity-counts');
    await expectText(counts, '上传', '下载');
    const cell = async (n: number) => (await counts.locator('td').nth(n).innerText()).trim();
    expect(await cell(2)).toBe(String(mine.counts.downloads));
    expect(await cell(3)).toBe(String(mine.counts.uploads));
    await shot('05-teacher');

    expect(session.jsErrors()).toEqual([]);
  });
});
