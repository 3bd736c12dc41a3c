#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's test runner through tsx (Node 20 has no glob or TS support in --test).
// Extra arguments are passed on as file filters: `npm test -- engine` runs only files whose path contains "engine".
import fg from 'fast-glob';
import { spawnSync } from 'node:child_process';

const filters = process.argv.slice(2);
const files = (await fg('test/**/*.test.ts', { ignore: ['**/node_modules/**'] }))
  .sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files],
  { stdio: 'inherit' },
);
process.exit(r.status ?? 1);
