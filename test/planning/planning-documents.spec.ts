import { DomainEvents } from '@tongke/common';
import {
  PLAN_SECTIONS,
  anchorAt,
  resolveRange,
  deleteText,
  insertText,
  sectionText,
  setSectionText,
  type DomainEventMap,
  type PlanChangeSummaryDto,
  type PlanCommentDto,
  type PlanVersionDto,
} from '@tongke/contracts';
import yauzl from 'yauzl';
import { TestContext } from '../support/context.js';
import {
  PlanClient,
  newPlan,
  newPlanningGroup,
  startClassroom,
  waitFor,
  type Classroom,
  type PlanningGroup,
} from './support/planning-harness.js';

/** The text of word/document.xml's runs, from a DOCX (a zip). */
async function docxText(buf: Buffer): Promise<string> {
  const xml = await new Promise<string>((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('not a zip'));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== 'word/document.xml') return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        });
      });
      zip.on('end', () => reject(new Error('word/document.xml missing')));
      zip.readEntry();
    });
  });
  return [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('\n');
}

describe('planning: comments, versions, restore, summaries, DOCX', () => {
  let ctx: TestContext;
  let classroom: Classroom;
  let g: PlanningGroup;
  const open: PlanClient[] = [];
  const client = async (actor: PlanningGroup['lead'], planId: string) => {
    const c = await PlanClient.open(classroom, actor, planId);
    open.push(c);
    return c;
  };
  const api = (actor: PlanningGroup['lead']) => ({
    get: (path: string) => ctx.http.get(path).set('Authorization', actor.auth),
    post: (path: string, body?: object) => ctx.http.post(path).set('Authorization', actor.auth).send(body),
  });

  beforeAll(async () => {
    ctx = await TestContext.create();
    classroom = await startClassroom(ctx.config);
    g = await newPlanningGroup(ctx);
  });
  afterAll(async () => {
    await Promise.allSettled(open.map((c) => c.close()));
    await classroom?.close();
    await ctx?.close();
  });

  it('keeps a comment on its words through concurrent edits before, inside and after them', async () => {
    const plan = await newPlan(ctx, g, { objectives: '学生能够解一元一次方程并检验方程的解' });
    const lead = await client(g.lead, plan.id);
    const a = await client(g.members[0], plan.id);
    const b = await client(g.members[1], plan.id);
    const text = sectionText(lead.doc, 'objectives');
    const from = text.indexOf('一元一次方程');
    const to = from + '一元一次方程'.length;
    const created = await api(g.lead).post(`/api/plans/${plan.id}/comments`, {
      section: 'objectives',
      start: anchorAt(lead.doc, 'objectives', from, 0),
      end: anchorAt(lead.doc, 'objectives', to, -1),
      body: '这里要写清楚“会检验”',
    });
    expect(created.status).toBe(201);
    const comment = created.body as PlanCommentDto;
    expect(comment).toMatchObject({
      quote: '一元一次方程',
      range: { section: 'objectives', from, to, text: '一元一次方程' },
      resolved: false,
    });

    // Three people type at once: before the words, inside them, and right after them.
    insertText(a.doc, 'objectives', 0, '【目标一】');
    insertText(b.doc, 'objectives', from + 2, '·');
    insertText(lead.doc, 'objectives', to, '（含检验）');
    deleteText(a.doc, 'objectives', '【目标一】'.length + text.length - 3, 3);
    await Promise.all([lead, a, b].map((c) => c.provider.whenSaved()));
    const converged = await waitFor(
      () => [lead, a, b].map((c) => sectionText(c.doc, 'objectives')),
      (t) => t[0] === t[1] && t[1] === t[2],
      'the editors to converge',
    );
    expect(converged[0]).toBe('【目标一】学生能够解一元·一次方程（含检验）并检验方');

    const reply = await api(g.members[0]).post(`/api/plans/${plan.id}/comments/${comment.id}/replies`, {
      body: '已补充',
    });
    expect(reply.status).toBe(201);
    const resolved = await api(g.members[1]).post(`/api/plans/${plan.id}/comments/${comment.id}/resolve`);
    expect(resolved.status).toBe(200);
    const r = resolved.body as PlanCommentDto;
    expect(r.resolved).toBe(true);
    expect(r.resolvedBy?.id).toBe(g.members[1].user.id);
    expect(r.replies.map((x) => x.body)).toEqual(['已补充']);
    expect(r.range?.text).toBe('一元·一次方程');
    expect(converged[0].slice(r.range?.from, r.range?.to)).toBe('一元·一次方程');
    // The anchor itself comes back too: an editor following it in its own document finds the same words.
    expect(r.anchor).not.toBeNull();
    for (const c of [lead, a, b])
      expect(resolveRange(c.doc, r.anchor?.start, r.anchor?.end)).toEqual(r.range);

    // Words deleted under a comment: it collapses where they were. Their whole paragraph deleted: no range, the quote stays.
    deleteText(lead.doc, 'objectives', r.range?.from ?? 0, '一元·一次方程'.length);
    await lead.provider.whenSaved();
    const emptied = await api(g.lead).get(`/api/plans/${plan.id}/comments`);
    expect((emptied.body as PlanCommentDto[]).find((c) => c.id === comment.id)?.range).toEqual({
      section: 'objectives',
      from: r.range?.from,
      to: r.range?.from,
      text: '',
    });
    const p2 = sectionText(lead.doc, 'objectives');
    const gone = await api(g.lead).post(`/api/plans/${plan.id}/comments`, {
      section: 'objectives',
      start: anchorAt(lead.doc, 'objectives', 0, 0),
      end: anchorAt(lead.doc, 'objectives', 5, -1),
      body: '删掉？',
    });
    expect(gone.status).toBe(201);
    setSectionText(lead.doc, 'objectives', '全新的目标');
    await lead.provider.whenSaved();
    const list = await api(g.observer).get(`/api/plans/${plan.id}/comments`);
    expect(list.status).toBe(200);
    const collapsed = (list.body as PlanCommentDto[]).find((c) => c.id === (gone.body as PlanCommentDto).id);
    expect(collapsed?.quote).toBe(p2.slice(0, 5));
    expect(collapsed?.range).toBeNull();

    // Observers read comments but do not write them; anchors must match the named section.
    const byObserver = await api(g.observer).post(`/api/plans/${plan.id}/comments`, {
      section: 'objectives',
      start: anchorAt(lead.doc, 'objectives', 0, 0),
      end: anchorAt(lead.doc, 'objectives', 2, -1),
      body: '观察员意见',
    });
    expect(byObserver.status).toBe(403);
    const wrongSection = await api(g.lead).post(`/api/plans/${plan.id}/comments`, {
      section: 'homework',
      start: anchorAt(lead.doc, 'objectives', 0, 0),
      end: anchorAt(lead.doc, 'objectives', 2, -1),
      body: '错位',
    });
    expect(wrongSection.status).toBe(400);
    expect(wrongSection.body.code).toBe('PLAN_COMMENT_ANCHOR_INVALID');
  });

  it('saves named versions, summarises the changes by section and author, and restores an old version as a new change', async () => {
    const plan = await newPlan(ctx, g, {
      objectives: '理解方程的概念',
      process: '一、导入\n二、新授\n三、练习',
      homework: '课本习题',
    });
    const v1 = await api(g.lead).post(`/api/plans/${plan.id}/versions`, { name: '初稿' });
    expect(v1.status).toBe(201);

    const a = await client(g.members[0], plan.id);
    const b = await client(g.members[1], plan.id);
    const watcher = await client(g.observer, plan.id);
    insertText(a.doc, 'objectives', sectionText(a.doc, 'objectives').length, '与解法');
    deleteText(b.doc, 'process', 0, 3); // "一、导" — removed by b
    insertText(b.doc, 'homework', 0, '必做：');
    await Promise.all([a.provider.whenSaved(), b.provider.whenSaved()]);
    const v2 = await api(g.members[0]).post(`/api/plans/${plan.id}/versions`, { name: '第一次研讨后' });
    expect(v2.status).toBe(201);
    expect((v2.body as PlanVersionDto).seq).toBeGreaterThan((v1.body as PlanVersionDto).seq);

    const summary = await api(g.observer).get(
      `/api/plans/${plan.id}/changes?from=${v1.body.id}&to=${v2.body.id}`,
    );
    expect(summary.status).toBe(200);
    const s = summary.body as PlanChangeSummaryDto;
    const section = (code: string) => s.sections.find((x) => x.code === code);
    expect(section('objectives')).toMatchObject({ added: 3, removed: 0, charsBefore: 7, charsAfter: 10 });
    expect(section('objectives')?.authors).toEqual([
      expect.objectContaining({
        user: expect.objectContaining({ id: g.members[0].user.id }),
        added: 3,
        removed: 0,
      }),
    ]);
    expect(section('process')?.authors).toEqual([
      expect.objectContaining({
        user: expect.objectContaining({ id: g.members[1].user.id }),
        added: 0,
        removed: 3,
      }),
    ]);
    expect(section('homework')).toMatchObject({ added: 3, removed: 0 });
    expect(section('board')).toMatchObject({ added: 0, removed: 0, authors: [] });
    for (const x of s.sections) expect(x.added - x.removed).toBe(x.charsAfter - x.charsBefore);
    expect(s.lines).toEqual([
      expect.stringMatching(/^教学目标：新增 3 字，删除 0 字（.+ \+3\/−0）$/),
      expect.stringMatching(/^教学过程：新增 0 字，删除 3 字/),
      expect.stringMatching(/^作业设计：新增 3 字，删除 0 字/),
    ]);

    // Viewing an old version shows its text; the list shows both, newest first.
    const view = await api(g.observer).get(`/api/plans/${plan.id}/versions/${v1.body.id}`);
    expect(view.status).toBe(200);
    expect(view.body.sections.find((x: { code: string }) => x.code === 'process').text).toBe(
      '一、导入\n二、新授\n三、练习',
    );
    const list = await api(g.observer).get(`/api/plans/${plan.id}/versions`);
    expect(list.body.map((v: PlanVersionDto) => v.name)).toEqual(['第一次研讨后', '初稿']);
    expect(
      (await api(g.observer).post(`/api/plans/${plan.id}/versions`, { name: '观察员存档' })).status,
    ).toBe(403);

    // Restore the first draft: a new change, relayed to everyone who has the plan open.
    const restored = await api(g.lead).post(`/api/plans/${plan.id}/versions/${v1.body.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body.restoredSections).toEqual(['objectives', 'process', 'homework']);
    const draft = {
      objectives: '理解方程的概念',
      key_points: '',
      process: '一、导入\n二、新授\n三、练习',
      homework: '课本习题',
      board: '',
    };
    await waitFor(
      () => [a, b, watcher].map((c) => JSON.stringify(c.texts())),
      (t) => t.every((x) => x === JSON.stringify(draft)),
      'open editors to show the restored draft',
    );
    const after = await api(g.lead).get(`/api/plans/${plan.id}/changes?from=${v2.body.id}`);
    expect(after.body.to).toMatchObject({ versionId: null, seq: restored.body.seq });
    const restoredBy = after.body.sections.find((x: { code: string }) => x.code === 'objectives').authors;
    expect(restoredBy.map((x: { user: { id: string } }) => x.user.id)).toEqual([g.lead.user.id]);
    // Editing goes on after a restore.
    insertText(a.doc, 'board', 0, '方程');
    await a.provider.whenSaved();
    await waitFor(
      () => b.texts().board,
      (t) => t === '方程',
      'edits after the restore to flow',
    );

    const backwards = await api(g.lead).get(
      `/api/plans/${plan.id}/changes?from=${v2.body.id}&to=${v1.body.id}`,
    );
    expect(backwards.status).toBe(400);
  });

  it('exports a version as a DOCX that opens and holds the title, curriculum, group and every section, and publishes it to the library', async () => {
    const sections = {
      objectives: '会解一元一次方程',
      key_points: '重点：移项\n难点：去括号',
      process: '一、情境导入\n二、合作探究\n三、课堂小结',
      homework: '习题 3.2 第 1、2 题',
      board: '移项要变号',
    };
    const plan = await newPlan(ctx, g, sections, '解一元一次方程（一）');
    const v = await api(g.members[0]).post(`/api/plans/${plan.id}/versions`, { name: '定稿' });
    expect(v.status).toBe(201);

    const res = await ctx.http
      .post(`/api/plans/${plan.id}/versions/${v.body.id}/export.docx`)
      .set('Authorization', g.observer.auth)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(res.headers['content-disposition']).toContain(
      encodeURIComponent('解一元一次方程（一）-定稿.docx'),
    );
    const text = await docxText(res.body as Buffer);
    for (const s of PLAN_SECTIONS) expect(text).toContain(s.label);
    for (const line of Object.values(sections).flatMap((t) => t.split('\n'))) expect(text).toContain(line);
    expect(text).toContain('解一元一次方程（一）');
    expect(text).toContain(g.group.name);
    expect(text).toContain('人教版');
    expect(text).toContain('第1课时');
    // Sections come in the standard order.
    const order = PLAN_SECTIONS.map((s) => text.indexOf(s.label));
    expect([...order].sort((x, y) => x - y)).toEqual(order);

    const outsider = await ctx.http
      .post(`/api/plans/${plan.id}/versions/${v.body.id}/export.docx`)
      .set('Authorization', g.outsider.auth);
    expect(outsider.status).toBe(404);

    // Publishing: only the lead (or district admin); a domain event carries the DOCX to the library.
    const published: DomainEventMap['planning.version_published'][] = [];
    const off = ctx.app.get(DomainEvents).on('planning.version_published', (e) => void published.push(e));
    try {
      expect(
        (await api(g.members[0]).post(`/api/plans/${plan.id}/versions/${v.body.id}/publish`)).status,
      ).toBe(403);
      const pub = await api(g.lead).post(`/api/plans/${plan.id}/versions/${v.body.id}/publish`);
      expect(pub.status).toBe(202);
      expect(pub.body).toMatchObject({ planId: plan.id, versionId: v.body.id, status: 'submitted' });
      await ctx.app.get(DomainEvents).drain();
      expect(published).toHaveLength(1);
      expect(published[0].metadata).toMatchObject({
        resourceType: 'lesson_plan',
        subject: 'math',
        stage: 'junior',
        grade: '七年级',
        edition: 'pep',
        volume: 'first',
        lessonPeriod: 1,
        author: { groupId: g.group.id, groupName: g.group.name },
      });
      expect(await docxText(Buffer.from(published[0].docx))).toContain('移项要变号');
      const again = await api(g.lead).post(`/api/plans/${plan.id}/versions/${v.body.id}/publish`);
      expect(again.status).toBe(409);
      const listed = await api(g.lead).get(`/api/plans/${plan.id}/versions`);
      expect(listed.body[0].publishedAt).toEqual(expect.any(String));
    } finally {
      off();
    }
  });
});
