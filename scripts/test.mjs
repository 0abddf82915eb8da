#!/usr/bin/env node
// `npm test`: unit, integration and (where Chromium is installed) browser tests, in one Jest run.
// Uses the real PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set, embedded defaults otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const browserOnly = args.includes('--browser-only');
const passThrough = args.filter((a) => a !== '--browser-only');

const chromium = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p) => p && existsSync(p),
);
const projects = browserOnly ? [] : ['unit', 'integration'];
if (chromium) {
  projects.push('browser');
  if (!existsSync(join(root, 'dist/web/index.html'))) {
    console.log('› Building the web app for the browser tests…');
    const b = spawnSync(
      'npx',
      ['vite', 'build', '--config', 'apps/web/vite.config.ts', '--logLevel', 'warn'],
      { cwd: root, stdio: 'inherit' },
    );
    if (b.status !== 0) process.exit(b.status ?? 1);
  }
}
if (projects.length === 0) {
  console.error(
    'Browser tests need Chromium: apt-get install -y chromium fonts-wqy-microhei (or set CHROMIUM_PATH).',
  );
  process.exit(1);
}

console.log(
  `› Tests on ${process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite'}` +
    `, ${process.env.REDIS_URL ? 'Redis (REDIS_URL)' : 'no Redis'}` +
    `, projects: ${projects.join(', ')}`,
);
mkdirSync(join(root, 'test-artifacts'), { recursive: true });
const report = join(root, 'test-artifacts/jest-report.json');
const r = spawnSync(
  'npx',
  [
    'jest',
    '--selectProjects',
    ...projects,
    '--maxWorkers=2',
    '--json',
    `--outputFile=${report}`,
    ...passThrough,
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_OPTIONS:
        `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim(),
      CHROMIUM_PATH: chromium ?? '',
    },
  },
);

if (!chromium) {
  console.log(
    '\n!! Browser tests did NOT run: Chromium was not found.\n' +
      '   To run them: apt-get install -y chromium fonts-wqy-microhei (or set CHROMIUM_PATH), then npm test.\n',
  );
}
if (existsSync(report)) {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  console.log(
    `tests: ${j.numPassedTests} passed, ${j.numFailedTests} failed${j.numPendingTests ? `, ${j.numPendingTests} skipped` : ''}`,
  );
}
process.exit(r.status ?? 1);
