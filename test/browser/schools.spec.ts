import type { Page } from 'playwright-core';
import { eventually, expectText, launchBrowser, type BrowserSession } from './support/browser.js';
import { DEMO_PASSWORD, startProduct, type RunningProduct } from './support/product.js';

/**
 * Schools as a rural school admin uses them: the county's schools with their locale, their own
 * school's classrooms, staff and invite codes; a new teacher then joins with the code.
 */

let product: RunningProduct;

beforeAll(async () => {
  product = await startProduct();
}, 240_000);

afterAll(async () => {
  await product?.close();
});

async function logIn(page: Page, identifier: string): Promise<void> {
  await page.getByLabel('邮箱或手机号').fill(identifier);
  await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

describe('schools in the browser', () => {
  let session: BrowserSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('a school admin adds a classroom and invites a teacher, who joins with the code', async () => {
    session = await launchBrowser('schools');
    const { page, shot } = session;

    await page.goto(product.baseUrl + '/');
    await logIn(page, 'admin.liuxi@demo.tongke.cn');
    await expectText(page.getByRole('heading', { level: 1 }), '您好，柳溪村小 校长');
    await expectText(page.locator('.area-grid'), '资源库', '均衡监测', '结对', '可以使用');
    await shot('01-home');

    // 均衡监测 shows a school admin the figures of their own school.
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '均衡监测' }).click();
    await expectText(page.getByTestId('equity-school'), '柳溪村小学', '本校指标', '到课率');
    await shot('02-equity-school');

    // The county's schools, each with its locale as text.
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '学校' }).click();
    const cards = page.getByTestId('school-card');
    await expectText(cards.filter({ hasText: '青山县实验小学' }), '城区', '小学', '在校生 1,860 人');
    await expectText(cards.filter({ hasText: '石桥镇中心小学' }), '镇区');
    await expectText(cards.filter({ hasText: '柳溪村小学' }), '乡村', '在校生 86 人', '本校');
    expect(await cards.count()).toBe(6);
    await page.getByLabel('学校类型').selectOption('rural');
    await eventually(async () => (await cards.count()) === 3);
    await expectText(page.getByTestId('school-list'), '云岭教学点', '柳溪村小学', '红岩乡初级中学');
    expect(await cards.filter({ hasText: '城区' }).count()).toBe(0);
    await shot('03-schools-rural');

    // Their own school: classrooms, staff, invites.
    await cards.filter({ hasText: '柳溪村小学' }).getByRole('link').click();
    await expectText(page.getByTestId('school-name'), '柳溪村小学', '乡村');
    await expectText(page.getByTestId('classroom-table'), '四年级复式班');
    await expectText(page.getByTestId('staff-table'), '柳溪村小 校长', '李老师（柳溪助教）', '数学、语文');

    await page.getByTestId('classroom-name').fill('五六年级复式班');
    await page.getByRole('button', { name: '添加', exact: true }).click();
    await expectText(page.getByTestId('classroom-table'), '五六年级复式班', '四年级复式班');

    await page.getByTestId('invite-note').fill('新来的英语老师');
    await page.getByRole('button', { name: '生成邀请码' }).click();
    const code = (
      await expectText(page.getByTestId('invite-code'), /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/)
    ).trim();
    await expectText(page.getByTestId('invite-code-box'), '只显示这一次');
    await expectText(page.getByTestId('invite-table'), '新来的英语老师', '未使用');
    await shot('04-school-admin');

    // The new teacher joins with the code (another browser profile).
    const teacher = await launchBrowser('schools-join');
    try {
      const p2 = teacher.page;
      await p2.goto(product.baseUrl + '/login');
      await p2.getByRole('link', { name: '有邀请码？注册账号' }).click();
      await p2.getByLabel('邀请码').fill(code);
      await p2.getByLabel('姓名（显示给同事）').fill('吴老师');
      await p2.getByLabel('邮箱').fill('wu@liuxi.example.cn');
      await p2.getByLabel('设置密码').fill('Liuxi-english-2026');
      await teacher.shot('01-join');
      await p2.getByRole('button', { name: '注册并登录' }).click();
      await expectText(p2.getByRole('heading', { level: 1 }), '您好，吴老师');
      await expectText(p2.getByTestId('user-role'), '教师');
      await teacher.shot('02-joined');
      expect(teacher.jsErrors()).toEqual([]);
    } finally {
      await teacher.close();
    }

    // The admin sees the code used and the new colleague on the staff list.
    await page.reload();
    await expectText(page.getByTestId('invite-table'), '新来的英语老师', '已使用');
    await expectText(page.getByTestId('staff-table'), '吴老师');
    expect(await page.getByTestId('invite-code').count()).toBe(0);
    await shot('05-invite-used');

    expect(session.jsErrors()).toEqual([]);
  });

  it('parallel 401s renew the session with one refresh; a refused refresh sends the user back to log in', async () => {
    session = await launchBrowser('session-renewal');
    const { page, shot } = session;
    await page.goto(product.baseUrl + '/login');
    await logIn(page, 'district@demo.tongke.cn');
    await expectText(page.getByTestId('user-menu'), '县教育局 刘主任');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '学校' }).click();
    await expectText(page.getByTestId('school-list'), '柳溪村小学');

    // The school page loads classrooms, staff and invites in parallel; each is refused once as if
    // the access token had just expired.
    let refreshes = 0;
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/auth/refresh') refreshes++;
    });
    const refused = new Set<string>();
    const unauthorised = {
      status: 401,
      contentType: 'application/json',
      body: JSON.stringify({ statusCode: 401, code: 'UNAUTHENTICATED', message: 'Authentication required' }),
    };
    await page.route(/\/api\/schools\/[^/]+\/(classrooms|staff|invites)$/, async (route) => {
      const url = route.request().url();
      if (refused.has(url)) return route.continue();
      refused.add(url);
      return route.fulfill(unauthorised);
    });
    await page.getByTestId('school-card').filter({ hasText: '柳溪村小学' }).getByRole('link').click();
    await expectText(page.getByTestId('classroom-table'), '四年级复式班');
    await expectText(page.getByTestId('staff-table'), '李老师（柳溪助教）');
    // The invites list has answered too (a table, or the empty note if no code was made yet).
    await page.getByTestId('invite-table').or(page.getByText('还没有生成过邀请码。')).waitFor();
    expect(refused.size).toBe(3);
    expect(refreshes).toBe(1);
    await shot('01-renewed');

    // Now the server refuses the refresh too: the user is told to log in again and comes back here.
    const here = new URL(page.url()).pathname;
    await page.unroute(/\/api\/schools\/[^/]+\/(classrooms|staff|invites)$/);
    await page.route(/\/api\/(pairings|auth\/refresh)$/, (route) => route.fulfill(unauthorised));
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '结对' }).click();
    await expectText(page.getByTestId('session-notice'), '登录已过期，请重新登录。');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/pairings');
    await shot('02-expired');
    await page.unroute(/\/api\/(pairings|auth\/refresh)$/);
    await logIn(page, 'district@demo.tongke.cn');
    await expectText(page.getByRole('heading', { level: 1 }), '结对');
    expect(here).toMatch(/^\/schools\//);

    expect(session.jsErrors()).toEqual([]);
  });
});
