import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRows, mat } from '../../src/core/matrix.ts';
import { InputError, InputErrors } from '../../src/core/errors.ts';
import {
  DEFAULT_SEEDS,
  formatFolds,
  getGenerator,
  makeFolds,
  matlabRandperm,
  parseFolds,
  readFolds,
  trainCells,
  trainingView,
  validationSplit,
  writeFolds,
} from '../../src/splits/index.ts';
import type { FoldSet, Setting } from '../../src/splits/types.ts';

const R = 13;
const C = 7;

function checkPartition(set: FoldSet): void {
  const reps = new Set(set.folds.map((f) => f.repetition));
  for (const rep of reps) {
    const seen = new Uint8Array(set.rows * set.cols);
    const rowOwner = new Int32Array(set.rows).fill(-1);
    const colOwner = new Int32Array(set.cols).fill(-1);
    for (const f of set.folds.filter((x) => x.repetition === rep)) {
      for (let i = 1; i < f.testCells.length; i++) assert.ok(f.testCells[i] > f.testCells[i - 1], 'ascending');
      for (const c of f.testCells) {
        assert.equal(seen[c], 0, `cell ${c} in two folds`);
        seen[c] = 1;
        const r = Math.floor(c / set.cols);
        const col = c % set.cols;
        if (set.setting === 'CVS2') {
          assert.ok(rowOwner[r] === -1 || rowOwner[r] === f.fold, `drug ${r} in two folds`);
          rowOwner[r] = f.fold;
        }
        if (set.setting === 'CVS3') {
          assert.ok(colOwner[col] === -1 || colOwner[col] === f.fold, `target ${col} in two folds`);
          colOwner[col] = f.fold;
        }
      }
      if (set.setting === 'CVS2') assert.equal(f.testCells.length, f.testRows!.length * set.cols);
      if (set.setting === 'CVS3') assert.equal(f.testCells.length, f.testCols!.length * set.rows);
    }
    assert.ok(seen.every((v) => v === 1), `repetition ${rep}: every cell in exactly one fold`);
  }
}

test('folds partition cells (CVS1), rows (CVS2), columns (CVS3) exactly; fold sizes from floor(i*len/k)', () => {
  for (const setting of ['CVS1', 'CVS2', 'CVS3'] as Setting[]) {
    const set = makeFolds(setting, R, C, { folds: 5 });
    assert.equal(set.folds.length, 25);
    assert.deepEqual(set.seeds, DEFAULT_SEEDS[setting]);
    checkPartition(set);
    const len = setting === 'CVS1' ? R * C : setting === 'CVS2' ? R : C;
    const sizes = set.folds.filter((f) => f.repetition === 0).map((f) => f.testRows?.length ?? f.testCols?.length ?? f.testCells.length);
    assert.deepEqual(sizes, [0, 1, 2, 3, 4].map((i) => Math.floor(((i + 1) * len) / 5) - Math.floor((i * len) / 5)));
  }
  checkPartition(makeFolds('CVS1', 54, 26));
});

test('same seed -> byte-identical fold files; different seed -> different folds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'folds-'));
  try {
    for (const setting of ['CVS1', 'CVS2', 'CVS3'] as Setting[]) {
      await writeFolds(join(dir, 'a.json'), makeFolds(setting, R, C, { seeds: [1, 2, 3], repetitions: 3, folds: 5 }));
      await writeFolds(join(dir, 'b.json'), makeFolds(setting, R, C, { seeds: [1, 2, 3], repetitions: 3, folds: 5 }));
      await writeFolds(join(dir, 'c.json'), makeFolds(setting, R, C, { seeds: [1, 2, 4], repetitions: 3, folds: 5 }));
      const a = readFileSync(join(dir, 'a.json'));
      assert.ok(a.equals(readFileSync(join(dir, 'b.json'))), `${setting}: same bytes`);
      assert.ok(!a.equals(readFileSync(join(dir, 'c.json'))), `${setting}: different seed, different file`);
      const x = makeFolds(setting, R, C, { seeds: [5], repetitions: 1, folds: 5 });
      const y = makeFolds(setting, R, C, { seeds: [6], repetitions: 1, folds: 5 });
      assert.notDeepEqual(x.folds.map((f) => Array.from(f.testCells)), y.folds.map((f) => Array.from(f.testCells)));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('export/import round trip for every setting', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'folds-'));
  try {
    for (const setting of ['CVS1', 'CVS2', 'CVS3'] as Setting[]) {
      const set = makeFolds(setting, R, C, { repetitions: 2, folds: 4, seeds: [9, 10] });
      const file = join(dir, `${setting}.json`);
      await writeFolds(file, set);
      const back = await readFolds(file, { rows: R, cols: C, setting });
      assert.deepEqual(back, set);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('imported folds: unsorted indices accepted; bad files rejected naming file and field', () => {
  const base = { format: 'dti-folds', version: 1, setting: 'CVS2', rows: 4, cols: 3 };
  const ok = { ...base, folds: [{ repetition: 0, fold: 0, testRows: [3, 0] }, { repetition: 0, fold: 1, testRows: [2, 1] }] };
  const set = parseFolds(JSON.stringify(ok), 'ok.json');
  assert.deepEqual(Array.from(set.folds[0].testRows!), [0, 3]);
  assert.deepEqual(Array.from(set.folds[0].testCells), [0, 1, 2, 9, 10, 11]);
  assert.equal(set.seeds, undefined);

  const bad = (obj: unknown, re: RegExp, expect?: { rows: number; cols: number; setting?: Setting }): void => {
    assert.throws(
      () => parseFolds(typeof obj === 'string' ? obj : JSON.stringify(obj), 'f.json', expect),
      (e: unknown) => {
        assert.ok(e instanceof InputError || e instanceof InputErrors, String(e));
        assert.match((e as Error).message, /f\.json/);
        assert.match((e as Error).message, re);
        return true;
      },
    );
  };
  const folds = (a: number[], b: number[]) => [{ repetition: 0, fold: 0, testRows: a }, { repetition: 0, fold: 1, testRows: b }];
  bad('{not json', /not valid JSON/);
  bad({ ...base, folds: folds([0, 1], [1, 2, 3]) }, /field folds\[1\]\.testRows\[0\].*also in folds\[0\].*overlap/);
  bad({ ...base, folds: folds([0, 4], [1, 2, 3]) }, /field folds\[0\]\.testRows\[1\].*out of range 0\.\.3/);
  bad({ ...base, folds: folds([0, 0], [1, 2, 3]) }, /listed twice/);
  bad({ ...base, folds: folds([0], [1, 2]) }, /1 rows are in no fold/);
  bad({ ...base, folds: folds([0, -1], [1, 2, 3]) }, /field folds\[0\]\.testRows\[1\]/);
  bad({ ...base, folds: [{ repetition: 0, fold: 0, testCells: [0] }] }, /field folds\[0\]/);
  bad({ ...base, setting: 'CVS4', folds: folds([0, 1], [2, 3]) }, /field setting/);
  bad({ ...base, rows: 'four', folds: folds([0, 1], [2, 3]) }, /field rows/);
  bad({ ...base, folds: [...folds([0, 1], [2, 3]), { repetition: 0, fold: 1, testRows: [0] }] }, /appears twice/);
  bad({ ...base, folds: [{ repetition: 1, fold: 0, testRows: [0, 1] }, { repetition: 1, fold: 1, testRows: [2, 3] }] }, /numbered 0\.\.0/);
  bad({ ...base, folds: folds([0, 1], [2, 3]) }, /field cols.*3.*5 targets/, { rows: 4, cols: 5 });
  bad({ ...base, folds: folds([0, 1], [2, 3]) }, /field setting.*needs CVS3/, { rows: 4, cols: 3, setting: 'CVS3' });
  bad({ ...base, extra: 1, folds: folds([0, 1], [2, 3]) }, /extra/);
});

test('readFolds names an unreadable file', async () => {
  await assert.rejects(readFolds('/nonexistent/folds.json'), /\/nonexistent\/folds\.json.*cannot read/);
});

test('trainingView zeroes test cells and masks them', () => {
  const Y = fromRows([
    [1, 0, 1],
    [0, 1, 1],
  ]);
  const { Y: y, W } = trainingView(Y, { repetition: 0, fold: 0, testCells: Int32Array.from([0, 4]) });
  assert.deepEqual(Array.from(y.data), [0, 0, 1, 0, 0, 1]);
  assert.deepEqual(Array.from(W.data), [0, 1, 1, 1, 0, 1]);
  assert.deepEqual(Array.from(Y.data), [1, 0, 1, 0, 1, 1], 'input untouched');
  assert.throws(() => trainingView(mat(2, 3), { repetition: 0, fold: 0, testCells: Int32Array.from([6]) }), /outside/);
  assert.deepEqual(Array.from(trainCells(2, 3, { repetition: 0, fold: 0, testCells: Int32Array.from([0, 4]) })), [1, 2, 3, 5]);
});

test('validationSplit: seeded, disjoint, covering, sized round(fraction * n)', () => {
  const cells = Int32Array.from({ length: 101 }, (_, i) => 3 * i + 1);
  const a = validationSplit(cells, 0.1, 42);
  const b = validationSplit(cells, 0.1, 42);
  const c = validationSplit(cells, 0.1, 43);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.validation, c.validation);
  assert.equal(a.validation.length, 10);
  assert.equal(a.fit.length, 91);
  assert.deepEqual([...a.fit, ...a.validation].sort((x, y) => x - y), Array.from(cells));
  assert.throws(() => validationSplit(cells, 0, 1), /fraction/);
  assert.throws(() => validationSplit(cells, 1, 1), /fraction/);
});

test('makeFolds rejects bad arguments', () => {
  assert.throws(() => makeFolds('CVS2', 5, 4, { folds: 6 }), /folds must be an integer in 2\.\.5/);
  assert.throws(() => makeFolds('CVS1', 5, 4, { seeds: [1, 2] }), /2 seeds given for 5 repetitions/);
  assert.throws(() => makeFolds('CVS9' as Setting, 5, 4), /unknown setting/);
  assert.throws(() => makeFolds('CVS1', 0, 4), /bad matrix shape/);
  assert.ok(formatFolds(makeFolds('CVS3', 5, 4, { folds: 2 })).includes('"testCols"'));
});

test('default seeds are the METHODS.md reference seeds; past five they extend deterministically', () => {
  assert.deepEqual(DEFAULT_SEEDS.CVS1, [7993, 252, 5054, 8720, 7519]);
  assert.deepEqual(DEFAULT_SEEDS.CVS2, [6381, 1535, 9727, 9129, 6802]);
  assert.deepEqual(DEFAULT_SEEDS.CVS3, [8768, 7952, 402, 9781, 9541]);
  const s = makeFolds('CVS1', 4, 4, { repetitions: 7, folds: 2 }).seeds!;
  assert.equal(new Set(s).size, 7);
  assert.deepEqual(s.slice(0, 5), DEFAULT_SEEDS.CVS1);
});

test('a hand-written fold file is read back byte-stable through write', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'folds-'));
  try {
    const f = join(dir, 'in.json');
    writeFileSync(
      f,
      JSON.stringify({ format: 'dti-folds', version: 1, setting: 'CVS1', rows: 2, cols: 2, folds: [{ repetition: 0, fold: 0, testCells: [3, 0] }, { repetition: 0, fold: 1, testCells: [1, 2] }] }),
    );
    const set = await readFolds(f);
    await writeFolds(join(dir, 'out.json'), set);
    assert.deepEqual(await readFolds(join(dir, 'out.json')), set);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Reference values: MATLAB R2017b `rng(42); randperm(15)` as printed in the public Stack Overflow thread "Recreate
// randperm Matlab function in Python"; MATLAB's `rng default; rand(1,3)` (0.8147, 0.9058, 0.1270); the longer
// permutations from numpy's RandomState (the same MT19937 init_genrand + genrand_res53) with a stable argsort.
test("matlab generator: MATLAB's rng(seed); randperm(n), 0-based", () => {
  assert.deepEqual(Array.from(matlabRandperm(42, 15), (i) => i + 1), [11, 7, 6, 5, 15, 14, 1, 4, 9, 10, 3, 13, 8, 2, 12]);
  assert.deepEqual(Array.from(matlabRandperm(8768, 95).slice(0, 12)), [18, 16, 61, 0, 4, 34, 22, 67, 58, 3, 71, 80]);
  assert.deepEqual(
    Array.from(matlabRandperm(6381, 26)),
    [7, 4, 8, 13, 0, 10, 6, 1, 14, 17, 23, 18, 5, 9, 11, 20, 12, 15, 2, 21, 16, 3, 24, 22, 25, 19],
  );
  // seed 0 is MATLAB's default state (init_genrand(5489)): rand(1,3) = 0.8147, 0.9058, 0.1270 -> randperm(3) = 3 1 2
  assert.deepEqual(Array.from(matlabRandperm(0, 3)), [2, 0, 1]);
  assert.deepEqual(matlabRandperm(0, 40), matlabRandperm(5489, 40));
  assert.throws(() => matlabRandperm(-1, 3), /0\.\.2\^32-1/);
  assert.throws(() => getGenerator('matlb'), /unknown fold generator 'matlb' \(known: xoshiro, matlab\)/);
});

test('matlab generator folds: CVS2/CVS3 blocks of randperm; CVS1 positions are column-major cells', () => {
  const rows = 3;
  const cols = 4;
  const cvs1 = makeFolds('CVS1', rows, cols, { folds: 3, repetitions: 1, seeds: [7], generator: 'matlab' });
  checkPartition(cvs1);
  assert.equal(cvs1.generator, 'matlab');
  // numpy: argsort(RandomState(7).rand(12)) = 7 0 8 2 | 9 6 5 10 | 3 1 11 4; MATLAB linear k -> drug k % 3, target floor(k / 3)
  const cell = (k: number): number => (k % rows) * cols + Math.floor(k / rows);
  const expected = [[7, 0, 8, 2], [9, 6, 5, 10], [3, 1, 11, 4]].map((b) => b.map(cell).sort((a, z) => a - z));
  assert.deepEqual(cvs1.folds.map((f) => Array.from(f.testCells)), expected);
  const cvs2 = makeFolds('CVS2', 26, 5, { generator: 'matlab' });
  checkPartition(cvs2);
  // repetition 0 uses S2's first reference seed 6381: fold 0 = positions 0..1 of randperm(26) = drugs 7, 4
  assert.deepEqual(Array.from(cvs2.folds[0].testRows!), [4, 7]);
  const cvs3 = makeFolds('CVS3', 6, 95, { generator: 'matlab' });
  checkPartition(cvs3);
  assert.deepEqual(Array.from(cvs3.folds[0].testCols!), [0, 4, 16, 18, 34, 61, 67, 22, 58].sort((a, b) => a - b));
  assert.match(formatFolds(cvs3), /"generator": "MATLAB rng\(seed\); randperm/);
  assert.match(formatFolds(makeFolds('CVS3', 6, 95)), /"generator": "xoshiro128\*\*/);
  assert.notDeepEqual(Array.from(makeFolds('CVS3', 6, 95).folds[0].testCols!), Array.from(cvs3.folds[0].testCols!));
});
