import type { AddressInfo } from 'node:net';
import {
  PLAN_SECTION_CODES,
  appendParagraph,
  deleteText,
  insertText,
  sectionText,
  type PlanDto,
} from '@tongke/contracts';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { TestContext } from '../support/context.js';
import {
  PlanClient,
  connectPlanning,
  newPlan,
  newPlanningGroup,
  seededRandom,
  startClassroom,
  waitFor,
  type Classroom,
  type PlanningGroup,
} from './support/planning-harness.js';

const REDIS_URL = process.env.REDIS_URL;

const updateMessage = (update: Uint8Array) => {
  const e = encoding.createEncoder();
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
};

/** One random edit of the kind a teacher makes: type a phrase, delete a few characters, start a paragraph. */
function randomEdit(doc: Y.Doc, rnd: () => number, who: string, n: number): void {
  const section = PLAN_SECTION_CODES[Math.floor(rnd() * PLAN_SECTION_CODES.length)];
  const len = sectionText(doc, section).length;
  const r = rnd();
  if (r < 0.6 || len === 0) insertText(doc, section, Math.floor(rnd() * (len + 1)), `${who}${n}写`);
  else if (r < 0.85) deleteText(doc, section, Math.floor(rnd() * len), 1 + Math.floor(rnd() * 4));
  else appendParagraph(doc, section, `${who}的新段落${n}`);
}

const allEqual = (clients: PlanClient[]) =>
  clients.every((c) => JSON.stringify(c.texts()) === JSON.stringify(clients[0].texts()));

describe('planning: live co-editing over /planning', () => {
  let ctx: TestContext;
  let classroom: Classroom;
  let g: PlanningGroup;
  const open: PlanClient[] = [];

  const client = async (actor: PlanningGroup['lead'], planId: string, where: Classroom = classroom) => {
    const c = await PlanClient.open(where, actor, planId);
    open.push(c);
    return c;
  };

  beforeAll(async () => {
    ctx = await TestContext.create(REDIS_URL ? { REDIS_URL } : {});
    classroom = await startClassroom(ctx.config);
    g = await newPlanningGroup(ctx);
  });
  afterAll(async () => {
    await Promise.allSettled(open.map((c) => c.close()));
    await classroom?.close();
    await ctx?.close();
  });

  it('three editors making random concurrent edits converge, and what they converge to is what the database holds', async () => {
    const plan = await newPlan(ctx, g, {
      objectives: '理解一元一次方程的概念',
      process: '一、情境导入\n二、新知探究',
    });
    const editors = [
      await client(g.lead, plan.id),
      await client(g.members[0], plan.id),
      await client(g.members[1], plan.id),
    ];
    expect(editors[1].texts().objectives).toBe('理解一元一次方程的概念');

    await Promise.all(
      editors.map(async (e, i) => {
        const rnd = seededRandom(1000 + i);
        for (let n = 0; n < 60; n++) {
          randomEdit(e.doc, rnd, ['甲', '乙', '丙'][i], n);
          // Let the others' edits interleave with ours.
          if (rnd() < 0.5) await new Promise((r) => setTimeout(r, Math.floor(rnd() * 4)));
        }
      }),
    );
    await Promise.all(editors.map((e) => e.provider.whenSaved()));
    await waitFor(() => allEqual(editors), Boolean, 'the three editors to converge');
    const sv = editors.map((e) => Buffer.from(Y.encodeStateVector(e.doc)).toString('base64'));
    expect(new Set(sv).size).toBe(1);
    // Everyone's typing is there.
    const all = Object.values(editors[0].texts()).join('\n');
    for (const who of ['甲', '乙', '丙']) expect(all).toContain(who);

    // A newcomer (the observer) loads exactly that, and so does the API (snapshot + tail from the database).
    const newcomer = await client(g.observer, plan.id);
    expect(newcomer.texts()).toEqual(editors[0].texts());
    const content = await ctx.http.get(`/api/plans/${plan.id}/content`).set('Authorization', g.lead.auth);
    expect(content.status).toBe(200);
    expect(
      Object.fromEntries(content.body.sections.map((s: { code: string; text: string }) => [s.code, s.text])),
    ).toEqual(editors[0].texts());
  });

  it("refuses an observer's update with an error ack: it is neither stored nor relayed", async () => {
    const plan = await newPlan(ctx, g, { board: '板书：方程的解' });
    const editor = await client(g.lead, plan.id);
    const observer = await client(g.observer, plan.id);
    expect(observer.provider.access).toBe('observer');
    expect(observer.texts().board).toBe('板书：方程的解');
    const headBefore = (await ctx.http.get(`/api/plans/${plan.id}`).set('Authorization', g.lead.auth)).body
      .headSeq as number;

    // The observer's own document changes locally (its editor UI would not allow it)…
    const local = new Y.Doc();
    Y.applyUpdate(local, Y.encodeStateAsUpdate(observer.doc));
    const before = Y.encodeStateVector(local);
    insertText(local, 'board', 0, '观察员篡改');
    const forged = Y.encodeStateAsUpdate(local, before);
    // …and it sends the update anyway.
    const ack = await observer.socket
      .timeout(10_000)
      .emitWithAck('sync', { planId: plan.id, message: updateMessage(forged) });
    expect(ack).toEqual({ ok: false, error: { code: 'PLAN_READ_ONLY', message: expect.any(String) } });

    // The editor keeps writing and the observer sees that live; the forged text reached no one.
    insertText(editor.doc, 'board', 0, '主板书 ');
    await editor.provider.whenSaved();
    await waitFor(
      () => observer.texts().board,
      (t) => t.startsWith('主板书 '),
      'the observer to see the edit',
    );
    expect(editor.texts().board).not.toContain('观察员篡改');
    const after = await ctx.http.get(`/api/plans/${plan.id}`).set('Authorization', g.lead.auth);
    expect(after.body.headSeq).toBe(headBefore + 1);
    const content = await ctx.http.get(`/api/plans/${plan.id}/content`).set('Authorization', g.lead.auth);
    expect(JSON.stringify(content.body)).not.toContain('观察员篡改');
  });

  it('keeps a non-member out over the socket and the API; a supervising district admin sees the plan but not its text', async () => {
    const plan = await newPlan(ctx, g, { objectives: '内部教案' });
    const socket = connectPlanning(classroom, g.outsider);
    try {
      const join = await socket.timeout(10_000).emitWithAck('join', { planId: plan.id });
      expect(join).toEqual({ ok: false, error: { code: 'PLAN_NOT_FOUND', message: expect.any(String) } });
      const step1 = encoding.createEncoder();
      syncProtocol.writeSyncStep1(step1, new Y.Doc());
      const sync = await socket
        .timeout(10_000)
        .emitWithAck('sync', { planId: plan.id, message: encoding.toUint8Array(step1) });
      expect(sync.ok).toBe(false);
      if (!sync.ok) expect(sync.error.code).toBe('PLAN_NOT_JOINED');
    } finally {
      socket.disconnect();
    }
    for (const path of ['', '/content', '/versions', '/comments', '/posts']) {
      const res = await ctx.http.get(`/api/plans/${plan.id}${path}`).set('Authorization', g.outsider.auth);
      expect({ path, status: res.status, code: res.body.code }).toEqual({
        path,
        status: 404,
        code: 'PLAN_NOT_FOUND',
      });
    }
    const district = g.county.district;
    const meta = await ctx.http.get(`/api/plans/${plan.id}`).set('Authorization', district.auth);
    expect(meta.status).toBe(200);
    expect((meta.body as PlanDto).myAccess).toBeNull();
    const text = await ctx.http.get(`/api/plans/${plan.id}/content`).set('Authorization', district.auth);
    expect(text.status).toBe(403);

    // No token, no socket.
    const anonymous = connectPlanning(classroom, { ...g.outsider, token: 'not-a-token' });
    const err = await new Promise<Error & { data?: { code?: string } }>((resolve) =>
      anonymous.on('connect_error', resolve),
    );
    anonymous.disconnect();
    expect(err.data?.code).toBe('UNAUTHENTICATED');
  });

  it('shows who is here, under the identity the server vouches for', async () => {
    const plan = await newPlan(ctx, g);
    const a = await client(g.members[0], plan.id);
    const b = await client(g.members[1], plan.id);
    a.provider.awareness.setLocalState({
      user: { id: 'someone-else', name: '冒名' },
      cursor: { section: 'process', offset: 3 },
    });
    const seen = await waitFor(
      () =>
        b.provider.awareness.getStates().get(a.doc.clientID) as
          { user?: { id: string; name: string }; cursor?: unknown } | undefined,
      (s) => !!s?.cursor,
      "b to see a's cursor",
    );
    expect(seen?.user?.id).toBe(g.members[0].user.id);
    expect(seen?.cursor).toEqual({ section: 'process', offset: 3 });
    // A leaving removes its cursor for the others.
    await a.close();
    await waitFor(
      () => b.provider.awareness.getStates().has(a.doc.clientID),
      (has) => !has,
      "a's cursor to disappear",
    );
  });

  it('keeps edits made offline and saves them on reconnect, saying all along whether everything is saved', async () => {
    const plan = await newPlan(ctx, g, { homework: '练习 1' });
    const writer = await client(g.members[0], plan.id);
    const reader = await client(g.lead, plan.id);
    expect(writer.provider.status).toBe('saved');

    writer.socket.disconnect();
    await waitFor(
      () => writer.provider.status,
      (s) => s !== 'saved',
      'the writer to notice it is offline',
    );
    insertText(writer.doc, 'homework', sectionText(writer.doc, 'homework').length, '；练习 2（离线时写的）');
    expect(writer.provider.status).toBe('offline');
    // Meanwhile someone else edits the same paragraph.
    insertText(reader.doc, 'homework', 0, '必做：');
    await reader.provider.whenSaved();

    writer.socket.connect();
    await writer.provider.whenSaved();
    const expected = '必做：练习 1；练习 2（离线时写的）';
    await waitFor(
      () => [writer.texts().homework, reader.texts().homework],
      (t) => t[0] === expected && t[1] === expected,
      'both to merge',
    );
  });

  it('a restart of the classroom service loses no acknowledged edit, and clients reconnect to continue', async () => {
    const plan = await newPlan(ctx, g, { process: '一、复习' });
    const editor = await client(g.lead, plan.id);
    for (let i = 1; i <= 20; i++) {
      insertText(editor.doc, 'process', sectionText(editor.doc, 'process').length, `；步骤${i}`);
      if (i % 5 === 0) await editor.provider.whenSaved();
    }
    await editor.provider.whenSaved();
    const acked = editor.texts().process;

    const port = (classroom.app.getHttpServer().address() as AddressInfo).port;
    await classroom.close();
    // The document was compacted on the way down: loading is snapshot + tail.
    const snaps: { seq: string }[] = await ctx.dataSource.query(
      'SELECT seq FROM plan_snapshots WHERE plan_id = $1',
      [plan.id],
    );
    expect(snaps).toHaveLength(1);
    // Typed while the service is down: kept locally, shown as not saved.
    insertText(editor.doc, 'process', 0, '【重启期间】');
    expect(editor.provider.saved).toBe(false);

    classroom = await startClassroom(ctx.config, port);
    await editor.provider.whenSaved();
    const fresh = await client(g.members[1], plan.id);
    expect(fresh.texts().process).toBe(`【重启期间】${acked}`);
    expect(acked).toContain('；步骤20');
  });

  it(
    REDIS_URL
      ? 'two classroom instances over the Redis adapter edit one plan consistently'
      : 'two editors on one instance edit one plan consistently (the two-instance variant needs REDIS_URL)',
    async () => {
      if (!REDIS_URL)
        console.log(
          'planning: REDIS_URL is not set — ran the single-instance variant; set REDIS_URL for two instances over Redis',
        );
      const second = REDIS_URL ? await startClassroom(ctx.config) : classroom;
      try {
        const plan = await newPlan(ctx, g, { key_points: '重点：等式的性质' });
        const a = await client(g.members[0], plan.id, classroom);
        const b = await client(g.members[1], plan.id, second);
        await Promise.all(
          [a, b].map(async (c, i) => {
            const rnd = seededRandom(77 + i);
            for (let n = 0; n < 40; n++) {
              randomEdit(c.doc, rnd, i === 0 ? 'A' : 'B', n);
              if (rnd() < 0.5) await new Promise((r) => setTimeout(r, Math.floor(rnd() * 4)));
            }
          }),
        );
        await Promise.all([a.provider.whenSaved(), b.provider.whenSaved()]);
        await waitFor(() => allEqual([a, b]), Boolean, 'both instances’ editors to converge');
        // Each instance's document follows the log: newcomers on either instance load the same text.
        const onA = await client(g.lead, plan.id, classroom);
        const onB = await client(g.observer, plan.id, second);
        expect(onA.texts()).toEqual(a.texts());
        expect(onB.texts()).toEqual(a.texts());
        // Live across instances.
        insertText(a.doc, 'key_points', 0, '跨实例：');
        await waitFor(
          () => onB.texts().key_points,
          (t) => t.startsWith('跨实例：'),
          'the edit to cross instances',
        );
      } finally {
        if (second !== classroom) await second.close();
      }
    },
  );
});
