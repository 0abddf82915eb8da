// Runs a TypeScript bench file of libs/search under plain Node (no Jest, no VM overhead):
// transpiles libs/search/src and the bench with SWC into a temp dir, then imports it.
//   node libs/search/bench/run.mjs [docs=100000] [queries=3000]
import { transformFile } from '@swc/core';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const libRoot = join(here, '..');
const repoRoot = join(libRoot, '..', '..');

async function* tsFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) yield path;
  }
}

const out = await mkdtemp(join(tmpdir(), 'tongke-search-bench-'));
try {
  await symlink(join(repoRoot, 'node_modules'), join(out, 'node_modules'), 'dir');
  await writeFile(join(out, 'package.json'), '{"type":"module"}');
  for (const dir of [join(libRoot, 'src'), here]) {
    for await (const file of tsFiles(dir)) {
      const { code } = await transformFile(file, {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
        module: { type: 'es6' },
      });
      const target = join(out, relative(libRoot, file)).replace(/\.ts$/, '.js');
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, code);
    }
  }
  const { main } = await import(pathToFileURL(join(out, 'bench', 'embedded-search.bench.js')).href);
  await main(process.argv.slice(2));
} finally {
  await rm(out, { recursive: true, force: true });
}
