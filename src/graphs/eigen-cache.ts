/**
 * On-disk cache of eigenbases, keyed by a content hash of (Laplacian bytes, k, engine name).
 *
 * File `<dir>/eig-<key>.bin`: the 8 bytes `DTIEIG1\n`, a uint32 LE header length h, h bytes of JSON header
 * `{key, n, k, engine, backend, payloadSha256}`, zero padding to a multiple of 8, then the payload: k eigenvalues
 * followed by the n x k row-major eigenvector matrix, float64 little-endian. Files are written atomically
 * (temp + fsync + rename), so an interrupted run leaves no half file under the final name. On read every field,
 * the length and the payload hash are checked; a file that fails any check is reported and recomputed, never used.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '../core/hash.ts';
import { writeFileAtomic } from '../core/atomic.ts';
import { mat, type Mat } from '../core/matrix.ts';
import type { Eigen } from '../engine/types.ts';

const MAGIC = 'DTIEIG1\n';
// v2: repeated eigenvalues' eigenvectors in their canonical basis (canonical.ts); v1 files hold a solver's own
const FORMAT = 'dti-eigen-cache-v2';

export function eigenCacheKey(l: Mat, k: number | undefined, engineName: string): string {
  const kk = k === undefined || k >= l.rows ? l.rows : k;
  return sha256(`${FORMAT}\n${engineName}\n${l.rows}x${l.cols}\nk=${kk}\n`, l.data);
}

export const eigenCachePath = (dir: string, key: string): string => join(dir, `eig-${key}.bin`);

interface Header {
  key: string;
  n: number;
  k: number;
  engine: string;
  backend?: string;
  payloadSha256: string;
}

export function encodeEigen(e: Eigen, key: string, engine: string, backend?: string): Uint8Array {
  const n = e.vectors.rows;
  const k = e.values.length;
  if (e.vectors.cols !== k) throw new RangeError(`eigenvectors are ${n} x ${e.vectors.cols}, expected ${k} columns`);
  const payload = new Float64Array(k + n * k);
  payload.set(e.values, 0);
  payload.set(e.vectors.data, k);
  const pbytes = new Uint8Array(payload.buffer);
  const header: Header = { key, n, k, engine, backend, payloadSha256: sha256(pbytes) };
  const hbytes = new TextEncoder().encode(JSON.stringify(header));
  const pre = 8 + 4 + hbytes.length;
  const pad = (8 - (pre % 8)) % 8;
  const out = new Uint8Array(pre + pad + pbytes.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, hbytes.length, true);
  out.set(hbytes, 12);
  out.set(pbytes, pre + pad);
  return out;
}

/** Decode and verify; returns the eigenbasis or a reason why the bytes cannot be trusted. */
export function decodeEigen(buf: Uint8Array, expectKey: string): Eigen | { invalid: string } {
  if (buf.length < 12) return { invalid: `file too short (${buf.length} bytes)` };
  if (new TextDecoder().decode(buf.subarray(0, 8)) !== MAGIC) return { invalid: 'bad magic bytes' };
  const hlen = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(8, true);
  if (12 + hlen > buf.length) return { invalid: 'truncated header' };
  let h: Header;
  try {
    h = JSON.parse(new TextDecoder().decode(buf.subarray(12, 12 + hlen))) as Header;
  } catch {
    return { invalid: 'unreadable header' };
  }
  if (h.key !== expectKey) return { invalid: 'key mismatch' };
  if (!Number.isInteger(h.n) || !Number.isInteger(h.k) || h.n < 0 || h.k < 0 || h.k > h.n) {
    return { invalid: 'bad shape in header' };
  }
  const pre = 12 + hlen;
  const start = pre + ((8 - (pre % 8)) % 8);
  const bytes = 8 * (h.k + h.n * h.k);
  if (buf.length !== start + bytes) return { invalid: `payload is ${buf.length - start} bytes, expected ${bytes}` };
  const pbytes = new Uint8Array(buf.subarray(start, start + bytes)); // a copy (Buffer.slice is a view), aligned
  if (sha256(pbytes) !== h.payloadSha256) return { invalid: 'payload checksum mismatch' };
  const payload = new Float64Array(pbytes.buffer, 0, h.k + h.n * h.k);
  return { values: payload.slice(0, h.k), vectors: mat(h.n, h.k, payload.subarray(h.k)) };
}

export interface EigenCacheEvents {
  /** called when a cache file exists but fails verification (it is then recomputed and overwritten) */
  onInvalid?: (path: string, reason: string) => void;
}

export async function readEigenCache(
  dir: string,
  key: string,
  events: EigenCacheEvents = {},
): Promise<Eigen | null> {
  const path = eigenCachePath(dir, key);
  let buf: Uint8Array;
  try {
    buf = await fs.readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const r = decodeEigen(buf, key);
  if ('invalid' in r) {
    events.onInvalid?.(path, r.invalid);
    return null;
  }
  return r;
}

export async function writeEigenCache(
  dir: string,
  key: string,
  e: Eigen,
  engine: string,
  backend?: string,
): Promise<string> {
  const path = eigenCachePath(dir, key);
  await writeFileAtomic(path, encodeEigen(e, key, engine, backend));
  return path;
}

/**
 * Deterministic signs: each eigenvector is flipped so that its entry of largest magnitude is positive; where
 * several entries tie in magnitude (within `tieTol`, relative: a vector like (-1, 0, 1) / sqrt 2, whose tie
 * rounding would break either way), the first of them. Returns a new Eigen.
 */
export function fixSigns(e: Eigen, tieTol = 1e-8): Eigen {
  const { rows: n, cols: k } = e.vectors;
  const v = e.vectors.data.slice();
  for (let c = 0; c < k; c++) {
    let best = 0;
    for (let i = 0; i < n; i++) best = Math.max(best, Math.abs(v[i * k + c]));
    let bi = 0;
    while (bi < n - 1 && Math.abs(v[bi * k + c]) < best * (1 - tieTol)) bi++;
    if (v[bi * k + c] < 0) for (let i = 0; i < n; i++) v[i * k + c] = -v[i * k + c];
  }
  return { values: e.values.slice(), vectors: { rows: n, cols: k, data: v } };
}
