/**
 * Fit checkpoints on disk: a long fit (the SGMC family: sgmc, sgmc-z, dmf, fm) saves its loop state every so many seconds and a
 * rerun of the same task continues from it instead of from the start (a killed worker, a SLURM job past its time
 * limit). One file per fit of a task: `<outdir>/checkpoints/<task key>/fit<j>.ckpt`, removed once the task's record
 * is written.
 *
 * Format: the 8 bytes `SGMCCKP1`, a little-endian uint32 header length, the UTF-8 JSON header, zero padding to a
 * multiple of 8, then the data of every matrix and Float64Array in header order, little-endian. In the header a matrix
 * is `{"$mat": [rows, cols]}` (float64 data) or `{"$mat32": [rows, cols]}` (float32 data: written for a matrix whose
 * every value is a float32, as all of a float32 fit's are, so its file is half the size and reads back exactly), a
 * Float64Array `{"$f64": length}`, a non-finite number `{"$num": "NaN" | "Infinity" | "-Infinity"}`. Written atomically (temporary file, fsync, rename): a reader sees the previous checkpoint or the
 * new one, never half of one.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, rmSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeChunksAtomicSync } from '../core/atomic.ts';
import { InputError } from '../core/errors.ts';
import type { Mat } from '../core/matrix.ts';
import type { FitCheckpoint } from '../methods/types.ts';

const MAGIC = 'SGMCCKP1';

const isMat = (x: object): x is Mat =>
  'rows' in x && 'cols' in x && 'data' in x && x.data instanceof Float64Array && Object.keys(x).length === 3;

/** the values as float32 when that loses nothing (NaN stays NaN), else null */
function asFloat32(d: Float64Array): Float32Array | null {
  const f = new Float32Array(d.length);
  for (let i = 0; i < d.length; i++) {
    f[i] = d[i];
    if (f[i] !== d[i] && !Number.isNaN(d[i])) return null;
  }
  return f;
}

/** A plain value (objects, arrays, numbers, strings, booleans, null, matrices, Float64Arrays) as header + blobs. */
export function encodeCheckpoint(value: unknown): Uint8Array[] {
  const blobs: (Float64Array | Float32Array)[] = [];
  const walk = (x: unknown, at: string): unknown => {
    if (x === null || typeof x === 'string' || typeof x === 'boolean') return x;
    if (typeof x === 'number') return Number.isFinite(x) ? x : { $num: String(x) };
    if (x instanceof Float64Array) {
      blobs.push(x);
      return { $f64: x.length };
    }
    if (ArrayBuffer.isView(x)) throw new TypeError(`checkpoint value ${at}: only Float64Array data can be saved`);
    if (Array.isArray(x)) return x.map((v, i) => walk(v, `${at}[${i}]`));
    if (typeof x === 'object') {
      if (isMat(x)) {
        if (x.data.length !== x.rows * x.cols) throw new RangeError(`checkpoint value ${at}: ${x.rows} x ${x.cols} matrix with ${x.data.length} values`);
        const f = asFloat32(x.data);
        blobs.push(f ?? x.data);
        return f ? { $mat32: [x.rows, x.cols] } : { $mat: [x.rows, x.cols] };
      }
      const o: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(x)) if (v !== undefined) o[k] = walk(v, `${at}.${k}`);
      return o;
    }
    throw new TypeError(`checkpoint value ${at}: cannot save a ${typeof x}`);
  };
  const header = Buffer.from(JSON.stringify(walk(value, '$')));
  const head = Buffer.alloc(8 + 4 + header.length + ((8 - ((12 + header.length) % 8)) % 8));
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(header.length, 8);
  header.copy(head, 12);
  return [head, ...blobs.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength))];
}

const unusable = (file: string, why: string): InputError =>
  new InputError(`not a usable fit checkpoint: ${why}`, { file, hint: 'delete it to start that fit from the beginning' });

/** the header's JSON and where the data starts; `b` holds at least the header */
function parseHeader(b: Buffer, file: string): { header: unknown; dataStart: number } {
  if (b.length < 12 || b.toString('latin1', 0, 8) !== MAGIC) throw unusable(file, `it does not start with ${MAGIC}`);
  const len = b.readUInt32LE(8);
  if (12 + len > b.length) throw unusable(file, 'the header is cut off');
  try {
    return { header: JSON.parse(b.toString('utf8', 12, 12 + len)), dataStart: 12 + len + ((8 - ((12 + len) % 8)) % 8) };
  } catch (e) {
    throw unusable(file, `the header is not JSON (${(e as Error).message})`);
  }
}

/** Replace the header's markers: non-finite numbers always, arrays through `array` (data or a stand-in). */
type ArrayMarker = { $mat?: [number, number]; $mat32?: [number, number]; $f64?: number };
function unmark(x: unknown, array: (marker: ArrayMarker) => unknown): unknown {
  if (x === null || typeof x !== 'object') return x;
  if (Array.isArray(x)) return x.map((v) => unmark(v, array));
  const o = x as Record<string, unknown>;
  if ('$num' in o) return Number(o.$num);
  if ('$f64' in o || '$mat' in o || '$mat32' in o) return array(o);
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) r[k] = unmark(v, array);
  return r;
}

/**
 * The header of a checkpoint file without its data (a Flixster checkpoint holds ~300 MB): numbers, strings and,
 * for each matrix, `{rows, cols}`. For progress reports (`dti status`).
 */
export function readCheckpointHeader(file: string): unknown {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(12);
    readSync(fd, head, 0, 12, 0);
    const len = head.length === 12 && head.toString('latin1', 0, 8) === MAGIC ? head.readUInt32LE(8) : 0;
    const b = Buffer.alloc(12 + len);
    const got = readSync(fd, b, 0, b.length, 0);
    const { header } = parseHeader(b.subarray(0, got), file);
    return unmark(header, (m) => {
      const shape = m.$mat ?? m.$mat32;
      return shape ? { rows: shape[0], cols: shape[1] } : { length: m.$f64 };
    });
  } finally {
    closeSync(fd);
  }
}

/** Inverse of `encodeCheckpoint`; `file` names the source in errors. */
export function decodeCheckpoint(buf: Uint8Array, file: string): unknown {
  const bad = (why: string): InputError => unusable(file, why);
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const parsed = parseHeader(b, file);
  const header = parsed.header;
  let off = parsed.dataStart;
  const take = (n: number, bytes: 4 | 8): Float64Array => {
    if (!Number.isInteger(n) || n < 0 || off + bytes * n > b.length) throw bad('the data is cut off');
    // copy: the file buffer's offset need not be aligned
    const raw = bytes === 8 ? new Float64Array(n) : new Float32Array(n);
    new Uint8Array(raw.buffer).set(b.subarray(off, off + bytes * n));
    off += bytes * n;
    return raw instanceof Float64Array ? raw : Float64Array.from(raw);
  };
  const value = unmark(header, (m) => {
    const shape = m.$mat ?? m.$mat32;
    return shape ? { rows: shape[0], cols: shape[1], data: take(shape[0] * shape[1], m.$mat ? 8 : 4) } : take(m.$f64 as number, 8);
  });
  if (off !== b.length) throw bad(`${b.length - off} bytes after the data`);
  return value;
}

/** Checkpoint file of fit `j` of a task (0 = the fit, or the selection candidates then the final fit). */
export const checkpointFile = (outdir: string, key: string, j: number): string => join(outdir, 'checkpoints', key, `fit${j}.ckpt`);
export const checkpointDir = (outdir: string, key: string): string => join(outdir, 'checkpoints', key);

/** A `FitCheckpoint` kept in `file`. */
export function fileCheckpoint(file: string, everySeconds: number): FitCheckpoint {
  return {
    everySeconds,
    load: () => (existsSync(file) ? decodeCheckpoint(readFileSync(file), file) : null),
    save: (state) => writeChunksAtomicSync(file, encodeCheckpoint(state)),
    where: file,
  };
}

/** Remove a task's checkpoints (after its record is written), and the checkpoints folder once it is empty. */
export function clearCheckpoints(outdir: string, key: string): void {
  // retried: a writer that just died may have left a temporary file appearing during the removal
  rmSync(checkpointDir(outdir, key), { recursive: true, force: true, maxRetries: 5 });
  try {
    rmdirSync(join(outdir, 'checkpoints'));
  } catch {
    // absent, or other tasks' checkpoints are still there
  }
}
