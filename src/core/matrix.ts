/**
 * Dense host matrices. Row-major Float64Array storage: element (i, j) of an r x c matrix is data[i * c + j].
 * This is the exchange format between I/O, the graph/split stages and the numeric engines.
 */
export interface Mat {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export function mat(rows: number, cols: number, data?: ArrayLike<number>): Mat {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`bad matrix shape ${rows} x ${cols}`);
  }
  if (!data) return { rows, cols, data: new Float64Array(rows * cols) };
  if (data.length !== rows * cols) throw new RangeError(`data length ${data.length} != ${rows} x ${cols}`);
  // the copy constructor skips the zero fill (about 2x faster for the large copies engines download)
  return { rows, cols, data: new Float64Array(data) };
}

export const zeros = (rows: number, cols: number): Mat => mat(rows, cols);

export function eye(n: number, cols = n, scale = 1): Mat {
  const m = mat(n, cols);
  for (let i = 0; i < Math.min(n, cols); i++) m.data[i * cols + i] = scale;
  return m;
}

export function fromRows(rows: ArrayLike<number>[]): Mat {
  const r = rows.length;
  const c = r ? rows[0].length : 0;
  const m = mat(r, c);
  rows.forEach((row, i) => {
    if (row.length !== c) throw new RangeError(`row ${i} has ${row.length} entries, expected ${c}`);
    for (let j = 0; j < c; j++) m.data[i * c + j] = row[j];
  });
  return m;
}

export function toRows(m: Mat): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

export const get = (m: Mat, i: number, j: number): number => m.data[i * m.cols + j];

export function clone(m: Mat): Mat {
  return { rows: m.rows, cols: m.cols, data: m.data.slice() };
}

export function transpose(m: Mat): Mat {
  const t = mat(m.cols, m.rows);
  for (let i = 0; i < m.rows; i++) {
    const off = i * m.cols;
    for (let j = 0; j < m.cols; j++) t.data[j * m.rows + i] = m.data[off + j];
  }
  return t;
}

/** max |A - A^T| for a square matrix. */
export function asymmetry(m: Mat): number {
  if (m.rows !== m.cols) throw new RangeError(`asymmetry needs a square matrix, got ${m.rows} x ${m.cols}`);
  let worst = 0;
  for (let i = 0; i < m.rows; i++) {
    for (let j = i + 1; j < m.cols; j++) {
      const d = Math.abs(m.data[i * m.cols + j] - m.data[j * m.cols + i]);
      if (d > worst) worst = d;
    }
  }
  return worst;
}

/**
 * The strictly-upper part of an n x n matrix as size x size tiles [i0, i1, j0, j1) with j0 >= i0: walking (i, j)
 * and (j, i) tile by tile keeps both in cache (a plain column walk of a large matrix is cache-hostile). Visit
 * `i in [i0, i1)`, `j in [max(j0, i + 1), j1)`.
 */
export function* upperTiles(n: number, size = 32): Generator<[number, number, number, number]> {
  for (let i0 = 0; i0 < n; i0 += size) {
    for (let j0 = i0; j0 < n; j0 += size) yield [i0, Math.min(n, i0 + size), j0, Math.min(n, j0 + size)];
  }
}

/** (M + M^T) / 2 as a new matrix. */
export function symmetrize(m: Mat): Mat {
  return symmetrizeInPlace(mat(m.rows, m.cols, m.data));
}

/** M <- (M + M^T) / 2 in place, tile by tile (the diagonal is unchanged: (a + a) / 2 = a exactly); returns M. */
export function symmetrizeInPlace(m: Mat): Mat {
  const n = m.rows;
  if (n !== m.cols) throw new RangeError(`symmetrize needs a square matrix, got ${m.rows} x ${m.cols}`);
  const g = m.data;
  for (const [i0, i1, j0, j1] of upperTiles(n)) {
    for (let i = i0; i < i1; i++) {
      for (let j = Math.max(j0, i + 1); j < j1; j++) {
        const v = 0.5 * (g[i * n + j] + g[j * n + i]);
        g[i * n + j] = v;
        g[j * n + i] = v;
      }
    }
  }
  return m;
}

/** Frobenius norm of A - B. */
export function diffNorm(a: Mat, b: Mat): number {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new RangeError('shape mismatch');
  let s = 0;
  for (let k = 0; k < a.data.length; k++) {
    const d = a.data[k] - b.data[k];
    s += d * d;
  }
  return Math.sqrt(s);
}

/** Count of nonzero entries (the interaction count of a 0/1 matrix, the cells of a mask). */
export function countNonzero(m: Mat): number {
  let c = 0;
  for (let k = 0; k < m.data.length; k++) if (m.data[k] !== 0) c++;
  return c;
}

/**
 * Cells of the mask `part` / cells of the mask `all` (nonzeros): the factor a fixed step is scaled by when a model
 * trained on `part` is trained again on `all`, so that it takes the same step per cell (docs/selection.md).
 */
export function cellRatio(part: Mat, all: Mat): number {
  const n = countNonzero(all);
  if (n === 0) throw new RangeError('no training cells to refit on');
  return countNonzero(part) / n;
}

/** The arrays one after another in one Float64Array (e.g. the test scores of several folds). */
export function concatArrays(parts: readonly ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The first k columns of `m` (a copy). */
export function leadingColumns(m: Mat, k: number): Mat {
  if (!(Number.isInteger(k) && k >= 0 && k <= m.cols)) throw new RangeError(`cannot take ${k} of ${m.cols} columns`);
  const out = mat(m.rows, k);
  for (let i = 0; i < m.rows; i++) out.data.set(m.data.subarray(i * m.cols, i * m.cols + k), i * k);
  return out;
}

/** Orthonormalises the columns of `a` in place (Gram-Schmidt, each column twice against the earlier ones) and returns it. */
export function orthonormalizeColumns(a: Mat): Mat {
  const { rows: n, cols: k } = a;
  for (let c = 0; c < k; c++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < c; p++) {
        let d = 0;
        for (let i = 0; i < n; i++) d += a.data[i * k + c] * a.data[i * k + p];
        for (let i = 0; i < n; i++) a.data[i * k + c] -= d * a.data[i * k + p];
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += a.data[i * k + c] ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) a.data[i * k + c] /= norm;
  }
  return a;
}
