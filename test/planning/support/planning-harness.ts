import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '@tongke/config';
import {
  PlanSyncProvider,
  planTexts,
  type PlanDto,
  type PlanningSocket,
  type PlanSectionCode,
  type ResearchGroupDetailDto,
} from '@tongke/contracts';
import { io } from 'socket.io-client';
import * as Y from 'yjs';
import { createClassroomApp } from '../../../apps/classroom/src/bootstrap.js';
import type { Actor, County, TestContext } from '../../support/context.js';

/** A classroom service on the test context's database, listening on an ephemeral port. */
export interface Classroom {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** `port` 0 picks a free one; pass a previous instance's port to restart it where its clients reconnect. */
export async function startClassroom(config: AppConfig, port = 0): Promise<Classroom> {
  const app = await createClassroomApp(config, { logger: false });
  await app.listen(port, '127.0.0.1');
  const bound = (app.getHttpServer().address() as AddressInfo).port;
  return { app, url: `http://127.0.0.1:${bound}`, close: () => app.close() };
}

export function connectPlanning(classroom: Classroom | string, actor: Actor): PlanningSocket {
  const url = typeof classroom === 'string' ? classroom : classroom.url;
  return io(`${url}/planning`, {
    auth: { token: actor.token },
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
  });
}

/** An editor window: its own Y.Doc bound to the plan over its own socket. */
export class PlanClient {
  readonly doc = new Y.Doc();
  readonly provider: PlanSyncProvider;

  constructor(
    readonly socket: PlanningSocket,
    readonly planId: string,
  ) {
    this.provider = new PlanSyncProvider(socket, planId, this.doc, { ackTimeoutMs: 20_000 });
  }

  static async open(classroom: Classroom | string, actor: Actor, planId: string): Promise<PlanClient> {
    const c = new PlanClient(connectPlanning(classroom, actor), planId);
    await c.provider.whenSaved();
    return c;
  }

  texts(): Record<PlanSectionCode, string> {
    return planTexts(this.doc);
  }

  async close(): Promise<void> {
    await this.provider.destroy();
    this.socket.disconnect();
    this.doc.destroy();
  }
}

/** Polls a condition (no fixed sleeps); fails with the last observed value. */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  accept: (v: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await probe();
  while (!accept(last)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 15));
    last = await probe();
  }
  return last;
}

export interface PlanningGroup {
  county: County;
  group: ResearchGroupDetailDto;
  lead: Actor;
  members: Actor[];
  observer: Actor;
  outsider: Actor;
}

/** A county's cross-school group: the urban master teacher leads, two rural teachers edit, one teacher observes; one teacher of the county is not in it. */
export async function newPlanningGroup(ctx: TestContext, county?: County): Promise<PlanningGroup> {
  const c = county ?? (await ctx.newCounty());
  const second = await ctx.newTeacher(c.ruralAdmin, c.rural.id);
  const observer = await ctx.newTeacher(c.urbanAdmin, c.urban.id);
  const outsider = await ctx.newTeacher(c.urbanAdmin, c.urban.id);
  const created = await ctx.http
    .post('/api/research-groups')
    .set('Authorization', c.master.auth)
    .send({ name: '七年级数学跨校教研组', subject: 'math', stage: 'junior' });
  if (created.status !== 201) throw new Error(`group: ${created.status} ${JSON.stringify(created.body)}`);
  const groupId = (created.body as ResearchGroupDetailDto).id;
  for (const [actor, role] of [
    [c.ruralTeacher, 'member'],
    [second, 'member'],
    [observer, 'observer'],
  ] as const) {
    const res = await ctx.http
      .post(`/api/research-groups/${groupId}/members`)
      .set('Authorization', c.master.auth)
      .send({ userId: actor.user.id, role });
    if (res.status !== 200) throw new Error(`member: ${res.status} ${JSON.stringify(res.body)}`);
  }
  const group = (await ctx.http.get(`/api/research-groups/${groupId}`).set('Authorization', c.master.auth))
    .body as ResearchGroupDetailDto;
  return { county: c, group, lead: c.master, members: [c.ruralTeacher, second], observer, outsider };
}

export async function newPlan(
  ctx: TestContext,
  g: PlanningGroup,
  sections?: Partial<Record<PlanSectionCode, string>>,
  title = '一元一次方程（第1课时）',
): Promise<PlanDto> {
  const res = await ctx.http
    .post(`/api/research-groups/${g.group.id}/plans`)
    .set('Authorization', g.lead.auth)
    .send({
      title,
      grade: '七年级',
      edition: 'pep',
      volume: 'first',
      unit: '第三章 一元一次方程',
      lessonPeriod: 1,
      sections,
    });
  if (res.status !== 201) throw new Error(`plan: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as PlanDto;
}

/** A seeded random source, so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
