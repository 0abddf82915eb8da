import type { Locator, Page } from 'playwright-core';
import { eventually, expectText, launchBrowser, type BrowserSession } from './support/browser.js';
import { DEMO_PASSWORD, startProduct, type RunningProduct } from './support/product.js';

/**
 * The pairing flow as people use it: the county bureau pairs 青山县实验小学 with 柳溪村小学 for
 * English in term 2026-2027-2 and activates it; the rural school's admin then finds it in their
 * list, in Chinese and in English.
 */

let product: RunningProduct;

beforeAll(async () => {
  product = await startProduct();
}, 240_000);

afterAll(async () => {
  await product?.close();
});

/** Picks the option whose text contains `text` (options may carry extra detail, e.g. the stage). */
async function selectByText(select: Locator, wanted: string): Promise<void> {
  const value = await eventually(async () => {
    const options = select.locator('option');
    const seen: string[] = [];
    for (let i = 0; i < (await options.count()); i++) {
      const text = (await options.nth(i).textContent()) ?? '';
      const v = await options.nth(i).getAttribute('value');
      seen.push(text);
      if (v && text.includes(wanted)) return v;
    }
    throw new Error(`no option containing "${wanted}" in ${JSON.stringify(seen)}`);
  });
  await select.selectOption(value);
}

async function logIn(page: Page, identifier: string, password = DEMO_PASSWORD): Promise<void> {
  await page.getByLabel('邮箱或手机号').fill(identifier);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

const htmlLang = (page: Page) => page.locator('html').getAttribute('lang');

describe('pairing flow in the browser', () => {
  let session: BrowserSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('district admin creates and activates a pairing; the rural school admin sees it in Chinese and English', async () => {
    session = await launchBrowser('pairing-flow');
    const { page, shot } = session;

    // 1. Anonymous visitors land on the Chinese login page.
    await page.goto(product.baseUrl + '/pairings');
    await expectText(page.getByRole('heading', { level: 1 }), '登录同课');
    expect(await htmlLang(page)).toBe('zh-CN');
    await shot('01-login');

    // 2. The district admin logs in and comes back to Pairings.
    await logIn(page, 'district@demo.tongke.cn');
    await expectText(page.getByTestId('user-menu'), '县教育局 刘主任', '县教育局管理员');
    await expectText(page.getByRole('heading', { level: 1 }), '结对');
    expect(new URL(page.url()).pathname).toBe('/pairings');
    const cards = page.getByTestId('pairing-card');
    await expectText(cards.filter({ hasText: '青山县第一中学' }), '红岩乡初级中学', '数学', '语文');
    await shot('02-pairings-district');

    // 3. A new pairing: 青山县实验小学 → 柳溪村小学, 英语, 2026-2027-2, 王老师, the 柳溪 classroom.
    await page.getByRole('button', { name: '新建结对' }).click();
    const form = page.getByTestId('pairing-form');
    await selectByText(form.getByLabel('城区学校'), '青山县实验小学');
    await selectByText(form.getByLabel('主讲名师'), '王老师');
    await form.getByRole('checkbox', { name: /柳溪村小学/ }).check();
    await form.getByRole('checkbox', { name: /四年级复式班/ }).check();
    await form.getByLabel('学期').fill('2026-2027-2');
    await form.getByRole('checkbox', { name: '英语', exact: true }).check();
    await shot('03-create-form');
    await form.getByRole('button', { name: '创建结对' }).click();

    await expectText(page.getByTestId('pairing-notice'), '已创建结对');
    const mine = cards.filter({ hasText: '英语' });
    await expectText(
      mine,
      '青山县实验小学',
      '柳溪村小学',
      '王老师',
      '2026–2027 学年 第二学期',
      '四年级复式班',
      '待启动',
    );
    expect(await cards.count()).toBe(3);
    const pairingId = await mine.getAttribute('data-pairing-id');
    expect(pairingId).toMatch(/^[0-9a-f-]{36}$/);
    const card = page.locator(`[data-testid="pairing-card"][data-pairing-id="${pairingId}"]`);
    await shot('04-created');

    // 4. Activate it.
    await mine.getByRole('button', { name: '启动' }).click();
    await expectText(mine.getByTestId('pairing-status'), '进行中');
    await expectText(page.getByTestId('pairing-notice'), '结对已启动');
    await shot('05-activated');

    // Ending another pairing asks for an optional reason and keeps it on record.
    const other = cards.filter({ hasText: '青山县第一中学' });
    await other.getByRole('button', { name: '结束结对' }).click();
    await other.getByLabel('结束原因').fill('学期调整，下学期重新结对');
    await other.getByRole('button', { name: '确认结束' }).click();
    await expectText(other.getByTestId('pairing-status'), '已结束');
    await expectText(other, '结束原因', '学期调整，下学期重新结对');
    expect(await other.getByRole('button').count()).toBe(0);
    await expectText(page.getByTestId('pairing-notice'), '结对已结束');
    await shot('05b-ended-other');

    // 5. Log out.
    await page.getByTestId('user-menu').click();
    await page.getByRole('button', { name: '退出登录' }).click();
    await expectText(page.getByRole('heading', { level: 1 }), '登录同课');
    await expectText(page.getByTestId('session-notice'), '您已安全退出');
    await shot('06-logged-out');

    // 6. The rural school admin of 柳溪村小学 sees the pairing, read-only.
    await logIn(page, 'admin.liuxi@demo.tongke.cn');
    await expectText(page.getByTestId('user-menu'), '柳溪村小 校长', '学校管理员');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '结对' }).click();
    await expectText(page.getByRole('heading', { level: 1 }), '结对');
    await expectText(
      card,
      '青山县实验小学',
      '柳溪村小学',
      '王老师（数学名师）',
      '2026–2027 学年 第二学期',
      '进行中',
    );
    await expectText(page.locator('.info'), '结对由县教育局创建和管理');
    expect(await page.getByRole('button', { name: '新建结对' }).count()).toBe(0);
    expect(await card.getByRole('button').count()).toBe(0);
    await shot('07-rural-admin');

    // 7. Switch to English: labels, statuses and <html lang> follow.
    await page.getByTestId('language-switch').click();
    await expectText(page.getByRole('heading', { level: 1 }), 'Pairings');
    await expectText(card, 'Urban school', 'Master teacher', 'English', 'Active', '2026–2027, term 2');
    await expectText(
      page.getByRole('navigation', { name: 'Main navigation' }),
      'Library',
      'Joint lessons',
      'Schools',
    );
    await expectText(page.getByTestId('user-role'), 'School admin');
    expect(await htmlLang(page)).toBe('en');
    await shot('08-english');

    // 8. A reload keeps both the language and the session (refresh token).
    await page.reload();
    await expectText(page.getByRole('heading', { level: 1 }), 'Pairings');
    await expectText(card, 'English', 'Active');
    expect(await htmlLang(page)).toBe('en');

    // 9. And it reads on a phone.
    await page.setViewportSize({ width: 390, height: 844 });
    await expectText(card, 'English', 'Active');
    await shot('09-phone');

    expect(session.jsErrors()).toEqual([]);
  });

  it('a wrong password shows a clear error and keeps the user on the login page', async () => {
    session = await launchBrowser('login-failure');
    const { page, shot } = session;
    await page.goto(product.baseUrl + '/login');
    await expectText(page.getByRole('heading', { level: 1 }), '登录同课');

    // Empty form: the fields say what is missing, nothing is sent.
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await expectText(page.getByTestId('login-form'), '请输入邮箱或手机号。', '请输入密码。');

    await logIn(page, 'district@demo.tongke.cn', 'not-the-password');
    await expectText(page.getByTestId('login-error'), '登录失败', '账号或密码错误');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getByTestId('user-menu').count()).toBe(0);
    await shot('01-wrong-password');

    // Switching the language translates the message already shown.
    await page.getByTestId('language-switch').click();
    await expectText(page.getByTestId('login-error'), 'Login failed', 'Wrong account or password');
    await expectText(page.getByTestId('login-form'), 'Email or mobile number', 'Password');
    await shot('02-wrong-password-en');

    expect(session.jsErrors()).toEqual([]);
  });
});
