/**
 * Fold permutation generators: how a repetition's seed becomes the permutation its folds are cut from. One entry
 * per generator; `makeFolds` (folds.ts) takes the name.
 *
 * - `xoshiro` (default): our PRNG (xoshiro128** seeded by splitmix32, src/core/rng.ts), Fisher-Yates. Same seed,
 *   same folds on every platform, but not the folds of any published code.
 * - `matlab`: MATLAB's `rng(seed); randperm(len)` as called by the MGRNNM / SGMC DTI driver (nfold.m of
 *   github.com/aanchalMongia/MGRNNMforDTI), which produced the published Table 6 folds. MATLAB's default generator
 *   is the Mersenne Twister (MT19937) seeded with init_genrand(seed) (seed 0 is its default state, init_genrand(5489));
 *   `rand` is genrand_res53, and `randperm(n)` returns the indices that sort `rand(1, n)` ascending. The driver runs
 *   on Y' (drugs x targets), so CVS1 positions are MATLAB's column-major linear indices of that matrix.
 *   The twister itself is the `mersenne-twister` package (init_genrand, genrand_res53 = random_long).
 */
import MersenneTwister from 'mersenne-twister';
import { Rng } from '../core/rng.ts';

export interface PermutationGenerator {
  /** text written to fold files' `generator` field */
  description: string;
  /** a permutation of 0..len-1 (0-based) for one repetition's seed */
  permutation(seed: number, len: number): Int32Array;
  /** CVS1: how a position (0-based) maps to a cell of the rows x cols (drugs x targets) matrix */
  cellOrder: 'row-major' | 'column-major';
}

/** MATLAB `rng(seed); randperm(len)`, 0-based. */
export function matlabRandperm(seed: number, len: number): Int32Array {
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new RangeError(`MATLAB seeds are integers in 0..2^32-1, got ${seed}`);
  }
  const mt = new MersenneTwister(seed === 0 ? 5489 : seed);
  const u = new Float64Array(len);
  for (let i = 0; i < len; i++) u[i] = mt.random_long();
  // Array.prototype.sort is stable: equal draws (never seen in practice) keep index order, as MATLAB's sort does
  const idx = Array.from({ length: len }, (_, i) => i).sort((a, b) => u[a] - u[b]);
  return Int32Array.from(idx);
}

export const GENERATORS: Readonly<Record<string, PermutationGenerator>> = {
  xoshiro: {
    description: 'xoshiro128** seeded per repetition (src/core/rng.ts), Fisher-Yates permutation, contiguous blocks',
    permutation: (seed, len) => new Rng(seed).permutation(len),
    cellOrder: 'row-major',
  },
  matlab: {
    description:
      "MATLAB rng(seed); randperm(len) (MT19937 init_genrand, argsort of genrand_res53 draws), contiguous blocks; " +
      'CVS1 positions are column-major linear indices of the drugs x targets matrix (the MGRNNM/SGMC driver)',
    permutation: matlabRandperm,
    cellOrder: 'column-major',
  },
};

export const GENERATOR_NAMES = Object.keys(GENERATORS);

export function getGenerator(name: string): PermutationGenerator {
  const g = GENERATORS[name];
  if (!g) throw new RangeError(`unknown fold generator '${name}' (known: ${GENERATOR_NAMES.join(', ')})`);
  return g;
}
