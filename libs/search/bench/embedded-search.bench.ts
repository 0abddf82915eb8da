import { mkdtemp, rm, stat, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedSearchEngine, type SearchQuery } from '../src/index.js';
import { rng, syntheticDocs, syntheticViewer } from './synthetic-corpus.js';

const QUERIES: SearchQuery[] = [
  { q: '方程' },
  { q: '一元一次方程' },
  { q: '七年级 一元一次方程 教案' },
  { q: '七年级 一元一次方程 教案', filters: { edition: ['pep'], volume: ['first'] } },
  { q: '勾股定理 课件' },
  { q: '3.1 勾股定理' },
  { q: '數學 教學設計' },
  { q: '数学' },
  { q: '教学设计', sort: 'downloads' },
  { q: 'Unit 3 英语' },
  { q: 'ＵＮＩＴ３' },
  { q: 'yiyuanyici' },
  { q: 'yyyc' },
  { q: 'gougudingli' },
  { q: 'pythgoras' },
  { q: 'fangchen' },
  { q: '光合作用 导学案' },
  { q: '浮力 PPT' },
  { q: '"化学方程式" 习题' },
  { q: '人教版七年级数学上册一元一次方程教学设计' },
  { q: '课堂小结 作业设计' },
  { q: '', sort: 'newest' },
  { q: '', filters: { subject: ['math'], grade: ['七年级'] } },
  { q: '', sort: 'rating', filters: { schoolLocale: ['rural'] } },
  { q: '教学', page: 5 },
  { q: 'students dialogue' },
  { q: '初一 数学' },
  { q: '荷塘月色' },
  { q: '二次函数 试卷', filters: { stage: ['junior'] } },
  { q: '细胞', sort: 'newest' },
];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function fmt(ms: number): string {
  return ms.toFixed(2).padStart(7);
}

export async function main(args: string[]): Promise<void> {
  const docs = Number(args[0] ?? 100_000);
  const rounds = Number(args[1] ?? 3000);
  // Optional third argument: only run queries whose JSON contains this text (for profiling).
  const only = args[2];
  const queries = only === undefined ? QUERIES : QUERIES.filter((q) => JSON.stringify(q).includes(only));
  const dataDir = await mkdtemp(join(tmpdir(), 'tongke-bench-data-'));
  try {
    const engine = new EmbeddedSearchEngine({ dataDir, flushDelayMs: 3_600_000 });
    await engine.init();
    let t = performance.now();
    let batch = [];
    for (const doc of syntheticDocs({ docs })) {
      batch.push(doc);
      if (batch.length === 1000) {
        await engine.upsert(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await engine.upsert(batch);
    const indexMs = performance.now() - t;
    console.log(
      `indexed ${docs} docs in ${(indexMs / 1000).toFixed(1)} s (${((docs / indexMs) * 1000).toFixed(0)} docs/s); heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
    );

    const r = rng(7);
    // Warm up.
    for (let i = 0; i < 200; i += 1) await engine.search(queries[i % queries.length], syntheticViewer(r));

    const perQuery = new Map<string, number[]>();
    const perQueryCpu = new Map<string, number[]>();
    const all: number[] = [];
    const allCpu: number[] = [];
    t = performance.now();
    for (let i = 0; i < rounds; i += 1) {
      const query = queries[i % queries.length];
      const viewer = syntheticViewer(r);
      const cpuStart = process.cpuUsage();
      const start = performance.now();
      await engine.search(query, viewer);
      const ms = performance.now() - start;
      const cpu = process.cpuUsage(cpuStart);
      // CPU time of this process (all its threads, GC included): the service time, which other
      // processes competing for the cores do not inflate the way they inflate wall time.
      const cpuMs = (cpu.user + cpu.system) / 1000;
      all.push(ms);
      allCpu.push(cpuMs);
      const key = JSON.stringify(query);
      perQuery.set(key, [...(perQuery.get(key) ?? []), ms]);
      perQueryCpu.set(key, [...(perQueryCpu.get(key) ?? []), cpuMs]);
    }
    const wall = performance.now() - t;
    all.sort((a, b) => a - b);
    allCpu.sort((a, b) => a - b);
    console.log(
      `\nsequential: ${rounds} queries, ${((rounds / wall) * 1000).toFixed(0)} q/s, wall p50 ${fmt(percentile(all, 50))} ms, p95 ${fmt(percentile(all, 95))} ms, p99 ${fmt(percentile(all, 99))} ms, max ${fmt(all[all.length - 1] ?? 0)} ms`,
    );
    console.log(
      `            CPU per query p50 ${fmt(percentile(allCpu, 50))} ms, p95 ${fmt(percentile(allCpu, 95))} ms, p99 ${fmt(percentile(allCpu, 99))} ms`,
    );
    console.log('\nwall p50     p99     max | cpu p50     p99   query');
    for (const [key, times] of perQuery) {
      times.sort((a, b) => a - b);
      const cpu = (perQueryCpu.get(key) ?? []).sort((a, b) => a - b);
      console.log(
        `${fmt(percentile(times, 50))} ${fmt(percentile(times, 99))} ${fmt(times[times.length - 1] ?? 0)} | ${fmt(percentile(cpu, 50))} ${fmt(percentile(cpu, 99))}   ${key}`,
      );
    }

    // Under load: 8 concurrent clients firing back-to-back; latency includes waiting for the event loop.
    const clients = 8;
    const loadLatencies: number[] = [];
    let next = 0;
    t = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < rounds) {
          const query = queries[next % queries.length];
          next += 1;
          const start = performance.now();
          await engine.search(query, syntheticViewer(r));
          loadLatencies.push(performance.now() - start);
          await new Promise((resolve) => setImmediate(resolve));
        }
      }),
    );
    const loadWall = performance.now() - t;
    loadLatencies.sort((a, b) => a - b);
    console.log(
      `\nunder load (${clients} concurrent clients, one process): ${((rounds / loadWall) * 1000).toFixed(0)} q/s, p50 ${fmt(percentile(loadLatencies, 50))} ms, p99 ${fmt(percentile(loadLatencies, 99))} ms`,
    );

    const suggestTimes: number[] = [];
    for (const prefix of ['一元', 'yiyuan', '勾股', 'gougu', '光合', 'fc', '荷塘', 'unit']) {
      for (let i = 0; i < 50; i += 1) {
        const start = performance.now();
        await engine.suggest(prefix, syntheticViewer(r), 8);
        suggestTimes.push(performance.now() - start);
      }
    }
    suggestTimes.sort((a, b) => a - b);
    console.log(
      `suggest: p50 ${fmt(percentile(suggestTimes, 50))} ms, p99 ${fmt(percentile(suggestTimes, 99))} ms`,
    );

    // A snapshot while queries keep coming: how long do queries stall while it is written?
    const [first] = syntheticDocs({ docs: 1, seed: 99 });
    if (first) await engine.upsert([{ ...first, id: 'ffffffff-0000-4000-8000-000000000001' }]);
    const duringFlush: number[] = [];
    t = performance.now();
    let flushed = false;
    const flushing = engine.flush().then(() => {
      flushed = true;
    });
    while (!flushed) {
      const start = performance.now();
      await engine.search(queries[duringFlush.length % queries.length], syntheticViewer(r));
      duringFlush.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await flushing;
    const flushMs = performance.now() - t;
    duringFlush.sort((a, b) => a - b);
    console.log(
      `queries during the snapshot: ${duringFlush.length}, p50 ${fmt(percentile(duringFlush, 50))} ms, p99 ${fmt(percentile(duringFlush, 99))} ms, max ${fmt(duringFlush[duringFlush.length - 1] ?? 0)} ms`,
    );
    await engine.close();
    let bytes = 0;
    for (const name of await readdir(join(dataDir, 'search')))
      bytes += (await stat(join(dataDir, 'search', name))).size;
    console.log(
      `\nsnapshot: written in ${(flushMs / 1000).toFixed(1)} s, ${(bytes / 2 ** 20).toFixed(0)} MiB on disk`,
    );

    t = performance.now();
    const reopened = new EmbeddedSearchEngine({ dataDir });
    await reopened.init();
    console.log(
      `reopen: loaded ${await reopened.count()} docs from the snapshot in ${((performance.now() - t) / 1000).toFixed(1)} s (no reindex)`,
    );
    await reopened.close();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
