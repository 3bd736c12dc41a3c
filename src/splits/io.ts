/**
 * Fold files: JSON validated by schemas/folds.schema.json (draft 2020-12). Layout:
 * `{format: "dti-folds", version: 1, setting, rows, cols, indexing, generator?, seeds?, folds: [...]}` with one
 * entry per (repetition, fold): `{repetition, fold, testCells}` (CVS1, row-major linear indices row*cols + col),
 * `{repetition, fold, testRows}` (CVS2) or `{repetition, fold, testCols}` (CVS3); all indices 0-based. Each fold
 * is written on one line, so equal fold sets give byte-identical files. Writes are atomic.
 *
 * `readFolds` checks the schema, then that indices are in range and not repeated, that (repetition, fold) pairs
 * are unique and numbered 0..R-1 / 0..K-1, and that the folds of each repetition partition the cells (CVS1),
 * rows (CVS2) or columns (CVS3) exactly; errors name the file and the field.
 */
import { promises as fs, readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import { writeFileAtomic } from '../core/atomic.ts';
import { InputError, InputErrors } from '../core/errors.ts';
import type { Fold, FoldSet, Setting } from './types.ts';
import { cellsOfCols, cellsOfRows } from './folds.ts';
import { GENERATORS, getGenerator } from './generators.ts';

const schema = JSON.parse(readFileSync(new URL('../../schemas/folds.schema.json', import.meta.url), 'utf8'));
const Ajv = Ajv2020 as unknown as typeof Ajv2020.default;
const validate = new Ajv({ allErrors: false }).compile(schema);

const INDEXING =
  '0-based; CVS1 testCells are row-major linear indices row * cols + col into the drugs x targets matrix; ' +
  'CVS2 testRows are drugs, CVS3 testCols are targets';

/** The fold file text (deterministic). */
export function formatFolds(set: FoldSet): string {
  const head: Record<string, unknown> = {
    format: 'dti-folds',
    version: 1,
    setting: set.setting,
    rows: set.rows,
    cols: set.cols,
    indexing: INDEXING,
  };
  if (set.seeds) head.generator = getGenerator(set.generator ?? 'xoshiro').description;
  const lines = set.folds.map((f) => {
    const o: Record<string, unknown> = { repetition: f.repetition, fold: f.fold };
    if (set.setting === 'CVS1') o.testCells = Array.from(f.testCells);
    else if (set.setting === 'CVS2') o.testRows = Array.from(need(f.testRows, f, 'testRows'));
    else o.testCols = Array.from(need(f.testCols, f, 'testCols'));
    return '    ' + JSON.stringify(o);
  });
  const headText = JSON.stringify(head, null, 2).slice(0, -2);
  const seeds = set.seeds ? `,\n  "seeds": ${JSON.stringify(set.seeds)}` : '';
  return `${headText}${seeds},\n  "folds": [\n${lines.join(',\n')}\n  ]\n}\n`;
}

function need(x: Int32Array | undefined, f: Fold, name: string): Int32Array {
  if (!x) throw new RangeError(`fold (repetition ${f.repetition}, fold ${f.fold}) has no ${name}`);
  return x;
}

export async function writeFolds(path: string, set: FoldSet): Promise<void> {
  await writeFileAtomic(path, formatFolds(set));
}

interface RawFold {
  repetition: number;
  fold: number;
  testCells?: number[];
  testRows?: number[];
  testCols?: number[];
}
interface RawSet {
  setting: Setting;
  rows: number;
  cols: number;
  seeds?: number[];
  generator?: string;
  folds: RawFold[];
}

const ajvField = (e: ErrorObject): string => {
  const p = e.instancePath
    .split('/')
    .slice(1)
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('')
    .replace(/^\./, '');
  const extra = e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty : e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty : '';
  return [p, extra].filter(Boolean).join('.') || '(root)';
};

/** Parse and check fold file text; `file` names the source in errors. */
export function parseFolds(text: string, file: string, expect?: { rows: number; cols: number; setting?: Setting }): FoldSet {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not valid JSON: ${(e as Error).message}`, { file });
  }
  if (!validate(raw)) {
    const errs = (validate.errors ?? []).map((e) => new InputError(`${e.message ?? e.keyword}`, { file, field: ajvField(e) }));
    if (errs.length === 1) throw errs[0];
    throw new InputErrors(`${file}: not a valid fold file`, errs);
  }
  const r = raw as RawSet;
  if (expect) {
    if (expect.setting && r.setting !== expect.setting) {
      throw new InputError(`setting is ${r.setting}, this run needs ${expect.setting}`, { file, field: 'setting' });
    }
    if (r.rows !== expect.rows) throw new InputError(`rows is ${r.rows}, the dataset has ${expect.rows} drugs`, { file, field: 'rows' });
    if (r.cols !== expect.cols) throw new InputError(`cols is ${r.cols}, the dataset has ${expect.cols} targets`, { file, field: 'cols' });
  }
  const { setting, rows, cols } = r;
  const [key, len] =
    setting === 'CVS1' ? (['testCells', rows * cols] as const) : setting === 'CVS2' ? (['testRows', rows] as const) : (['testCols', cols] as const);

  // (repetition, fold) numbering
  const byRep = new Map<number, Map<number, number>>();
  r.folds.forEach((f, i) => {
    let m = byRep.get(f.repetition);
    if (!m) byRep.set(f.repetition, (m = new Map()));
    if (m.has(f.fold)) {
      throw new InputError(`repetition ${f.repetition} fold ${f.fold} appears twice (also folds[${m.get(f.fold)}])`, { file, field: `folds[${i}]` });
    }
    m.set(f.fold, i);
  });
  const reps = [...byRep.keys()].sort((a, b) => a - b);
  reps.forEach((rep, i) => {
    if (rep !== i) throw new InputError(`repetitions must be numbered 0..${reps.length - 1}, found ${rep}`, { file, field: 'folds[].repetition' });
    const fs_ = [...byRep.get(rep)!.keys()].sort((a, b) => a - b);
    fs_.forEach((f, j) => {
      if (f !== j) throw new InputError(`repetition ${rep}: folds must be numbered 0..${fs_.length - 1}, found ${f}`, { file, field: 'folds[].fold' });
    });
    if (fs_.length < 2) throw new InputError(`repetition ${rep} has ${fs_.length} fold, need at least 2`, { file, field: 'folds' });
  });

  // range, duplicates, partition per repetition
  const owner = new Int32Array(len);
  const folds: Fold[] = [];
  for (const rep of reps) {
    owner.fill(-1);
    const entries = [...byRep.get(rep)!.entries()].sort((a, b) => a[0] - b[0]);
    for (const [, i] of entries) {
      const f = r.folds[i];
      const idx = f[key]!;
      idx.forEach((v, j) => {
        const field = `folds[${i}].${key}[${j}]`;
        if (v >= len) throw new InputError(`index ${v} is out of range 0..${len - 1}`, { file, field });
        if (owner[v] === i) throw new InputError(`index ${v} is listed twice in this fold`, { file, field });
        if (owner[v] !== -1) {
          throw new InputError(`index ${v} is also in folds[${owner[v]}] (repetition ${rep}): folds overlap`, { file, field });
        }
        owner[v] = i;
      });
      const sorted = Int32Array.from(idx).sort();
      const fold: Fold = { repetition: rep, fold: f.fold, testCells: sorted };
      if (setting === 'CVS2') Object.assign(fold, { testRows: sorted, testCells: cellsOfRows(sorted, cols) });
      if (setting === 'CVS3') Object.assign(fold, { testCols: sorted, testCells: cellsOfCols(sorted, rows, cols) });
      folds.push(fold);
    }
    const missing = owner.indexOf(-1);
    if (missing !== -1) {
      let count = 0;
      for (const o of owner) if (o === -1) count++;
      const what = setting === 'CVS1' ? 'cells' : setting === 'CVS2' ? 'rows' : 'columns';
      throw new InputError(`repetition ${rep}: ${count} ${what} are in no fold (first: ${missing}); folds must partition all ${len} ${what}`, {
        file,
        field: 'folds',
      });
    }
  }
  const out: FoldSet = { setting, rows, cols, folds };
  if (r.seeds) out.seeds = r.seeds;
  // a file we wrote names its generator by description; map it back (foreign descriptions stay free text)
  const gen = Object.entries(GENERATORS).find(([, g]) => g.description === r.generator);
  if (gen) out.generator = gen[0];
  return out;
}

export async function readFolds(path: string, expect?: { rows: number; cols: number; setting?: Setting }): Promise<FoldSet> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read fold file: ${(e as Error).message}`, { file: path });
  }
  return parseFolds(text, path, expect);
}
