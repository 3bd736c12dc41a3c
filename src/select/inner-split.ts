/**
 * The inner validation split of one fold: cells carved from the fold's TRAINING cells only, the way the outer
 * setting holds out its test cells. Pure, seeded, no I/O.
 *
 * CVS1 and rating sets ('fixed'): a random `fraction` of the training cells. CVS2: every training cell of a random
 * `fraction` of the rows that have training cells (new drugs); CVS3: the same for columns (new targets).
 */
import { Rng } from '../core/rng.ts';
import { hashValue } from '../core/hash.ts';

export type InnerSetting = 'CVS1' | 'CVS2' | 'CVS3' | 'fixed';

export interface InnerSplit {
  /** training cells the candidates are fitted on (ascending) */
  fit: Int32Array;
  /** validation cells they are scored on (ascending) */
  validation: Int32Array;
  /** CVS2/CVS3: the held-out rows or columns (ascending) */
  groups?: Int32Array;
}

/** Seed of a task's inner split, derived from the task seed (a 31-bit integer). */
export const innerSeed = (taskSeed: number): number => parseInt(hashValue({ select: 'inner-split', seed: taskSeed }).slice(0, 8), 16) & 0x7fffffff;

/** Number of units held out: round(fraction * n), at least 1; throws when that leaves nothing to train on. */
function holdOut(n: number, fraction: number, what: string): number {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`validation fraction must be in (0, 1), got ${fraction}`);
  const nv = Math.max(1, Math.round(fraction * n));
  if (nv >= n) {
    throw new RangeError(`a validation fraction of ${fraction} of ${n} ${what} leaves no ${what} to train on`);
  }
  return nv;
}

/**
 * Split the training cells (row-major linear indices into a rows x cols matrix) of one fold.
 * `trainCells` need not be sorted; the outputs are.
 */
export function innerSplit(
  setting: InnerSetting,
  rows: number,
  cols: number,
  trainCells: Int32Array,
  fraction: number,
  seed: number,
): InnerSplit {
  const n = rows * cols;
  for (const c of trainCells) if (c < 0 || c >= n) throw new RangeError(`training cell ${c} is outside the ${rows} x ${cols} matrix`);
  if (setting === 'CVS1' || setting === 'fixed') {
    const nv = holdOut(trainCells.length, fraction, 'training cells');
    const perm = new Rng(seed).permutation(trainCells.length);
    const validation = new Int32Array(nv);
    const fit = new Int32Array(trainCells.length - nv);
    for (let i = 0; i < nv; i++) validation[i] = trainCells[perm[i]];
    for (let i = nv; i < perm.length; i++) fit[i - nv] = trainCells[perm[i]];
    return { fit: fit.sort(), validation: validation.sort() };
  }
  if (setting !== 'CVS2' && setting !== 'CVS3') throw new RangeError(`unknown setting '${setting as string}'`);
  const byRow = setting === 'CVS2';
  const groupOf = (c: number): number => (byRow ? Math.floor(c / cols) : c % cols);
  const has = new Uint8Array(byRow ? rows : cols);
  for (const c of trainCells) has[groupOf(c)] = 1;
  const present: number[] = [];
  has.forEach((h, g) => h && present.push(g));
  const what = byRow ? 'rows' : 'columns';
  const nv = holdOut(present.length, fraction, `${what} with training cells`);
  const perm = new Rng(seed).permutation(present.length);
  const held = new Uint8Array(has.length);
  const groups = new Int32Array(nv);
  for (let i = 0; i < nv; i++) held[(groups[i] = present[perm[i]])] = 1;
  const fit: number[] = [];
  const validation: number[] = [];
  for (const c of trainCells) (held[groupOf(c)] ? validation : fit).push(c);
  return { fit: Int32Array.from(fit).sort(), validation: Int32Array.from(validation).sort(), groups: groups.sort() };
}
