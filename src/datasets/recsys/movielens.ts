/**
 * MovieLens parsers (GroupLens formats) and the feature encodings used to build user/item k-NN graphs.
 * - ML-100K: `u.data` / `uN.base` / `uN.test` = `user \t item \t rating \t timestamp`, ids 1-based and dense
 *   (943 users, 1682 items); `u.user` = `id|age|gender|occupation|zip`; `u.item` = `id|title|date|video date|url|19 genre flags`.
 * - ML-1M: `ratings.dat` = `UserID::MovieID::Rating::Timestamp`; `users.dat` = `UserID::Gender::Age::Occupation::Zip`;
 *   `movies.dat` = `MovieID::Title::Genre|Genre...` (ISO-8859-1).
 * Parsers are pure (text in, records out) and throw InputError naming file, line and column.
 */
import { InputError } from '../../core/errors.ts';
import { mat, type Mat } from '../../core/matrix.ts';

export interface RatingRecord {
  user: number;
  item: number;
  rating: number;
  timestamp: number;
}

const lines = (text: string): string[] => {
  const out = text.split(/\r?\n/);
  if (out.length && out[out.length - 1] === '') out.pop();
  return out;
};

function field(parts: string[], k: number, file: string, line: number, what: string, opts: { int?: boolean; min?: number; max?: number } = {}): number {
  const s = parts[k];
  const v = s === undefined || s.trim() === '' ? NaN : Number(s);
  if (!Number.isFinite(v) || (opts.int && !Number.isInteger(v)) || (opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
    throw new InputError(`bad ${what} '${s ?? ''}'`, { file, line, column: k + 1, field: what });
  }
  return v;
}

/** Parses a rating file: tab-separated (ML-100K, `sep = '\t'`) or `::`-separated (ML-1M). */
export function parseRatings(text: string, file: string, sep: '\t' | '::'): RatingRecord[] {
  const out: RatingRecord[] = [];
  lines(text).forEach((l, idx) => {
    const line = idx + 1;
    if (l.trim() === '') throw new InputError('empty line', { file, line });
    const p = sep === '\t' ? l.split(/\t/) : l.split('::');
    if (p.length !== 4) throw new InputError(`expected 4 fields separated by '${sep === '\t' ? '\\t' : sep}', found ${p.length}`, { file, line });
    out.push({
      user: field(p, 0, file, line, 'user id', { int: true, min: 1 }),
      item: field(p, 1, file, line, 'item id', { int: true, min: 1 }),
      rating: field(p, 2, file, line, 'rating', { min: 0.5, max: 5 }),
      timestamp: field(p, 3, file, line, 'timestamp', { int: true, min: 0 }),
    });
  });
  return out;
}

/** Rejects duplicate (user, item) pairs, which would silently overwrite each other in a matrix. */
export function checkNoDuplicates(records: RatingRecord[], file: string): void {
  const seen = new Map<number, number>();
  records.forEach((r, k) => {
    const key = r.user * 1_000_003 + r.item;
    const prev = seen.get(key);
    if (prev !== undefined) throw new InputError(`duplicate rating for user ${r.user}, item ${r.item} (first on line ${prev + 1})`, { file, line: k + 1 });
    seen.set(key, k);
  });
}

export interface UserRecord {
  id: number;
  age: number;
  gender: 'M' | 'F';
  occupation: string;
  zip: string;
}

export function parseUsers100k(text: string, file: string): UserRecord[] {
  return lines(text).map((l, idx) => {
    const line = idx + 1;
    const p = l.split('|');
    if (p.length !== 5) throw new InputError(`expected 5 '|'-separated fields, found ${p.length}`, { file, line });
    if (p[2] !== 'M' && p[2] !== 'F') throw new InputError(`bad gender '${p[2]}'`, { file, line, column: 3, field: 'gender' });
    return { id: field(p, 0, file, line, 'user id', { int: true, min: 1 }), age: field(p, 1, file, line, 'age', { min: 0 }), gender: p[2], occupation: p[3], zip: p[4] };
  });
}

export function parseUsers1m(text: string, file: string): UserRecord[] {
  return lines(text).map((l, idx) => {
    const line = idx + 1;
    const p = l.split('::');
    if (p.length !== 5) throw new InputError(`expected 5 '::'-separated fields, found ${p.length}`, { file, line });
    if (p[1] !== 'M' && p[1] !== 'F') throw new InputError(`bad gender '${p[1]}'`, { file, line, column: 2, field: 'gender' });
    // ML-1M age is a bracket code (1, 18, 25, 35, 45, 50, 56); occupation a code 0..20
    return { id: field(p, 0, file, line, 'user id', { int: true, min: 1 }), gender: p[1], age: field(p, 2, file, line, 'age', { int: true, min: 0 }), occupation: String(field(p, 3, file, line, 'occupation', { int: true, min: 0, max: 20 })), zip: p[4] };
  });
}

export interface ItemRecord {
  id: number;
  title: string;
  genres: string[];
}

/** ML-100K genre order (u.genre). */
export const GENRES_100K = ['unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy', 'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western'];
/** ML-1M genre vocabulary (README): the ML-100K list without 'unknown'. */
export const GENRES_1M = GENRES_100K.slice(1);

export function parseItems100k(text: string, file: string): ItemRecord[] {
  return lines(text).map((l, idx) => {
    const line = idx + 1;
    const p = l.split('|');
    if (p.length !== 5 + GENRES_100K.length) throw new InputError(`expected ${5 + GENRES_100K.length} '|'-separated fields, found ${p.length}`, { file, line });
    const genres: string[] = [];
    GENRES_100K.forEach((g, k) => {
      const v = p[5 + k];
      if (v !== '0' && v !== '1') throw new InputError(`genre flag '${v}' is not 0/1`, { file, line, column: 6 + k, field: g });
      if (v === '1') genres.push(g);
    });
    return { id: field(p, 0, file, line, 'movie id', { int: true, min: 1 }), title: p[1], genres };
  });
}

export function parseMovies1m(text: string, file: string): ItemRecord[] {
  return lines(text).map((l, idx) => {
    const line = idx + 1;
    const p = l.split('::');
    if (p.length !== 3) throw new InputError(`expected 3 '::'-separated fields, found ${p.length}`, { file, line });
    const genres = p[2].split('|');
    for (const g of genres) if (!GENRES_1M.includes(g)) throw new InputError(`unknown genre '${g}'`, { file, line, column: 3, field: 'genres' });
    return { id: field(p, 0, file, line, 'movie id', { int: true, min: 1 }), title: p[1], genres };
  });
}

/**
 * User features: [age / max age, gender (1 = F), one-hot occupation] (occupations sorted). Age is scaled to [0, 1]
 * so that no single feature dominates the Euclidean distance of the Gaussian kernel.
 */
export function userFeatures(users: UserRecord[]): { X: Mat; columns: string[] } {
  const occ = [...new Set(users.map((u) => u.occupation))].sort((a, b) => (isFinite(+a) && isFinite(+b) ? +a - +b : a.localeCompare(b)));
  const maxAge = Math.max(1, ...users.map((u) => u.age));
  const columns = ['age', 'gender=F', ...occ.map((o) => `occupation=${o}`)];
  const X = mat(users.length, columns.length);
  users.forEach((u, i) => {
    const r = i * columns.length;
    X.data[r] = u.age / maxAge;
    X.data[r + 1] = u.gender === 'F' ? 1 : 0;
    X.data[r + 2 + occ.indexOf(u.occupation)] = 1;
  });
  return { X, columns };
}

/** Item features: multi-hot genres in the given vocabulary. */
export function itemFeatures(items: ItemRecord[], vocabulary: string[]): { X: Mat; columns: string[] } {
  const X = mat(items.length, vocabulary.length);
  items.forEach((it, i) => {
    for (const g of it.genres) X.data[i * vocabulary.length + vocabulary.indexOf(g)] = 1;
  });
  return { X, columns: vocabulary.map((g) => `genre=${g}`) };
}
