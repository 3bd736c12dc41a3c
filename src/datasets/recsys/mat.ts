/**
 * MATLAB v7.3 MAT-file reader (HDF5 behind a 512-byte MATLAB user block; the HDF5 library finds the superblock
 * after it). MATLAB stores arrays column-major, so the HDF5 shape of a dense variable is the MATLAB shape reversed:
 * reading the HDF5 data row-major gives MATLAB's transpose. Sparse variables are groups holding CSC arrays `data`,
 * `ir` (row indices), `jc` (column pointers) with attribute `MATLAB_sparse` = number of rows.
 * Every variable comes back as a dense host `Mat` in MATLAB orientation (rows x cols as MATLAB's `size`).
 */
import h5wasm from 'h5wasm/node';
import { existsSync } from 'node:fs';
import { mat, type Mat } from '../../core/matrix.ts';
import { InputError } from '../../core/errors.ts';

let ready: Promise<unknown> | null = null;
const h5ready = (): Promise<unknown> => (ready ??= h5wasm.ready);

type H5Group = InstanceType<typeof h5wasm.Group>;
type H5Dataset = InstanceType<typeof h5wasm.Dataset>;

/** An open MAT-file; `close()` it when done. */
export interface MatFile {
  readonly path: string;
  /** variable names at the top level */
  names(): string[];
  has(name: string): boolean;
  /** whether a variable is stored sparse */
  isSparse(name: string): boolean;
  /** MATLAB size (rows, cols) of a 2-D variable */
  size(name: string): [number, number];
  /** the variable as a dense matrix in MATLAB orientation */
  dense(name: string): Mat;
  /** row-major linear indices (i * cols + j, MATLAB orientation) of the nonzero entries of a dense variable, ascending */
  nonzeroCells(name: string): Int32Array;
  close(): void;
}

const toNumber = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : Number(v));

function asFloat64(v: unknown, file: string, field: string): Float64Array {
  if (v instanceof Float64Array) return v;
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const src = v as unknown as ArrayLike<number | bigint>;
    const out = new Float64Array(src.length);
    for (let k = 0; k < src.length; k++) out[k] = toNumber(src[k]);
    return out;
  }
  if (typeof v === 'number') return new Float64Array([v]);
  throw new InputError('expected a numeric array', { file, field });
}

/** Opens a MATLAB v7.3 file. Throws InputError if it is missing or not HDF5 (e.g. a pre-v7.3 MAT-file). */
export async function openMat(path: string): Promise<MatFile> {
  if (!existsSync(path)) throw new InputError('file not found', { file: path });
  await h5ready();
  let f: InstanceType<typeof h5wasm.File>;
  try {
    f = new h5wasm.File(path, 'r');
  } catch (e) {
    throw new InputError(`not an HDF5 (MATLAB v7.3) file: ${(e as Error).message}`, {
      file: path,
      hint: "older MAT-files (v5/v7) are not HDF5: re-save them in MATLAB with save(..., '-v7.3')",
    });
  }
  if (!f.file_id || f.file_id < 0n) {
    throw new InputError('not an HDF5 (MATLAB v7.3) file', {
      file: path,
      hint: "older MAT-files (v5/v7) are not HDF5: re-save them in MATLAB with save(..., '-v7.3')",
    });
  }
  const entity = (name: string): H5Dataset | H5Group => {
    const o = f.get(name);
    if (o instanceof h5wasm.Dataset || o instanceof h5wasm.Group) return o;
    throw new InputError(`variable '${name}' not found (variables: ${f.keys().join(', ')})`, { file: path, field: name });
  };
  const isSparse = (name: string): boolean => {
    const o = entity(name);
    return o instanceof h5wasm.Group && 'MATLAB_sparse' in o.attrs;
  };
  const size = (name: string): [number, number] => {
    const o = entity(name);
    if (o instanceof h5wasm.Group) {
      if (!('MATLAB_sparse' in o.attrs)) throw new InputError(`'${name}' is a group, not a matrix`, { file: path, field: name });
      const jc = o.get('jc');
      if (!(jc instanceof h5wasm.Dataset)) throw new InputError(`sparse '${name}' has no jc`, { file: path, field: name });
      return [toNumber(o.attrs.MATLAB_sparse.value), (jc.shape?.[0] ?? 1) - 1];
    }
    const shape = o.shape ?? [];
    if (shape.length === 1) return [1, shape[0]];
    if (shape.length !== 2) throw new InputError(`'${name}' has ${shape.length} dimensions, expected 2`, { file: path, field: name });
    return [shape[1], shape[0]];
  };
  const dense = (name: string): Mat => {
    const o = entity(name);
    const [rows, cols] = size(name);
    if (o instanceof h5wasm.Group) {
      const get = (k: string): Float64Array => {
        const d = o.get(k);
        // an all-zero sparse matrix is stored without data/ir
        if (d === null && k !== 'jc') return new Float64Array(0);
        if (!(d instanceof h5wasm.Dataset)) throw new InputError(`sparse '${name}' has no '${k}'`, { file: path, field: `${name}/${k}` });
        return asFloat64(d.value, path, `${name}/${k}`);
      };
      const data = get('data');
      const ir = get('ir');
      const jc = get('jc');
      if (ir.length !== data.length || jc.length !== cols + 1 || jc[cols] !== data.length) {
        throw new InputError(`sparse '${name}': inconsistent CSC arrays (data ${data.length}, ir ${ir.length}, jc ${jc.length})`, { file: path, field: name });
      }
      const m = mat(rows, cols);
      for (let j = 0; j < cols; j++) {
        for (let k = jc[j]; k < jc[j + 1]; k++) {
          const i = ir[k];
          if (!(i >= 0 && i < rows)) throw new InputError(`sparse '${name}': row index ${i} out of range`, { file: path, field: `${name}/ir` });
          m.data[i * cols + j] += data[k];
        }
      }
      return m;
    }
    const cls = o.attrs.MATLAB_class?.value;
    if (cls !== undefined && !['double', 'single', 'logical', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64'].includes(String(cls))) {
      throw new InputError(`'${name}' has MATLAB class '${String(cls)}', expected a numeric matrix`, { file: path, field: name });
    }
    return columnMajorToMat(asFloat64(o.value, path, name), rows, cols);
  };
  const nonzeroCells = (name: string): Int32Array => {
    const o = entity(name);
    if (o instanceof h5wasm.Group) {
      const m = dense(name);
      const out: number[] = [];
      for (let k = 0; k < m.data.length; k++) if (m.data[k] !== 0) out.push(k);
      return Int32Array.from(out);
    }
    const [rows, cols] = size(name);
    const v = asFloat64(o.value, path, name);
    const out: number[] = [];
    // v[j * rows + i] = A(i, j)
    for (let h = 0; h < v.length; h++) if (v[h] !== 0) out.push((h % rows) * cols + Math.floor(h / rows));
    return Int32Array.from(out).sort();
  };
  return {
    path,
    names: () => f.keys(),
    has: (name) => f.keys().includes(name),
    isSparse,
    size,
    dense,
    nonzeroCells,
    close: () => void f.close(),
  };
}

/** MATLAB column-major data (rows x cols) to a row-major Mat: a tiled transpose (cache-friendly for 3000 x 3000). */
export function columnMajorToMat(v: Float64Array, rows: number, cols: number): Mat {
  if (v.length !== rows * cols) throw new RangeError(`data length ${v.length} != ${rows} x ${cols}`);
  const m = mat(rows, cols);
  const T = 64;
  for (let j0 = 0; j0 < cols; j0 += T) {
    const j1 = Math.min(cols, j0 + T);
    for (let i0 = 0; i0 < rows; i0 += T) {
      const i1 = Math.min(rows, i0 + T);
      for (let j = j0; j < j1; j++) {
        const off = j * rows;
        for (let i = i0; i < i1; i++) m.data[i * cols + j] = v[off + i];
      }
    }
  }
  return m;
}

/** Reads the named variables (dense, MATLAB orientation) and closes the file. */
export async function readMatVariables(path: string, names: string[]): Promise<Record<string, Mat>> {
  const f = await openMat(path);
  try {
    const out: Record<string, Mat> = {};
    for (const n of names) out[n] = f.dense(n);
    return out;
  } finally {
    f.close();
  }
}
