/**
 * Builds a DtiDataset (drugs x targets) from the text of its three files: interactions (labelled matrix in
 * either orientation, or an edge list), drug similarity and target similarity. IDs are aligned by name: the
 * similarity matrices are re-ordered to the interaction matrix's order (for an edge list, the similarity order
 * is kept). Every inconsistency is an InputError naming the file, line and column.
 */
import { InputError } from '../core/errors.ts';
import { asymmetry, type Mat } from '../core/matrix.ts';
import type { DtiDataset } from './types.ts';
import { readLabelledMatrix, readTable, binaryCheck, rangeCheck, parseNumber, type Delimiter, type LabelledMatrix } from './table.ts';

export interface InteractionsInput {
  file: string;
  text: string;
  /** sha256 of the file's bytes */
  sha256: string;
  format: 'matrix' | 'edges';
  orientation: 'drugs-x-targets' | 'targets-x-drugs';
  header: boolean;
  delimiter: Delimiter;
}

export interface SimilarityInput {
  file: string;
  text: string;
  sha256: string;
  delimiter: Delimiter;
  range: [number, number];
}

export interface DtiInput {
  name: string;
  interactions: InteractionsInput;
  drugSimilarity: SimilarityInput;
  targetSimilarity: SimilarityInput;
}

interface Square {
  ids: string[];
  /** the file's positions of each ID (row index) */
  index: Map<string, number>;
  m: LabelledMatrix;
}

/** A square similarity whose column IDs are the row IDs (any order: columns are re-aligned by name). */
function readSimilarity(s: SimilarityInput, what: string): Square {
  const m = readLabelledMatrix(s.text, s.file, s.delimiter, rangeCheck(s.range[0], s.range[1]));
  const n = m.rowIds.length;
  if (m.colIds.length !== n) {
    throw new InputError(`${what} similarity is not square: ${n} rows x ${m.colIds.length} columns`, { file: s.file });
  }
  const index = new Map(m.rowIds.map((id, i) => [id, i]));
  let same = true;
  for (let j = 0; j < n; j++) {
    const id = m.colIds[j];
    if (!index.has(id)) {
      throw new InputError(`column ID '${id}' is not among the row IDs of this ${what} similarity`, {
        file: s.file, line: m.headerLine, column: m.colColumns[j],
      });
    }
    if (id !== m.rowIds[j]) same = false;
  }
  if (!same) {
    // re-order columns to the row order
    const colIndex = new Map(m.colIds.map((id, j) => [id, j]));
    const data = new Float64Array(n * n);
    const perm = m.rowIds.map((id) => colIndex.get(id)!);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) data[i * n + j] = m.data[i * n + perm[j]];
    m.data = data;
    m.colIds = m.rowIds.slice();
  }
  return { ids: m.rowIds, index, m };
}

/** The similarity re-ordered to `order` (which must be the same set of IDs). */
function alignTo(sq: Square, order: string[]): Mat {
  const n = order.length;
  const p = order.map((id) => sq.index.get(id)!);
  if (p.every((v, i) => v === i)) return { rows: n, cols: n, data: sq.m.data };
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const src = p[i] * n;
    for (let j = 0; j < n; j++) data[i * n + j] = sq.m.data[src + p[j]];
  }
  return { rows: n, cols: n, data };
}

/** Checks that `ids` (from the interaction file) and the similarity's IDs are the same set. */
function sameSet(
  ids: string[], where: (k: number) => { line: number; column: number }, inter: string, sq: Square, simFile: string, what: string,
): void {
  const mine = new Set(ids);
  for (let k = 0; k < ids.length; k++) {
    if (!sq.index.has(ids[k])) {
      throw new InputError(`${what} '${ids[k]}' has no row in the ${what} similarity file ${simFile}`, { file: inter, ...where(k) });
    }
  }
  for (let i = 0; i < sq.ids.length; i++) {
    if (!mine.has(sq.ids[i])) {
      throw new InputError(`${what} '${sq.ids[i]}' does not appear in the interaction file ${inter}`, {
        file: simFile, line: sq.m.rowLines[i], column: 1,
      });
    }
  }
}

function diagonalRange(m: Mat): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < m.rows; i++) {
    const v = m.data[i * m.cols + i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

const fmt = (v: number): string => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2));

export function buildDtiDataset(input: DtiInput): DtiDataset {
  const { interactions: it } = input;
  const drugs = readSimilarity(input.drugSimilarity, 'drug');
  const targets = readSimilarity(input.targetSimilarity, 'target');
  const notes: string[] = [];
  let drugIds: string[];
  let targetIds: string[];
  let Y: Mat;

  if (it.format === 'matrix') {
    const m = readLabelledMatrix(it.text, it.file, it.delimiter, binaryCheck);
    const rowsAreDrugs = it.orientation === 'drugs-x-targets';
    const rowWhere = (k: number) => ({ line: m.rowLines[k], column: 1 });
    const colWhere = (k: number) => ({ line: m.headerLine, column: m.colColumns[k] });
    drugIds = rowsAreDrugs ? m.rowIds : m.colIds;
    targetIds = rowsAreDrugs ? m.colIds : m.rowIds;
    sameSet(drugIds, rowsAreDrugs ? rowWhere : colWhere, it.file, drugs, input.drugSimilarity.file, 'drug');
    sameSet(targetIds, rowsAreDrugs ? colWhere : rowWhere, it.file, targets, input.targetSimilarity.file, 'target');
    const r = m.rowIds.length;
    const c = m.colIds.length;
    if (rowsAreDrugs) {
      Y = { rows: r, cols: c, data: m.data };
    } else {
      const t = new Float64Array(r * c);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = m.data[i * c + j];
      Y = { rows: c, cols: r, data: t };
      notes.push(`interactions transposed from targets x drugs to drugs x targets`);
    }
  } else {
    drugIds = drugs.ids;
    targetIds = targets.ids;
    Y = readEdges(it, drugs.index, targets.index);
  }

  const drugSim = alignTo(drugs, drugIds);
  const targetSim = alignTo(targets, targetIds);
  if (drugSim.data !== drugs.m.data) notes.push(`drug similarity rows re-ordered to the interaction file's drug order`);
  if (targetSim.data !== targets.m.data) notes.push(`target similarity rows re-ordered to the interaction file's target order`);

  let ones = 0;
  for (let k = 0; k < Y.data.length; k++) ones += Y.data[k];
  notes.unshift(`${Y.rows} drugs x ${Y.cols} targets, ${ones} interactions (density ${(ones / (Y.rows * Y.cols)).toFixed(4)})`);
  const emptyRows = countEmpty(Y, 'rows');
  const emptyCols = countEmpty(Y, 'cols');
  if (emptyRows || emptyCols) notes.push(`${emptyRows} drugs and ${emptyCols} targets have no interaction`);
  for (const [what, S] of [['drug', drugSim], ['target', targetSim]] as const) {
    const a = asymmetry(S);
    if (a > 1e-12) notes.push(`${what} similarity is not symmetric: max |S - S^T| = ${fmt(a)}`);
    const [lo, hi] = diagonalRange(S);
    if (lo !== 1 || hi !== 1) notes.push(`${what} similarity diagonal ranges over [${fmt(lo)}, ${fmt(hi)}] (not all 1)`);
  }

  return {
    kind: 'dti',
    name: input.name,
    drugIds: drugIds.slice(),
    targetIds: targetIds.slice(),
    Y,
    drugSim,
    targetSim,
    checksums: {
      interactions: it.sha256,
      drugSim: input.drugSimilarity.sha256,
      targetSim: input.targetSimilarity.sha256,
    },
    notes,
  };
}

function countEmpty(Y: Mat, along: 'rows' | 'cols'): number {
  const sums = new Float64Array(along === 'rows' ? Y.rows : Y.cols);
  for (let i = 0; i < Y.rows; i++) {
    for (let j = 0; j < Y.cols; j++) sums[along === 'rows' ? i : j] += Y.data[i * Y.cols + j];
  }
  return sums.filter((s) => s === 0).length;
}

/** Edge list: `drug<sep>target[<sep>label]`, one known pair per line; IDs must be in the similarity files. */
function readEdges(it: InteractionsInput, drugIndex: Map<string, number>, targetIndex: Map<string, number>): Mat {
  const rows = readTable(it.text, it.file, it.delimiter);
  const body = it.header ? rows.slice(1) : rows;
  if (body.length === 0) throw new InputError('edge list has no edges', { file: it.file });
  const m = drugIndex.size;
  const n = targetIndex.size;
  const data = new Float64Array(m * n);
  const seen = new Map<number, number>();
  for (const { line, fields } of body) {
    if (fields.length < 2 || fields.length > 3) {
      throw new InputError(`expected 2 or 3 fields (drug, target[, label]), got ${fields.length}`, {
        file: it.file, line, column: fields.length < 2 ? fields.length + 1 : 4,
        hint: fields.length === 1 ? 'check "delimiter" in the manifest (tab or comma)' : undefined,
      });
    }
    const i = drugIndex.get(fields[0]);
    if (i === undefined) {
      throw new InputError(`unknown drug '${fields[0]}': not in the drug similarity file`, {
        file: it.file, line, column: 1,
        hint: line === body[0].line && !it.header ? 'if this line is a header, set "header": true for the interactions file' : undefined,
      });
    }
    const j = targetIndex.get(fields[1]);
    if (j === undefined) {
      throw new InputError(`unknown target '${fields[1]}': not in the target similarity file`, { file: it.file, line, column: 2 });
    }
    let label = 1;
    if (fields.length === 3) {
      label = parseNumber(fields[2], it.file, line, 3);
      const bad = binaryCheck(label);
      if (bad) throw new InputError(bad, { file: it.file, line, column: 3 });
    }
    const cell = i * n + j;
    const prev = seen.get(cell);
    if (prev !== undefined) {
      throw new InputError(`duplicate pair ${fields[0]} - ${fields[1]} (also on line ${prev})`, { file: it.file, line, column: 1 });
    }
    seen.set(cell, line);
    data[cell] = label;
  }
  return { rows: m, cols: n, data };
}
