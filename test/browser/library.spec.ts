import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Route } from 'playwright-core';
import type { LoginResponse, ResourceDto } from '@tongke/contracts';
import { jest } from '@jest/globals';
import { eventually, expectText, launchBrowser, type BrowserSession } from './support/browser.js';
import { DEMO_PASSWORD, startProduct, type RunningProduct } from './support/product.js';

// A real browser over a loaded 2-core machine: retry a failed run once before calling it red,
// and print the first failure so flakiness stays visible.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

/**
 * The library's upload-to-download path as people use it: 王老师 (实验小学) uploads a PDF study
 * guide; the link drops half-way, she reloads the page, picks the same file and the upload
 * continues where it stopped (she pauses and resumes it once more on the way); she submits it for
 * county-wide sharing. 实验小学's administrator approves it in the review queue. 李老师 of the
 * rural 柳溪村小学 finds it, downloads the very same bytes, rates and favourites it. Then the other
 * way round: a resource sent back with a reason, revised and resubmitted, and a lesson pack put in
 * order and downloaded as one zip, a new version, and a withdrawal and deletion by the author.
 * Screenshots: test-artifacts/browser/library-*.png.
 */

let product: RunningProduct;
let secondTestRuns = 0;
let dir: string;
let pdfPath: string;
const FILE_NAME = '多边形的面积 探究学案.pdf';
const TITLE = '多边形的面积 探究学案';

/** A small valid PDF (one page of text) padded with an unreferenced binary stream to ~1.5 MB. */
function makePdf(): Buffer {
  const text = 'BT /F1 18 Tf 72 720 Td (Polygon area: a study guide) Tj ET';
  const pad = randomBytes(1536 * 1024);
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from(
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    ),
    Buffer.from(`<< /Length ${text.length} >>\nstream\n${text}\nendstream`),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'),
    Buffer.concat([Buffer.from(`<< /Length ${pad.length} >>\nstream\n`), pad, Buffer.from('\nendstream')]),
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let at = parts[0].length;
  objects.forEach((body, i) => {
    offsets.push(at);
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    parts.push(obj);
    at += obj.length;
  });
  const xref =
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`;
  parts.push(Buffer.from(xref));
  return Buffer.concat(parts);
}

beforeAll(async () => {
  // A 4 MB upload limit, so "too big" can be shown without moving gigabytes.
  product = await startProduct({ UPLOAD_MAX_BYTES: String(4 * 1024 * 1024) });
  dir = mkdtempSync(join(tmpdir(), 'tongke-library-'));
  pdfPath = join(dir, FILE_NAME);
  writeFileSync(pdfPath, makePdf());
}, 300_000);

afterAll(async () => {
  await product?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

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

const token = async (email: string): Promise<string> =>
  (await api<LoginResponse>('POST', '/auth/login', null, { identifier: email, password: DEMO_PASSWORD }))
    .accessToken;

/** A resource of 王老师's with one text file, submitted with the given visibility (school: published at once). */
async function prepared(
  author: string,
  title: string,
  file: string,
  visibility: 'school' | 'district',
): Promise<ResourceDto> {
  const r = await api<ResourceDto>('POST', '/resources', author, {
    title,
    subject: 'math',
    stage: 'primary',
    grade: '五年级',
    edition: 'pep',
    volume: 'first',
    resourceType: 'exercise',
    license: 'cc-by-4.0',
  });
  const form = new FormData();
  form.append('file', new Blob([`${title}\n练习一：求平行四边形的面积。`], { type: 'text/plain' }), file);
  await api('POST', `/resources/${r.id}/files`, author, form);
  return api<ResourceDto>('POST', `/resources/${r.id}/submit`, author, { visibility });
}

async function logIn(page: Page, identifier: string): Promise<void> {
  // The first page of a cold browser on a busy machine can take a while to appear.
  await page.getByLabel('邮箱或手机号').waitFor({ timeout: 60_000 });
  await page.getByLabel('邮箱或手机号').fill(identifier);
  await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

async function logOut(page: Page): Promise<void> {
  await page.getByTestId('user-menu').click();
  await page.getByTestId('logout').click();
  await page.getByLabel('邮箱或手机号').waitFor();
}

/** The percentage the upload status line shows. */
async function shownPercent(page: Page): Promise<number> {
  const text = await page.getByTestId('upload-status').innerText();
  const m = /（(\d+)%）/.exec(text);
  if (!m) throw new Error(`no percentage in "${text}"`);
  return Number(m[1]);
}

describe('the course-material library in the browser', () => {
  let session: BrowserSession | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('an upload survives a dropped link and a reload, is approved, and another school downloads it', async () => {
    session = await launchBrowser('library');
    const { page, shot } = session;
    const size = statSync(pdfPath).size;

    // 1. 王老师 fills in the curriculum details.
    await page.goto(product.baseUrl + '/library/upload');
    await logIn(page, 'wang@demo.tongke.cn');
    await expectText(page.getByRole('heading', { level: 1 }), '上传资源');
    // Small PATCHes (64 KiB), as on a link that drops often, so the upload is cut off half-way.
    await page.evaluate(`localStorage.setItem('tongke.upload.chunkBytes', '${64 * 1024}')`);

    // Bad input first: nothing chosen, nothing filled in — each problem is named.
    await page.getByTestId('upload-start').click();
    await expectText(page.getByTestId('upload-form'), '请填写此项。', '请选择要上传的文件。');
    // A file type the library does not take is refused before a byte is sent.
    const exe = join(dir, 'setup.exe');
    writeFileSync(exe, Buffer.from('MZ not a teaching material'));
    await page.getByTestId('upload-file').setInputFiles(exe);
    await expectText(page.getByTestId('upload-form'), '不支持这种文件类型（.exe）');

    const form = page.getByTestId('upload-form');
    await form.getByLabel('标题').fill(TITLE);
    await page.getByTestId('upload-stage').selectOption({ label: '小学' });
    await page.getByTestId('upload-subject').selectOption({ label: '数学' });
    await page.getByTestId('upload-grade').selectOption({ label: '五年级' });
    await page.getByTestId('upload-edition').selectOption({ label: '人教版' });
    await page.getByTestId('upload-volume').selectOption({ label: '上册' });
    await page.getByTestId('upload-resourceType').selectOption({ label: '学案' });
    await form.getByLabel('单元').fill('第六单元 多边形的面积');
    await form.getByLabel('标签').fill('面积，割补法');
    await page.getByTestId('upload-visibility').selectOption({ label: '本县' });
    await page.getByTestId('upload-file').setInputFiles(pdfPath);
    await shot('01-form');

    // 2. The link drops after a few chunks: the page says it is retrying and progress stops half-way.
    let patches = 0;
    const dropAfterSix = async (route: Route) => {
      if (route.request().method() === 'PATCH' && ++patches > 6) await route.abort('internetdisconnected');
      else await route.continue();
    };
    await page.route('**/api/uploads/**', dropAfterSix);
    await page.getByTestId('upload-start').click();
    await expectText(page.getByTestId('upload-retrying'), '网络中断，正在自动重试');
    const stalledAt = await shownPercent(page);
    expect(stalledAt).toBeGreaterThan(0);
    expect(stalledAt).toBeLessThan(100);
    const resourceId = new URL(page.url()).searchParams.get('draft') ?? '';
    expect(resourceId).toMatch(/^[0-9a-f-]{36}$/);
    await shot('02-dropped');

    // 3. She reloads (the link is back), picks the same file, and the upload continues from where it stopped.
    await page.unroute('**/api/uploads/**', dropAfterSix);
    // Still a slow link: each chunk takes a moment, so she can pause and resume on the way.
    const slowLink = async (route: Route) => {
      if (route.request().method() === 'PATCH') await new Promise((resolve) => setTimeout(resolve, 150));
      await route.continue().catch(() => undefined);
    };
    await page.route('**/api/uploads/**', slowLink);
    await page.reload();
    await expectText(page.getByTestId('upload-draft'), `草稿：${TITLE}`, '重新选择同一个文件');
    await page.getByTestId('upload-file').setInputFiles(pdfPath);
    await page.getByTestId('upload-start').click();
    const resumed = await expectText(page.getByTestId('upload-resumed'), '已找到之前的上传');
    const resumedAt = Number(/从 (\d+)% 继续/.exec(resumed)?.[1]);
    expect(resumedAt).toBeGreaterThan(0);
    await page.getByRole('button', { name: '暂停' }).click();
    await expectText(page.getByTestId('upload-paused'), '已暂停');
    await page.getByRole('button', { name: '继续上传' }).click();
    await expectText(page.getByTestId('upload-done'), `上传完成：${FILE_NAME}`);
    await page.unroute('**/api/uploads/**', slowLink);
    await expectText(page.getByTestId('upload-files'), FILE_NAME, '1.5 MB');
    await shot('03-resumed');

    // 4. Submitted for county-wide sharing: it waits for the school's review.
    await expectText(page.getByTestId('upload-submit'), '提交审核');
    await page.getByTestId('upload-submit').click();
    await expectText(page.getByTestId('upload-submitted'), '已提交审核');
    await page.getByTestId('library-nav-mine').click();
    const mine = page.locator(`[data-testid="resource-card"][data-resource-id="${resourceId}"]`);
    await expectText(mine, '审核中', '等待学校审核', '小学 · 数学 · 五年级 · 人教版 上册 · 学案');
    await shot('04-my-uploads');
    await logOut(page);

    // 5. 实验小学's administrator approves it from the review queue.
    await page.goto(product.baseUrl + '/library/review');
    await logIn(page, 'admin.shiyan@demo.tongke.cn');
    const item = page.locator(`[data-testid="review-item"][data-resource-id="${resourceId}"]`);
    await expectText(item, TITLE, '申请公开到：本县', '王老师', FILE_NAME);
    await shot('05-review-queue');
    await item.getByRole('button', { name: '通过' }).click();
    await expectText(page.getByTestId('review-notice'), `已通过《${TITLE}》`);
    await eventually(async () => (await item.count()) === 0);
    await logOut(page);

    // 6. 李老师 of a rural school finds it by words of its title, opens it and downloads the same bytes.
    await page.goto(product.baseUrl + '/library');
    await logIn(page, 'li@demo.tongke.cn');
    const box = page.getByRole('combobox', { name: '搜索资源' });
    const hit = page.locator(`[data-testid="search-hit"][data-resource-id="${resourceId}"]`);
    // The index is updated in the background after approval: search again until it is there.
    await eventually(async () => {
      await box.fill('多边形的面积');
      await box.press('Enter');
      await hit.waitFor({ timeout: 2_000 });
      return true;
    }, 60_000);
    await hit.getByRole('link', { name: TITLE }).click();
    await expectText(page.getByRole('heading', { level: 1 }), TITLE);
    await expectText(page.getByTestId('resource-standing'), '已发布', '下载 0', '暂无评分');
    await expectText(
      page.getByTestId('resource-page'),
      '王老师',
      '实验小学',
      '第六单元 多边形的面积',
      '本县',
    );

    // Her link drops part-way through the download: the page continues from where it stopped.
    const asked: (string | undefined)[] = [];
    const cutOnce = async (route: Route) => {
      asked.push(route.request().headers()['range']);
      if (asked.length > 1) return route.continue();
      const full = await route.fetch();
      await route.fulfill({
        status: 200,
        headers: full.headers(),
        body: (await full.body()).subarray(0, 600_000),
      });
    };
    await page.route(`**/api/resources/${resourceId}/download`, cutOnce);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-current').click(),
    ]);
    await page.unroute(`**/api/resources/${resourceId}/download`, cutOnce);
    expect(asked[0]).toBeUndefined();
    expect(asked[1]).toMatch(/^bytes=[1-9]\d*-$/);
    expect(download.suggestedFilename()).toBe(FILE_NAME);
    const saved = await download.path();
    expect(readFileSync(saved).equals(readFileSync(pdfPath))).toBe(true);
    expect(size).toBeGreaterThan(1_500_000);
    await expectText(page.getByTestId('resource-counts'), '下载 1');
    // A large file is handed to the browser's own download manager through a short-lived signed
    // link instead (streamed to disk, never held by the page); the threshold is lowered here so
    // this PDF counts as large. The request carries no access token, only the link's signature.
    await page.evaluate("localStorage.setItem('tongke.download.linkAboveBytes', '0')");
    const [streamed] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-current').click(),
    ]);
    await page.evaluate("localStorage.removeItem('tongke.download.linkAboveBytes')");
    expect(streamed.url()).toMatch(/\/api\/files\/[\w-]+\/download\?sig=[\w.-]+$/);
    expect(streamed.suggestedFilename()).toBe(FILE_NAME);
    expect(readFileSync(await streamed.path()).equals(readFileSync(pdfPath))).toBe(true);
    await expectText(page.getByTestId('resource-counts'), '下载 2');

    // Rated (once per teacher) and kept in her favourites.
    await page.getByRole('button', { name: '给 4 星' }).click();
    await expectText(page.getByTestId('my-rating'), '您的评分：4 星');
    await page.getByRole('button', { name: '给 5 星' }).click();
    await expectText(page.getByTestId('my-rating'), '您的评分：5 星');
    await expectText(page.getByTestId('resource-rating-summary'), '平均 5 分（1 人评分）');
    await page.getByTestId('favourite').click();
    await expectText(page.getByTestId('favourite'), '取消收藏');
    // All of it is kept by the server: after a reload the counts, her rating and the favourite are still there.
    await page.reload();
    await expectText(page.getByTestId('resource-counts'), '下载 2');
    await expectText(page.getByTestId('my-rating'), '您的评分：5 星');
    await expectText(page.getByTestId('favourite'), '取消收藏');
    await shot('06-downloaded');
    await page.getByTestId('library-nav-favourites').click();
    const favourite = page.locator(`[data-testid="resource-card"][data-resource-id="${resourceId}"]`);
    await expectText(favourite, TITLE, '王老师');

    // The same pages in English.
    await page.getByTestId('language-switch').click();
    await expectText(page.getByRole('heading', { level: 1 }), 'Favourites');
    await favourite.getByRole('link', { name: TITLE }).click();
    await expectText(
      page.getByTestId('resource-standing'),
      'Published',
      'Downloads: 2',
      'Average 5 · ratings: 1',
    );
    await expectText(page.getByTestId('my-rating'), 'Your rating: 5 stars');
    await expectText(page.getByTestId('favourite'), 'Remove from favourites');
    await expectText(page.getByTestId('resource-versions'), 'Version 1', 'current');
    // She remixes it: her own draft starts with the same file, ready to adapt for her class.
    await page.getByTestId('remix').click();
    await expectText(page.getByTestId('upload-draft'), `Draft: ${TITLE}`, FILE_NAME);
    expect(new URL(page.url()).searchParams.get('draft')).not.toBe(resourceId);

    expect(session.jsErrors()).toEqual([]);
  });

  it('a reviewer sends a resource back with a reason the author sees; a lesson pack is put in order and downloaded as a zip; a new version keeps the history', async () => {
    // Titles differ on a retry (jest.retryTimes), so nothing left from a first attempt is mistaken for this one's.
    const n = ++secondTestRuns > 1 ? `（${secondTestRuns}）` : '';
    const [P, T, R] = [
      `平行四边形的面积 课堂练习${n}`,
      `三角形的面积 课后作业${n}`,
      `梯形的面积 草稿课件${n}`,
    ];
    const wang = await token('wang@demo.tongke.cn');
    const exercises = await prepared(wang, P, '平行四边形练习.txt', 'school');
    const triangle = await prepared(wang, T, '三角形作业.txt', 'school');
    const rough = await prepared(wang, R, '梯形.txt', 'district');
    expect(exercises.status).toBe('published');
    expect(rough.status).toBe('pending_review');

    session = await launchBrowser('library-review-packs');
    const { page, shot } = session;

    // 1. The administrator sends the rough one back; a reason is required.
    await page.goto(product.baseUrl + '/library/review');
    await logIn(page, 'admin.shiyan@demo.tongke.cn');
    const item = page.locator(`[data-testid="review-item"][data-resource-id="${rough.id}"]`);
    await expectText(item, R);
    await item.getByRole('button', { name: '退回' }).click();
    await item.getByRole('button', { name: '确认退回' }).click();
    await expectText(item, '请写明退回理由。');
    await item.getByLabel('退回理由').fill('例题的图形标注不清楚，请补上底和高。');
    await item.getByRole('button', { name: '确认退回' }).click();
    await expectText(page.getByTestId('review-notice'), `已退回《${R}》`);
    await expectText(page.getByTestId('review-empty'), '没有等待审核的资源。');
    await logOut(page);

    // 2. 王老师 sees it back in draft, with the reason, in her uploads.
    await page.goto(product.baseUrl + '/library/mine');
    await logIn(page, 'wang@demo.tongke.cn');
    const card = page.locator(`[data-testid="resource-card"][data-resource-id="${rough.id}"]`);
    await expectText(card, '草稿', '未通过审核：例题的图形标注不清楚，请补上底和高。');
    // The news is at the top until she has read it.
    const notice = page.getByTestId('notice').filter({ hasText: R });
    await expectText(notice, '未通过审核', '例题的图形标注不清楚');
    await notice.getByRole('button', { name: '知道了' }).click();
    await eventually(async () => (await notice.count()) === 0);
    await expectText(
      page.locator(`[data-testid="resource-card"][data-resource-id="${exercises.id}"]`),
      '已发布',
    );
    await shot('01-rejected');

    // She fixes it: a file over the limit is refused at once; one whose bytes are not a PDF is
    // refused by the server, and the page says why.
    await card.getByRole('link', { name: '继续编辑' }).click();
    await expectText(
      page.getByTestId('upload-draft'),
      `草稿：${R}`,
      '上次审核未通过：例题的图形标注不清楚',
      '梯形.txt',
    );
    await page.getByTestId('edit-details').click();
    await page.getByTestId('edit-form').getByLabel('标题').fill('梯形的面积 课件（修订）');
    await page.getByTestId('edit-save').click();
    await expectText(page.getByTestId('edit-saved'), '课程信息已保存。');
    await expectText(page.getByTestId('upload-draft'), '草稿：梯形的面积 课件（修订）');
    const big = join(dir, '梯形 实录.mp4');
    writeFileSync(big, Buffer.alloc(5 * 1024 * 1024, 1));
    await page.getByTestId('upload-file').setInputFiles(big);
    await expectText(page.getByTestId('upload-draft'), '文件太大（5 MB），上限是 4 MB。');
    const broken = join(dir, '梯形课件.pdf');
    writeFileSync(broken, randomBytes(200 * 1024));
    await page.getByTestId('upload-file').setInputFiles(broken);
    await page.getByTestId('upload-start').click();
    await expectText(page.getByTestId('upload-error'), '上传没有完成', '不支持这种文件类型');
    await expectText(page.getByTestId('upload-files'), '梯形.txt');
    expect(await page.getByTestId('upload-files').innerText()).not.toContain('梯形课件.pdf');
    await shot('02-refused');
    // The right file goes up, and the revision is submitted again.
    const fixed = join(dir, '梯形 修订.txt');
    writeFileSync(fixed, '梯形的面积 =（上底 + 下底）× 高 ÷ 2\n例题：上底 3 厘米，下底 5 厘米，高 4 厘米。');
    await page.getByTestId('upload-file').setInputFiles(fixed);
    await page.getByTestId('upload-start').click();
    await expectText(page.getByTestId('upload-done'), '上传完成：梯形 修订.txt');
    await expectText(page.getByTestId('upload-files'), '梯形.txt', '梯形 修订.txt');
    await page.getByTestId('upload-submit').click();
    await expectText(page.getByTestId('upload-submitted'), '已提交审核');

    // 3. A lesson pack: created, two resources added, put in order, and downloaded as one zip.
    await page.getByTestId('library-nav-packs').click();
    await page.getByTestId('pack-title').fill('第六单元 复习课');
    await page.getByTestId('pack-save').click();
    await expectText(page.getByRole('heading', { level: 1 }), '第六单元 复习课');
    await expectText(page.getByTestId('pack-page'), '课程包里还没有资源。');
    const add = page.getByLabel('添加资源');
    await add.selectOption({ label: P });
    await page.getByRole('button', { name: '添加资源', exact: true }).click();
    await expectText(page.getByTestId('pack-items'), P);
    await add.selectOption({ label: T });
    await page.getByRole('button', { name: '添加资源', exact: true }).click();
    const order = () =>
      page
        .getByTestId('pack-items')
        .locator('li')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-resource-id')));
    await eventually(async () => expect(await order()).toEqual([exercises.id, triangle.id]));
    await page.getByRole('button', { name: `上移: ${T}` }).click();
    await eventually(async () => expect(await order()).toEqual([triangle.id, exercises.id]));
    // The order is kept on the server.
    await page.reload();
    await eventually(async () => expect(await order()).toEqual([triangle.id, exercises.id]));
    await expectText(page.getByTestId('pack-page'), '2 个资源');
    await shot('03-pack');

    const [zip] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('pack-download').click(),
    ]);
    expect(zip.suggestedFilename()).toBe('第六单元 复习课.zip');
    const bytes = readFileSync(await zip.path());
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(bytes.includes(Buffer.from('平行四边形练习.txt'))).toBe(true);
    expect(bytes.includes(Buffer.from('三角形作业.txt'))).toBe(true);

    // 4. A new version of the exercises keeps its file and the history shows both versions.
    await page.goto(`${product.baseUrl}/library/resources/${exercises.id}`);
    const versions = page.getByTestId('resource-versions');
    await expectText(versions, '第 1 版', '当前版本');
    await versions.getByRole('button', { name: '新建版本' }).click();
    await versions.getByRole('button', { name: '创建新版本' }).click();
    await expectText(versions, '请填写此项。');
    await versions.getByLabel('版本说明').fill('补充了两道拓展题');
    await versions.getByRole('button', { name: '创建新版本' }).click();
    await expectText(versions, '已创建新版本', '第 2 版', '补充了两道拓展题', '第 1 版');
    await expectText(versions.locator('li').first(), '第 2 版', '当前版本', '1 个文件');
    await expectText(page.getByTestId('resource-files'), '平行四边形练习.txt');
    await shot('04-versions');

    // 5. She withdraws the homework (after confirming), then deletes it: it is gone from her uploads.
    await page.goto(`${product.baseUrl}/library/resources/${triangle.id}`);
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('withdraw').click();
    await expectText(page.getByTestId('resource-standing'), '已撤回');
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('delete').click();
    await expectText(page.getByTestId('resource-deleted'), '资源已删除。');
    await page.getByTestId('library-nav-mine').click();
    await expectText(page.getByTestId('mine-list'), P);
    expect(await page.locator(`[data-resource-id="${triangle.id}"]`).count()).toBe(0);

    expect(session.jsErrors()).toEqual([]);
  });
});
