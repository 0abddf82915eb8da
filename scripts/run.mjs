#!/usr/bin/env node
// `npm start` on a fresh clone: install what is missing, build what is stale, then run.
// Plain JavaScript with no dependencies, because it runs before `npm ci`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: false });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

if (!existsSync(join(root, 'node_modules/.package-lock.json'))) {
  console.log('› Installing dependencies (npm ci)…');
  // Some registry mirrors lack optional platform builds listed in the lock file; npm ci then
  // refuses, and a plain install (which honours the lock where it can) is the fallback.
  const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (ci.status !== 0) run('npm', ['install', '--no-audit', '--no-fund']);
}

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist') continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
const stamp = join(root, 'dist/.build-stamp');
const sources = Math.max(...['apps', 'libs', 'scripts'].map((d) => newest(join(root, d))));
if (!existsSync(stamp) || statSync(stamp).mtimeMs < sources) {
  console.log('› Building (npm run build)…');
  run('npm', ['run', 'build', '--silent']);
}
run('node', ['--enable-source-maps', 'dist/scripts/start.js']);
