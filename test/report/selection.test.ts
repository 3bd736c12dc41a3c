import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { TaskRecord } from '../../src/run/record.ts';
import { buildReport } from '../../src/report/index.ts';
import { groupRecords, sampleStd } from '../../src/report/aggregate.ts';
import { selectionBlocks, selectionTable, entryText } from '../../src/report/selection.ts';
import { toMarkdown } from '../../src/report/render.ts';
import { InputError } from '../../src/core/errors.ts';
import { Rng } from '../../src/core/rng.ts';
import { record, dtiRecords } from './fixtures.ts';

const close = (a: number | undefined, b: number, tol = 1e-12) => assert.ok(a !== undefined && Math.abs(a - b) <= tol, `expected ${b}, got ${a}`);
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

type Spec = NonNullable<TaskRecord['task']['select']>;
const MU: Spec = { metric: 'aupr', fraction: 0.1, grid: [{ muR: 0.02, muC: 0.02 }, { muR: 0.1, muC: 0.1 }] };
const COMBINE: Spec = { metric: 'aupr', fraction: 0.1, grid: [{ combineProfiles: false }, { combineProfiles: true }] };

/** A record that selected: validation value per entry (undefined = absent), winner = best defined value (earliest on ties). */
function selRec(
  t: { dataset: string; setting: string; method: string; repetition: number; fold: number; protocol?: string; params?: Record<string, unknown> },
  select: Spec,
  values: (number | undefined)[],
  seconds = { select: 0.5, task: 2 },
): TaskRecord {
  const lower = select.metric === 'rmse';
  let choice = 0;
  values.forEach((v, i) => {
    const c = values[choice];
    if (v !== undefined && (c === undefined || (lower ? v < c : v > c))) choice = i;
  });
  const info: Record<string, number> = { select_choice: choice, select_seconds: seconds.select };
  values.forEach((v, i) => {
    if (v !== undefined) info[`select_${i}_${select.metric}`] = v;
  });
  const r = record({ ...t, select, selected: { ...(t.params ?? {}), ...select.grid[choice] } }, { auc: 0.9, aupr: 0.5, rmse: 0.1 }, {
    info,
    timing: { start: '2026-01-01T00:00:00Z', end: '2026-01-01T00:00:02Z', seconds: seconds.task, peakRssMb: 100 },
  });
  r.key = `${r.key}-${select.grid.length}-${JSON.stringify(select.grid).length}`;
  return r;
}

/** sgmc and grmf selecting on e/CVS1 and gpcr/CVS2, mgrnnm without selection; seeded validation values. */
function fixture(reps = 3, folds = 4, seed = 7): TaskRecord[] {
  const r = new Rng(seed);
  const out: TaskRecord[] = [];
  for (const [dataset, setting] of [['e', 'CVS1'], ['gpcr', 'CVS2']]) {
    for (let rep = 0; rep < reps; rep++) {
      for (let fold = 0; fold < folds; fold++) {
        const t = { dataset, setting, repetition: rep, fold };
        out.push(selRec({ ...t, method: 'sgmc' }, MU, [0.6 + 0.05 * r.normal(), 0.62 + 0.05 * r.normal()], { select: 1 + r.next(), task: 3 + r.next() }));
        out.push(selRec({ ...t, method: 'grmf' }, COMBINE, [0.5 + 0.05 * r.normal(), 0.48 + 0.05 * r.normal()]));
        out.push(record({ ...t, method: 'mgrnnm' }, { auc: 0.9, aupr: 0.5, rmse: 0.1 }));
      }
    }
  }
  return out;
}

test('selectionBlocks: win counts, validation means (repetition and fold aggregation) and time share', () => {
  const recs = fixture();
  for (const agg of ['repetition', 'fold'] as const) {
    const blocks = selectionBlocks(groupRecords(recs), agg);
    // mgrnnm did not select: two methods x two dataset/settings, in report order (e before gpcr, grmf before sgmc)
    assert.deepEqual(blocks.map((b) => `${b.dataset}/${b.setting}/${b.label}`), ['e/CVS1/grmf', 'e/CVS1/sgmc', 'gpcr/CVS2/grmf', 'gpcr/CVS2/sgmc']);
    for (const b of blocks) {
      const mine = recs.filter((r) => r.task.dataset === b.dataset && r.task.setting === b.setting && r.task.method === b.label);
      assert.equal(b.tasks, 12);
      // one block per column
      assert.equal(blocks.filter((o) => o.dataset === b.dataset && o.setting === b.setting && o.label === b.label).length, 1);
      assert.deepEqual(b.select.grid, b.label === 'sgmc' ? MU.grid : COMBINE.grid);
      assert.equal(b.entries.reduce((a, e) => a + e.wins, 0), 12);
      for (const e of b.entries) {
        assert.equal(e.wins, mine.filter((r) => r.info!.select_choice === e.index).length);
        const vals = mine.map((r) => r.info![`select_${e.index}_aupr`] as number);
        // unit means (per repetition or per fold index), then their mean and sample std
        const units = new Map<number, number[]>();
        for (const r of mine) {
          const u = agg === 'repetition' ? r.task.repetition : r.task.fold;
          units.set(u, [...(units.get(u) ?? []), r.info![`select_${e.index}_aupr`] as number]);
        }
        const um = [...units.values()].map(mean);
        close(e.validation!.mean, mean(vals), 1e-12); // equal unit sizes: mean of unit means = overall mean
        close(e.validation!.std, sampleStd(um), 1e-12);
        assert.equal(e.validation!.n, agg === 'repetition' ? 3 : 4);
        assert.equal(e.validation!.missing, 0);
      }
      close(b.selectSeconds / b.taskSeconds, mean(mine.map((r) => r.info!.select_seconds as number)) / mean(mine.map((r) => r.timing.seconds)), 1e-12);
    }
  }
  // the choices are not all the same, so the counts are a real check
  const sg = selectionBlocks(groupRecords(recs))[1];
  assert.ok(sg.entries.every((e) => e.wins > 0 && e.wins < 12), `wins ${sg.entries.map((e) => e.wins)}`);
});

test('selectionTable: rows per grid entry, compact entries, best validation marked, undefined values skipped', () => {
  const recs: TaskRecord[] = [];
  const vals = [
    [0.3, 0.2, undefined],
    [0.25, 0.1, undefined],
    [undefined, 0.4, undefined],
    [0.2, 0.05, undefined],
  ];
  const grid: Spec = { metric: 'rmse', fraction: 0.2, grid: [{ lambdaL: 0.1 }, { lambdaL: 2, k: 50 }, { nested: { a: 1 }, name: 'x' }] };
  vals.forEach((v, fold) => recs.push(selRec({ dataset: 'douban', setting: 'given', method: 'dmf', repetition: 0, fold }, grid, v)));
  const t = selectionTable('leak-free', 'leak-free', 'train', groupRecords(recs), 'repetition')!;
  assert.equal(t.id, 'selection-leak-free');
  assert.equal(t.rows.length, 3);
  const col = (l: string) => t.columns.findIndex((c) => c.label === l);
  assert.deepEqual(t.rows.map((r) => r[col('parameters')].text), ['lambdaL=0.1', 'lambdaL=2, k=50', 'nested={"a":1}, name=x']);
  assert.deepEqual(t.rows.map((r) => r[col('wins')].mean), [0, 4, 0]); // rmse: lower wins; entry 1 always lowest
  assert.deepEqual(t.rows.map((r) => r[col('metric')].text), ['RMSE', 'RMSE', 'RMSE']);
  const v = t.rows.map((r) => r[col('validation')]);
  close(v[0].mean, (0.3 + 0.25 + 0.2) / 3);
  close(v[1].mean, (0.2 + 0.1 + 0.4 + 0.05) / 4);
  assert.equal(v[2].mean, undefined); // never defined
  assert.equal(v[2].text, '—');
  // lower mean validation is best for RMSE: entry 1 (0.1875) beats entry 0 (0.25)
  assert.deepEqual(v.map((c) => c.best === true), [false, true, false]);
  assert.ok(t.notes.some((n) => /5 validation value\(s\) undefined/.test(n)), t.notes.join('\n')); // 1 + 4
  close(t.rows[0][col('selection time share')].mean, 0.25);
  assert.equal(t.rows[0][col('selection time share')].text, '25.0%');
  assert.equal(entryText({}), '(base parameters)');
  assert.equal(entryText({ muR: 0.1, muC: 0.1 }), 'muR=0.1, muC=0.1');
  assert.equal(entryText({ combineProfiles: false }), 'combineProfiles=false');
});

test('mixed grids in one cell (runs merged from two configs): each grid is its own column and block', () => {
  const A: Spec = MU;
  // same entries in another order, plus one: a different grid, so a different block
  const B: Spec = { metric: 'aupr', fraction: 0.1, grid: [{ muR: 0.1, muC: 0.1 }, { muR: 0.02, muC: 0.02 }, { muR: 0.5, muC: 0.5 }] };
  // same grid, another fraction: another block too
  const C: Spec = { ...MU, fraction: 0.2 };
  const recs: TaskRecord[] = [];
  for (let fold = 0; fold < 5; fold++) {
    const t = { dataset: 'nr', setting: 'CVS3', method: 'sgmc' };
    recs.push(selRec({ ...t, repetition: 0, fold }, A, [0.5, 0.6])); // A: entry 1 wins x5
    recs.push(selRec({ ...t, repetition: 1, fold }, B, [0.5, fold < 2 ? 0.7 : 0.4, 0.45])); // B: 0 wins x3, 1 x2
    recs.push(selRec({ ...t, repetition: 2, fold }, C, [0.9, 0.6])); // C: entry 0 wins x5
  }
  const blocks = selectionBlocks(groupRecords(recs));
  assert.equal(blocks.length, 3);
  // groupRecords keys configurations by their grid too: three columns (labels disambiguated), one grid each
  assert.equal(new Set(blocks.map((b) => b.label)).size, 3);
  const find = (s: Spec) => blocks.find((b) => JSON.stringify(b.select) === JSON.stringify(s))!;
  assert.deepEqual(find(A).entries.map((e) => e.wins), [0, 5]);
  assert.deepEqual(find(B).entries.map((e) => e.wins), [3, 2, 0]);
  assert.deepEqual(find(C).entries.map((e) => e.wins), [5, 0]);
  for (const b of blocks) assert.equal(b.tasks, 5);
  close(find(B).entries[1].validation!.mean, (0.7 * 2 + 0.4 * 3) / 5);
  // the block order does not depend on the record order
  const again = selectionBlocks(groupRecords([...recs].reverse()));
  assert.deepEqual(again.map((b) => JSON.stringify(b.select)), blocks.map((b) => JSON.stringify(b.select)));
  // a task of the same method without selection is another configuration: its own column, not in this table
  const plain = record({ dataset: 'nr', setting: 'CVS3', method: 'sgmc', repetition: 3, fold: 0 }, { auc: 0.9, aupr: 0.5, rmse: 0.1 });
  const groups = groupRecords([...recs, plain]);
  assert.equal(groups.length, 4);
  const t = selectionTable('x', 'x', 'train', groups, 'repetition')!;
  assert.equal(t.rows.length, 2 + 3 + 2);
  // the same grid refitted with the step scaled (select.scaleStep) is another configuration, marked in the table
  const D: Spec = { ...MU, scaleStep: true };
  const scaled = [0, 1].map((fold) => selRec({ dataset: 'nr', setting: 'CVS3', method: 'sgmc', repetition: 4, fold }, D, [0.5, 0.6]));
  const t2 = selectionTable('x', 'x', 'train', groupRecords([...recs, ...scaled]), 'repetition')!;
  assert.equal(t2.rows.length, 2 + 3 + 2 + 2);
  const fr = t2.columns.findIndex((c) => c.label === 'fraction');
  assert.deepEqual(t2.rows.map((r) => r[fr].text).filter((x) => /step scaled/.test(x)), ['0.1 (step scaled)', '0.1 (step scaled)']);
  assert.ok(t2.notes.some((n) => /step scaled/.test(n)) && !t.notes.some((n) => /step scaled/.test(n)), 'the note only where a block scaled its step');
});

test('bad selection records are named', () => {
  const ok = selRec({ dataset: 'e', setting: 'CVS1', method: 'sgmc', repetition: 0, fold: 0 }, MU, [0.1, 0.2]);
  const bad1 = structuredClone(ok);
  bad1.info!.select_choice = 2;
  assert.throws(() => selectionBlocks(groupRecords([bad1])), (e: unknown) => e instanceof InputError && /info\.select_choice/.test(e.message) && /repetition 0 fold 0/.test(e.message));
  const bad2 = structuredClone(ok);
  delete bad2.info!.select_choice;
  assert.throws(() => selectionBlocks(groupRecords([bad2])), /field info\.select_choice/);
  const bad3 = structuredClone(ok);
  (bad3.task.select as { metric: string }).metric = 'f1';
  assert.throws(() => selectionBlocks(groupRecords([bad3])), /field task\.select\.metric/);
  const bad4 = structuredClone(ok);
  bad4.task.select!.grid = [];
  assert.throws(() => selectionBlocks(groupRecords([bad4])), /field task\.select\.grid/);
});

test('buildReport writes selection-<protocol> tables only when a record selected; CSV parses back', async () => {
  const base = mkdtempSync(join(tmpdir(), 'report-sel-'));
  const recs = fixture(2, 3);
  const out = await buildReport(recs, base, { plots: false, published: false });
  const names = out.map((p) => basename(p));
  for (const ext of ['md', 'csv', 'tex', 'json']) assert.ok(names.includes(`selection-leak-free.${ext}`), ext);
  const md = readFileSync(join(base, 'selection-leak-free.md'), 'utf8');
  assert.ok(md.includes('muR=0.02, muC=0.02') && md.includes('combineProfiles=true'));
  assert.ok(readFileSync(join(base, 'report.md'), 'utf8').includes('## Nested hyper-parameter selection (leak-free protocol, profiles: train)'));
  const rows = parse(readFileSync(join(base, 'selection-leak-free.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
  const blocks = selectionBlocks(groupRecords(recs));
  assert.equal(rows.length, blocks.reduce((a, b) => a + b.entries.length, 0));
  let i = 0;
  for (const b of blocks) {
    for (const e of b.entries) {
      const row = rows[i++];
      assert.equal(row.protocol, 'leak-free');
      assert.equal(row.aggregation, 'repetition');
      assert.equal(row.dataset, b.dataset);
      assert.equal(row.setting, b.setting);
      assert.equal(row.method, b.label);
      assert.equal(row.metric, 'AUPR');
      assert.equal(Number(row.fraction), 0.1);
      assert.equal(Number(row.entry), e.index);
      assert.equal(row.parameters, entryText(e.params));
      assert.equal(Number(row.wins), e.wins);
      close(Number(row['win share']), e.wins / b.tasks);
      close(Number(row['validation mean']), e.validation!.mean);
      close(Number(row['validation std']), e.validation!.std);
      assert.equal(Number(row['validation n']), 2);
      assert.equal(Number(row.tasks), 6);
      close(Number(row['selection time share']), b.selectSeconds / b.taskSeconds);
    }
  }
  // the markdown of the table is what report.md holds
  const t = selectionTable('leak-free', 'leak-free', 'train', groupRecords(recs), 'repetition')!;
  assert.equal(md, toMarkdown(t));

  // no selection anywhere: no selection file, and the one an earlier report wrote is removed
  writeFileSync(join(base, 'mine.txt'), 'kept');
  const out2 = await buildReport(dtiRecords({ reps: 2, folds: 2, datasets: ['nr'] }), base, { plots: false, published: false });
  assert.ok(out2.every((p) => !basename(p).startsWith('selection-')));
  assert.ok(!existsSync(join(base, 'selection-leak-free.md')) && !existsSync(join(base, 'selection-leak-free.csv')));
  assert.ok(!readFileSync(join(base, 'report.md'), 'utf8').includes('Nested hyper-parameter selection'));
  assert.ok(existsSync(join(base, 'mine.txt')));

  // two protocols, only one selected: only its selection table
  const base2 = mkdtempSync(join(tmpdir(), 'report-sel-'));
  const pub = dtiRecords({ reps: 2, folds: 2, datasets: ['nr'], protocol: 'published', profiles: 'full' });
  const out3 = await buildReport([...recs, ...pub], base2, { plots: false, published: false, formats: ['md', 'csv'] });
  const n3 = out3.map((p) => basename(p)).filter((n) => n.startsWith('selection-')).sort();
  assert.deepEqual(n3, ['selection-leak-free.csv', 'selection-leak-free.md']);
});
