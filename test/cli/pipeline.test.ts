import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.ts';

const script = (name: string, args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'pipeline', `${name}.ts`), ...args], { encoding: 'utf8', cwd: repoRoot });

test('pipeline/<stage>.ts scripts run their stage with the CLI flags', () => {
  const r = script('splits', ['--profile', 'test', '--print-config']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).datasets, ['nr']);
});

test('pipeline/all.ts (zx) stops at the first failing stage with its exit code', () => {
  const r = script('all', ['--repetitions', 'x']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cv\.repetitions: must be integer, got "x"/);
  assert.match(r.stderr, /pipeline: stage 'fetch' failed with exit code 2/);
  assert.doesNotMatch(r.stderr, /stage 'splits'/);
});
