/**
 * MovieLens loaders from the GroupLens files in a directory.
 * - ML-100K (`loadMl100k`): the official `uN.base` / `uN.test` split (u1 = the split of Monti et al.'s
 *   split_1.mat), 943 x 1682, user/item features from `u.user` / `u.item` and Gaussian 10-NN graphs built from them.
 * - ML-1M (`loadMl1m`): `ratings.dat` split 90/10 at random as in van den Berg et al. (GC-MC): the ratings in file
 *   order are permuted with the project's seeded RNG (`Rng(seed).permutation`), the first ceil(10%) are the test
 *   set. (GC-MC used numpy's shuffle with seed 1234; numpy's stream cannot be reproduced here, so the split is the
 *   same protocol, not the same cells.) Rows = users of users.dat (by id), columns = rated movies (by id).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { InputError } from '../../core/errors.ts';
import { sha256 } from '../../core/hash.ts';
import { Rng } from '../../core/rng.ts';
import type { RatingDataset } from '../types.ts';
import {
  parseRatings, parseUsers100k, parseItems100k, parseUsers1m, parseMovies1m, checkNoDuplicates,
  userFeatures, itemFeatures, GENRES_100K, GENRES_1M, type RatingRecord, type UserRecord, type ItemRecord,
} from './movielens.ts';
import { gaussianKnnGraph } from './knn.ts';
import { checkRatingDataset, fromTriplets, type Triplet } from './ratings.ts';

export interface GraphOptions {
  /** neighbours per node of the feature graphs (default 10; 0 = no graphs, identity bases) */
  k?: number;
  /** Gaussian kernel width (default 1) */
  sigma?: number;
}

async function readText(dir: string, name: string, checksums: Record<string, string>, encoding: BufferEncoding = 'utf8'): Promise<string> {
  const p = join(dir, name);
  if (!existsSync(p)) throw new InputError('file not found', { file: p });
  const b = await readFile(p);
  checksums[name] = sha256(b);
  return b.toString(encoding);
}

/** Maps 1-based ids to 0-based positions in an id-sorted list; unknown ids are an InputError. */
function indexer(ids: number[], file: string, what: string): (id: number, line: number) => number {
  const pos = new Map<number, number>();
  ids.forEach((id, k) => {
    if (pos.has(id)) throw new InputError(`duplicate ${what} id ${id}`, { file, line: k + 1 });
    pos.set(id, k);
  });
  return (id, line) => {
    const p = pos.get(id);
    if (p === undefined) throw new InputError(`${what} id ${id} is not listed`, { file, line, field: what });
    return p;
  };
}

function addGraphs(d: RatingDataset, users: UserRecord[], items: ItemRecord[], vocabulary: string[], g: GraphOptions): void {
  const uf = userFeatures(users);
  const itf = itemFeatures(items, vocabulary);
  d.rowFeatures = uf.X;
  d.colFeatures = itf.X;
  const k = g.k ?? 10;
  const sigma = g.sigma ?? 1;
  if (k > 0) {
    d.rowAdjacency = gaussianKnnGraph(uf.X, { k, sigma });
    d.colAdjacency = gaussianKnnGraph(itf.X, { k, sigma });
    d.notes.push(`graphs: ${k}-NN on features (users: ${uf.columns.length} columns: age/max, gender, one-hot occupation; items: ${itf.columns.length} genre flags), w = exp(-d^2/sigma^2), sigma = ${sigma}, union-symmetrised`);
  } else {
    d.notes.push('no graphs requested: methods use identity bases');
  }
}

export interface Ml100kOptions extends GraphOptions {
  /** official split name: u1..u5, ua, ub (default u1) */
  split?: string;
}

export async function loadMl100k(dir: string, opts: Ml100kOptions = {}): Promise<RatingDataset> {
  const split = opts.split ?? 'u1';
  if (!/^u[1-5ab]$/.test(split)) throw new InputError(`unknown ML-100K split '${split}' (u1..u5, ua, ub)`, { field: 'split' });
  const checksums: Record<string, string> = {};
  const base = parseRatings(await readText(dir, `${split}.base`, checksums), join(dir, `${split}.base`), '\t');
  const test = parseRatings(await readText(dir, `${split}.test`, checksums), join(dir, `${split}.test`), '\t');
  const users = parseUsers100k(await readText(dir, 'u.user', checksums), join(dir, 'u.user'));
  const items = parseItems100k(await readText(dir, 'u.item', checksums, 'latin1'), join(dir, 'u.item'));
  users.sort((a, b) => a.id - b.id);
  items.sort((a, b) => a.id - b.id);
  checkNoDuplicates([...base, ...test], join(dir, `${split}.base + ${split}.test`));
  const uIdx = indexer(users.map((u) => u.id), join(dir, 'u.user'), 'user');
  const iIdx = indexer(items.map((i) => i.id), join(dir, 'u.item'), 'item');
  const trip = (rs: RatingRecord[]): Triplet[] => rs.map((r, k) => ({ row: uIdx(r.user, k + 1), col: iIdx(r.item, k + 1), value: r.rating }));
  const { M, train, test: testCells } = fromTriplets(users.length, items.length, trip(base), trip(test));
  const d: RatingDataset = { kind: 'ratings', name: 'ml-100k-grouplens', rows: users.length, cols: items.length, M, train, test: testCells, checksums, notes: [`split ${split}: ${split}.base / ${split}.test`] };
  addGraphs(d, users, items, GENRES_100K, opts);
  const problems = checkRatingDataset(d);
  if (problems.length) throw new InputError(`inconsistent data: ${problems.join('; ')}`, { file: dir });
  return d;
}

export interface Ml1mOptions extends GraphOptions {
  /** seed of the 90/10 split (default 1234, GC-MC's) */
  seed?: number;
  /** test fraction (default 0.1) */
  testFraction?: number;
}

/** The 90/10 split: positions (into the file-ordered rating list) of the test ratings, ascending. */
export function randomTestPositions(n: number, testFraction: number, seed: number): Int32Array {
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`testFraction must be in (0, 1), got ${testFraction}`);
  const perm = new Rng(seed).permutation(n);
  return perm.slice(0, Math.ceil(n * testFraction)).sort();
}

export async function loadMl1m(dir: string, opts: Ml1mOptions = {}): Promise<RatingDataset> {
  const seed = opts.seed ?? 1234;
  const testFraction = opts.testFraction ?? 0.1;
  const checksums: Record<string, string> = {};
  const ratingsFile = join(dir, 'ratings.dat');
  if (!existsSync(ratingsFile)) {
    throw new InputError('file not found', { file: ratingsFile, hint: 'ML-1M ratings.dat comes from https://files.grouplens.org/datasets/movielens/ml-1m.zip (run the fetch stage); MovieLens files may not be redistributed' });
  }
  const ratings = parseRatings(await readText(dir, 'ratings.dat', checksums, 'latin1'), ratingsFile, '::');
  const users = parseUsers1m(await readText(dir, 'users.dat', checksums, 'latin1'), join(dir, 'users.dat'));
  const movies = parseMovies1m(await readText(dir, 'movies.dat', checksums, 'latin1'), join(dir, 'movies.dat'));
  checkNoDuplicates(ratings, ratingsFile);
  users.sort((a, b) => a.id - b.id);
  const ratedIds = [...new Set(ratings.map((r) => r.item))].sort((a, b) => a - b);
  const movieById = new Map(movies.map((m) => [m.id, m]));
  const items = ratedIds.map((id, k) => {
    const m = movieById.get(id);
    if (!m) throw new InputError(`movie id ${id} is rated but not listed in movies.dat`, { file: ratingsFile, line: k + 1 });
    return m;
  });
  const uIdx = indexer(users.map((u) => u.id), join(dir, 'users.dat'), 'user');
  const iIdx = indexer(ratedIds, join(dir, 'movies.dat'), 'movie');
  const isTest = new Uint8Array(ratings.length);
  for (const p of randomTestPositions(ratings.length, testFraction, seed)) isTest[p] = 1;
  const tr: Triplet[] = [];
  const te: Triplet[] = [];
  ratings.forEach((r, k) => (isTest[k] ? te : tr).push({ row: uIdx(r.user, k + 1), col: iIdx(r.item, k + 1), value: r.rating }));
  const { M, train, test } = fromTriplets(users.length, items.length, tr, te);
  const d: RatingDataset = {
    kind: 'ratings', name: 'ml-1m', rows: users.length, cols: items.length, M, train, test, checksums,
    notes: [`random ${Math.round((1 - testFraction) * 100)}/${Math.round(testFraction * 100)} split of ratings.dat (seed ${seed}, ceil(${testFraction} n) test ratings); columns = the ${items.length} rated movies`],
  };
  addGraphs(d, users, items, GENRES_1M, opts);
  const problems = checkRatingDataset(d);
  if (problems.length) throw new InputError(`inconsistent data: ${problems.join('; ')}`, { file: dir });
  return d;
}
