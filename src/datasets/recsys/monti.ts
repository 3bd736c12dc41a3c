/**
 * Loader for the Monti et al. (2017) MATLAB benchmarks (Synthetic Netflix, Flixster, Douban, YahooMusic,
 * ML-100K split_1): ratings `M`, masks `Otraining`/`Otest`, optional row/column graphs. Rows = users, columns =
 * items, as in MATLAB.
 */
import { readFile } from 'node:fs/promises';
import { mat, type Mat } from '../../core/matrix.ts';
import { sha256 } from '../../core/hash.ts';
import { InputError } from '../../core/errors.ts';
import type { RatingDataset } from '../types.ts';
import { openMat } from './mat.ts';
import { checkRatingDataset } from './ratings.ts';

/** Which variables of the .mat file play which role. */
export interface MontiSpec {
  /** dataset name reported in the result */
  name: string;
  /** variable holding the row (user) graph, or null for none (identity basis) */
  rowGraph: string | null;
  /** variable holding the column (item) graph, or null for none */
  colGraph: string | null;
  /** training / test mask variables (defaults Otraining / Otest) */
  trainMask?: string;
  testMask?: string;
}

/** Adjacency as given, checked square/symmetric/nonnegative; self-loops are removed (noted). */
function cleanAdjacency(a: Mat, file: string, field: string, notes: string[]): Mat {
  const n = a.rows;
  if (a.cols !== n) throw new InputError(`graph is ${a.rows} x ${a.cols}, expected square`, { file, field });
  let loops = 0;
  let asym = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = a.data[i * n + j];
      if (!(v >= 0) || !Number.isFinite(v)) throw new InputError(`graph weight (${i + 1}, ${j + 1}) = ${v} is negative or not finite`, { file, field });
      if (j > i) asym = Math.max(asym, Math.abs(v - a.data[j * n + i]));
    }
    if (a.data[i * n + i] !== 0) {
      loops++;
      a.data[i * n + i] = 0;
    }
  }
  if (asym > 0) {
    notes.push(`${field}: not symmetric (max |W - W^T| = ${asym}); symmetrised as (W + W^T)/2`);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      const s = 0.5 * (a.data[i * n + j] + a.data[j * n + i]);
      a.data[i * n + j] = s;
      a.data[j * n + i] = s;
    }
  }
  if (loops) notes.push(`${field}: ${loops} self-loop(s) removed (scipy's csgraph.laplacian, used by Monti et al., ignores the diagonal too)`);
  return a;
}

/** Loads one Monti-style .mat benchmark. M is kept only on training and test cells (Synthetic Netflix ships the full matrix). */
export async function loadMontiMat(path: string, spec: MontiSpec): Promise<RatingDataset> {
  const bytes = await readFile(path);
  const f = await openMat(path);
  const notes: string[] = [];
  try {
    const trainName = spec.trainMask ?? 'Otraining';
    const testName = spec.testMask ?? 'Otest';
    const full = f.dense('M');
    const { rows, cols } = full;
    for (const n of [trainName, testName]) {
      const [r, c] = f.size(n);
      if (r !== rows || c !== cols) throw new InputError(`mask is ${r} x ${c}, M is ${rows} x ${cols}`, { file: path, field: n });
    }
    const train = f.nonzeroCells(trainName);
    const test = f.nonzeroCells(testName);
    const M = mat(rows, cols);
    for (const cells of [train, test]) for (let k = 0; k < cells.length; k++) M.data[cells[k]] = full.data[cells[k]];
    let outside = 0;
    for (let k = 0; k < full.data.length; k++) if (full.data[k] !== 0 && M.data[k] === 0) outside++;
    if (outside) notes.push(`M holds ${outside} ratings outside ${trainName} and ${testName} (the full synthetic matrix); they are dropped`);
    const rowAdjacency = spec.rowGraph ? cleanAdjacency(f.dense(spec.rowGraph), path, spec.rowGraph, notes) : undefined;
    const colAdjacency = spec.colGraph ? cleanAdjacency(f.dense(spec.colGraph), path, spec.colGraph, notes) : undefined;
    if (!rowAdjacency) notes.push('no row (user) graph: methods use an identity basis for rows');
    if (!colAdjacency) notes.push('no column (item) graph: methods use an identity basis for columns');
    const d: RatingDataset = {
      kind: 'ratings',
      name: spec.name,
      rows,
      cols,
      M,
      train,
      test,
      ...(rowAdjacency ? { rowAdjacency } : {}),
      ...(colAdjacency ? { colAdjacency } : {}),
      checksums: { mat: sha256(bytes) },
      notes,
    };
    const problems = checkRatingDataset(d);
    if (problems.length) throw new InputError(`inconsistent benchmark: ${problems.join('; ')}`, { file: path });
    return d;
  } finally {
    f.close();
  }
}
