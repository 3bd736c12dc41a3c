/**
 * Reliability: a pipeline killed with SIGKILL at several points (during fetch, graph caching, mid-task, during the
 * report) resumes to exactly the outputs of an uninterrupted run, and no truncated file is ever taken as valid.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join, basename } from 'node:path';
import { cli, tmp, baseArgs, listFiles, recordEssence, spawnCli, exited } from './helpers.ts';
import { isTempName } from '../../src/core/atomic.ts';
import { readRecord } from '../../src/run/records.ts';

const args = (out: string): string[] => [
  'all', ...baseArgs(out, ['--only-folds', '0,1,2', '--jobs', '1'], 'slow'),
];

/** Run until `pattern` shows in the output, then SIGKILL. Resolves to the output seen. */
async function killWhen(out: string, pattern: RegExp): Promise<string> {
  const child = spawnCli(args(out));
  const seen = await new Promise<string>((resolve) => {
    const check = (): void => {
      if (pattern.test(child.output())) {
        child.kill('SIGKILL');
        resolve(child.output());
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.on('exit', () => resolve(child.output()));
  });
  await exited(child);
  return seen;
}

/** Every file a reader would take as final must be complete: JSON parses, records validate or are rejected. */
function checkNoTruncatedFinalFiles(out: string): void {
  for (const f of listFiles(out)) {
    if (isTempName(basename(f)) || f.startsWith('.dti')) continue;
    const p = join(out, f);
    if (f.endsWith('.json')) assert.doesNotThrow(() => JSON.parse(readFileSync(p, 'utf8')), `${f} is truncated`);
    if (f.startsWith('records/')) assert.ok(readRecord(p), `${f} is not a valid record`);
    if (f.endsWith('.tsv') || f.endsWith('.md') || f.endsWith('.csv')) assert.ok(readFileSync(p, 'utf8').endsWith('\n'), `${f} is truncated`);
  }
}

const finalFiles = (dir: string): string[] => (existsSync(dir) ? listFiles(dir).filter((f) => !isTempName(basename(f))) : []);

test('SIGKILL at fetch, graphs, mid-task and report; --resume gives byte-identical tables', async () => {
  const ref = tmp('kill-ref');
  const r = await cli(args(ref));
  assert.equal(r.code, 0, r.err);
  const refReport = finalFiles(join(ref, 'report'));
  assert.ok(refReport.some((f) => f.endsWith('.md')) && refReport.includes('manifest.json'), refReport.join(','));

  const out = tmp('kill');
  const points: [string, RegExp][] = [
    ['fetch', /\[fetch\] nr/],
    ['graphs', /\[graphs\]/],
    ['mid-task', /1\/3 done/],
    ['report', /\[run\] 3 task\(s\):/],
  ];
  const stages: string[] = [];
  for (const [name, pattern] of points) {
    const seen = await killWhen(out, pattern);
    assert.match(seen, pattern, `${name}: the run ended before the kill point:\n${seen}`);
    checkNoTruncatedFinalFiles(out);
    stages.push(name);
  }
  const done = spawnCli(args(out));
  assert.equal(await exited(done), 0, done.output());
  assert.match(done.output(), /3 task\(s\): [1-3] reused/);
  checkNoTruncatedFinalFiles(out);

  // tables (and every other report file) byte-identical to the uninterrupted run
  assert.deepEqual(finalFiles(join(out, 'report')), refReport);
  for (const f of refReport) {
    assert.ok(readFileSync(join(out, 'report', f)).equals(readFileSync(join(ref, 'report', f))), `report/${f} differs`);
  }
  const recs = listFiles(join(ref, 'records'));
  assert.equal(recs.length, 3);
  assert.deepEqual(listFiles(join(out, 'records')), recs);
  for (const f of recs) assert.deepEqual(recordEssence(join(out, 'records', f)), recordEssence(join(ref, 'records', f)));
  for (const f of listFiles(join(ref, 'folds'))) {
    assert.ok(readFileSync(join(out, 'folds', f)).equals(readFileSync(join(ref, 'folds', f))), f);
  }
  assert.deepEqual(stages, ['fetch', 'graphs', 'mid-task', 'report']);
});
