import type { Page } from 'playwright-core';
import type { LoginResponse, ResourceDto, SearchResponseDto } from '@tongke/contracts';
import { eventually, expectText, launchBrowser, type BrowserSession } from './support/browser.js';
import { DEMO_PASSWORD, startProduct, type RunningProduct } from './support/product.js';
import { jest } from '@jest/globals';

// A real browser over a loaded 2-core machine: retry a failed run once before calling it red,
// and print the first failure so flakiness stays visible.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

/**
 * The library search page as teachers use it: two master teachers of the demo county publish
 * resources (through the API), and 李老师 of the rural 柳溪村小学 finds them in Chinese, in pinyin
 * (with suggestions while typing) and with a facet, opens one, and reads the page in English.
 * Screenshots: test-artifacts/browser/search-*.png.
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

/** Creates a resource with one text file and publishes it (district visibility is approved by the school admin). */
async function publish(
  author: string,
  approver: string,
  meta: Record<string, unknown>,
  file: { name: string; text: string },
  visibility: 'school' | 'district',
): Promise<ResourceDto> {
  const created = await api<ResourceDto>('POST', '/resources', author, {
    license: 'cc-by-4.0',
    ...meta,
  });
  const form = new FormData();
  form.append('file', new Blob([file.text], { type: 'text/plain' }), file.name);
  await api('POST', `/resources/${created.id}/files`, author, form);
  await api('POST', `/resources/${created.id}/submit`, author, { visibility });
  if (visibility === 'district') await api('POST', `/resources/${created.id}/approve`, approver);
  return created;
}

let gougu: ResourceDto;
let equation: ResourceDto;
let equationBnu: ResourceDto;
let schoolOnly: ResourceDto;

beforeAll(async () => {
  product = await startProduct();
  const chen = await login('chen@demo.tongke.cn');
  const wang = await login('wang@demo.tongke.cn');
  const yizhong = await login('admin.yizhong@demo.tongke.cn');
  const shiyan = await login('admin.shiyan@demo.tongke.cn');
  const junior = { subject: 'math', stage: 'junior', edition: 'pep', volume: 'first' };
  gougu = await publish(
    chen,
    yizhong,
    {
      ...junior,
      title: '勾股定理 第1课时 课件',
      description: '八年级下册第十七章，用面积法证明勾股定理。',
      grade: '八年级',
      volume: 'second',
      unit: '第十七章 勾股定理',
      resourceType: 'courseware',
      tags: ['勾股定理', '几何证明'],
    },
    {
      name: '勾股定理课件讲稿.txt',
      text: '赵爽弦图：用四个全等的直角三角形拼出正方形。\n课堂练习：求直角三角形的斜边。',
    },
    'district',
  );
  equation = await publish(
    chen,
    yizhong,
    {
      ...junior,
      title: '一元一次方程 解法 教学设计',
      description: '人教版七年级上册第三单元：移项与合并同类项。',
      grade: '七年级',
      unit: '第三单元 一元一次方程',
      lessonPeriod: 2,
      resourceType: 'lesson_plan',
      tags: ['方程', '移项'],
    },
    {
      name: '教学设计.txt',
      text: '教学目标：会用移项解一元一次方程。教学过程：情境导入、合作探究、课堂小结。',
    },
    'district',
  );
  equationBnu = await publish(
    chen,
    yizhong,
    {
      ...junior,
      edition: 'bnu',
      title: '一元一次方程 应用题 习题',
      description: '北师大版七年级上册，行程问题与工程问题。',
      grade: '七年级',
      resourceType: 'exercise',
      tags: ['方程', '应用题'],
    },
    { name: '习题.txt', text: '甲乙两人相向而行，列一元一次方程求相遇时间。' },
    'district',
  );
  // Only 第一中学 may see this one: 李老师 of 柳溪村小学 must not, not even in a count.
  schoolOnly = await publish(
    chen,
    yizhong,
    {
      ...junior,
      title: '一元一次方程 校内测验',
      description: '本校七年级单元测验。',
      grade: '七年级',
      resourceType: 'test_paper',
    },
    { name: '测验.txt', text: '一元一次方程 单元测验' },
    'school',
  );
  await publish(
    wang,
    shiyan,
    {
      subject: 'math',
      stage: 'primary',
      edition: 'bnu',
      volume: 'first',
      title: '分数的初步认识 微课',
      description: '三年级上册，用折纸认识几分之一。',
      grade: '三年级',
      resourceType: 'micro_lecture',
    },
    { name: '微课脚本.txt', text: '把一张纸对折，每一份是它的二分之一。' },
    'district',
  );
  // Wait until the index has everything (the file text is extracted in the background).
  const li = await login('li@demo.tongke.cn');
  await eventually(async () => {
    const r = await api<SearchResponseDto>('GET', `/search?q=${encodeURIComponent('赵爽弦图')}`, li);
    const all = await api<SearchResponseDto>('GET', `/search?q=${encodeURIComponent('一元一次方程')}`, li);
    return r.hits.some((h) => h.id === gougu.id) && all.hits.length >= 2;
  }, 60_000);
}, 300_000);

afterAll(async () => {
  await product?.close();
});

async function logIn(page: Page, identifier: string): Promise<void> {
  await page.getByLabel('邮箱或手机号').fill(identifier);
  await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

const hitIds = async (page: Page): Promise<string[]> =>
  page
    .getByTestId('search-hit')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-resource-id') ?? ''));

describe('library search in the browser', () => {
  let session: BrowserSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('a rural teacher finds resources in Chinese, by pinyin and with a facet, and opens one', async () => {
    session = await launchBrowser('search');
    const { page, shot } = session;

    await page.goto(product.baseUrl + '/library');
    await logIn(page, 'li@demo.tongke.cn');
    await expectText(page.getByRole('heading', { level: 1 }), '资源库');

    // 1. Chinese words: both district-visible equation resources, highlighted; the school-only one is not there.
    const box = page.getByRole('combobox', { name: '搜索资源' });
    await box.fill('一元一次方程');
    await box.press('Enter');
    await expectText(page.getByTestId('search-total'), '“一元一次方程”共');
    await eventually(async () => {
      const ids = await hitIds(page);
      return ids.includes(equation.id) && ids.includes(equationBnu.id) && !ids.includes(schoolOnly.id);
    });
    expect(new URL(page.url()).searchParams.get('q')).toBe('一元一次方程');
    const first = page.locator(`[data-resource-id="${equation.id}"]`);
    await expectText(first.locator('mark').first(), '一元一次方程');
    await expectText(first, '初中 · 数学 · 七年级 · 人教版 上册', '陈老师（初中数学名师）', '青山县第一中学');
    // No count anywhere includes the test paper only 第一中学 may see.
    expect(await page.getByTestId('facet-resourceType').getByText('试卷').count()).toBe(0);
    await shot('01-chinese');

    // 2. A facet: 教材版本 人教版 leaves the PEP lesson plan; the URL says so (shareable).
    const editions = page.getByTestId('facet-edition');
    await expectText(editions, '人教版', '北师大版');
    // The box is controlled by the URL: it turns checked once the filtered answer arrives, so
    // click it and wait for that rather than expecting the state to flip at once.
    const pep = editions.getByRole('checkbox', { name: /人教版/ });
    await pep.click();
    await eventually(async () => expect(await pep.isChecked()).toBe(true));
    await eventually(async () => {
      const ids = await hitIds(page);
      return ids.includes(equation.id) && !ids.includes(equationBnu.id);
    });
    expect(new URL(page.url()).searchParams.get('edition')).toBe('pep');
    await expect(editions.getByRole('checkbox', { name: /人教版/ }).isChecked()).resolves.toBe(true);
    // The other edition stays offered, with its count, to switch to.
    await expectText(editions, '北师大版');
    await shot('02-facet');

    // The URL alone reproduces the search (a shared link), even when the page is left while
    // its session refresh is still in flight.
    const shared = page.url();
    await page.goto(product.baseUrl + '/');
    await page.goto(shared);
    await eventually(async () => {
      const ids = await hitIds(page);
      return ids.length > 0 && ids.includes(equation.id) && !ids.includes(equationBnu.id);
    });
    await expect(
      page
        .getByTestId('facet-edition')
        .getByRole('checkbox', { name: /人教版/ })
        .isChecked(),
    ).resolves.toBe(true);

    await page.getByTestId('clear-filters').click();
    await eventually(async () => (await hitIds(page)).includes(equationBnu.id));

    // 3. Pinyin, with suggestions while typing.
    await box.fill('');
    await box.pressSequentially('gougu', { delay: 40 });
    const suggestions = page.getByRole('listbox', { name: '搜索建议' });
    await expectText(suggestions, '勾股定理 第1课时 课件');
    await shot('03-suggestions');
    await box.fill('gougudingli');
    await box.press('Enter');
    await eventually(async () => (await hitIds(page)).includes(gougu.id));
    await expectText(page.locator(`[data-resource-id="${gougu.id}"]`).locator('mark').first(), '勾股定理');
    expect(new URL(page.url()).searchParams.get('q')).toBe('gougudingli');

    // Words inside the file, typed in traditional characters.
    await box.fill('趙爽弦圖');
    await box.press('Enter');
    const hit = page.locator(`[data-resource-id="${gougu.id}"]`);
    await expectText(hit.getByTestId('hit-file-snippet'), '文件内容', '赵爽弦图');
    await shot('04-file-text');

    // 4. Open it: the resource page with its metadata and file.
    await hit.getByRole('link', { name: '勾股定理 第1课时 课件' }).click();
    const resourcePage = page.getByTestId('resource-page');
    await expectText(page.getByRole('heading', { level: 1 }), '勾股定理 第1课时 课件');
    await expectText(resourcePage, '八年级', '人教版', '下册', '课件', '第十七章 勾股定理', '本县');
    await expectText(page.getByTestId('resource-files'), '勾股定理课件讲稿.txt', '下载');
    await shot('05-resource');

    // Back to the same results; then in English.
    await page.getByRole('link', { name: /返回资源库/ }).click();
    await eventually(async () => (await hitIds(page)).includes(gougu.id));
    await page.getByTestId('language-switch').click();
    await expectText(page.getByRole('heading', { level: 1 }), 'Library');
    await expectText(page.getByTestId('search-facets'), 'Filters', 'Textbook edition', 'Subject');
    await expectText(page.locator(`[data-resource-id="${gougu.id}"]`), 'Junior secondary', 'Courseware');
    await shot('06-english');

    expect(session.jsErrors()).toEqual([]);
  });
});
