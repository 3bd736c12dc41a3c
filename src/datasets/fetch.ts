/**
 * Generic verified download into a cache directory.
 *
 * For each file the sources are tried in this order, and the first copy whose bytes match one of the accepted
 * integrity entries wins:
 *   1. the cache (`cacheDir/name`), if present and verified (nothing is downloaded);
 *   2. the user mirror (`mirror` option, else env `DTI_MIRROR`): a directory, or an http(s) base URL;
 *   3. each source URL in order (HTTP(S), per-request timeout, retries with exponential backoff);
 *   4. the bundled copy (`bundled`), a local last resort.
 * `offline` skips every network source (URLs and an http mirror). Bytes are hashed in memory and written with an
 * atomic rename only after they verified, so a file that fails its checksum never appears under the final name.
 * A cached file that fails verification is deleted and fetched again. When no source verifies, a `FetchError`
 * lists every attempt and why it failed.
 */
import { promises as fs } from 'node:fs';
import { isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../core/atomic.ts';
import { InputError } from '../core/errors.ts';
import { digests, matchIntegrity, checkIntegrityEntries, type Digests, type IntegrityEntry, type IntegrityMatch } from './integrity.ts';

export type { IntegrityEntry, IntegrityMatch, Digests } from './integrity.ts';

export interface FetchFileSpec {
  /** name under the cache directory and on mirrors; relative, '/'-separated, no '..' */
  name: string;
  /** source URLs, tried in order */
  urls: string[];
  /** accepted versions of the file; an empty list accepts any bytes (reported as unverified) */
  integrity: IntegrityEntry[];
  /** absolute path of a local copy used as the last resort */
  bundled?: string;
}

export interface FetchOptions {
  cacheDir: string;
  /** directory or http(s) base URL holding the files under their `name`; defaults to env DTI_MIRROR */
  mirror?: string;
  /** use only the cache, a mirror directory and bundled copies */
  offline?: boolean;
  /** extra attempts per URL after the first (default 3) */
  retries?: number;
  /** per-request idle timeout, ms: longest wait for the answer to start or for the next chunk (default 60000) */
  timeoutMs?: number;
  /** refuse answers larger than this when the integrity entries give no sizes (default 4 GiB) */
  maxBytes?: number;
  /** first backoff delay, doubled after each failed attempt (default 500 ms) */
  backoffMs?: number;
  /** files fetched at once (default 3) */
  concurrency?: number;
  /** progress messages */
  log?: (message: string) => void;
}

/** 'local': a user dataset's own file, read in place */
export type SourceKind = 'cache' | 'mirror' | 'url' | 'bundled' | 'local';

export interface FetchAttempt {
  source: SourceKind;
  location: string;
  ok: boolean;
  /** HTTP requests made (0 for local sources) */
  requests: number;
  error?: string;
}

/** Where one file came from and how it was verified: enough for a provenance record. */
export interface FileFetchReport {
  name: string;
  /** absolute path of the verified file in the cache */
  path: string;
  source: SourceKind;
  /** URL or local path that served the bytes */
  location: string;
  /** true when bytes were copied into the cache in this call */
  stored: boolean;
  bytes: number;
  sha256: string;
  gitBlobSha1: string;
  /** accepted integrity entry that matched (index -1 / name "unverified" when none were given) */
  integrity: IntegrityMatch;
  attempts: FetchAttempt[];
}

/** Report of one dataset fetch. */
export interface FetchReport {
  dataset: string;
  cacheDir: string;
  offline: boolean;
  mirror?: string;
  files: FileFetchReport[];
}

/** No source gave a verified copy. A user-facing error: it lists every attempt and why it failed. */
export class FetchError extends InputError {
  readonly attempts: FetchAttempt[];
  constructor(file: string, attempts: FetchAttempt[], hint?: string) {
    const lines = attempts.map((a) => `\n  - ${a.source} ${a.location}: ${a.error ?? 'ok'}`).join('');
    super(`could not obtain a verified copy${lines ? ':' + lines + '\n' : ' (no source to try)'}`, {
      file,
      hint: hint ?? 'check the network, pass --mirror DIR|URL (or set DTI_MIRROR), or drop --offline',
    });
    this.name = 'FetchError';
    this.attempts = attempts;
  }
}

const isHttp = (s: string): boolean => /^https?:\/\//i.test(s);

/** Checks that a cache name is relative and stays inside the cache directory. */
export function checkName(name: string): void {
  const n = normalize(name);
  if (!name || isAbsolute(name) || n === '..' || n.startsWith('..' + sep) || n.split(/[\\/]/).includes('..')) {
    throw new Error(`bad file name ${JSON.stringify(name)}: must be relative without '..'`);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

class TooLargeError extends Error {}

/**
 * One GET. The request fails when the answer does not start, or its body stalls, for `timeoutMs`
 * (an idle timeout: a slow but steady download of a large file is not cut off), or when it exceeds `maxBytes`.
 */
async function httpGet(url: string, timeoutMs: number, maxBytes: number): Promise<Uint8Array> {
  const ctl = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => ctl.abort(), timeoutMs);
  };
  arm();
  try {
    const res = await fetch(url, { signal: ctl.signal, redirect: 'follow' });
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new HttpStatusError(res.status);
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      throw new TooLargeError(`answer of ${declared} bytes exceeds the expected size (${maxBytes} bytes)`);
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        arm();
        const { done, value } = await reader.read();
        if (done) break;
        total += value.byteLength;
        if (total > maxBytes) {
          await reader.cancel().catch(() => undefined);
          throw new TooLargeError(`answer exceeds the expected size (${maxBytes} bytes)`);
        }
        chunks.push(value);
      }
    }
    const out = new Uint8Array(total);
    let off = 0;
    for (const c of chunks) {
      out.set(c, off);
      off += c.byteLength;
    }
    return out;
  } catch (e) {
    if (ctl.signal.aborted) throw new Error(`timed out: no data for ${timeoutMs} ms`);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

function describe(e: unknown): string {
  if (e instanceof HttpStatusError) return e.message;
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const code = err?.cause?.code ?? err?.cause?.message;
  return code ? `${err.message} (${code})` : String(err?.message ?? e);
}

/** Permanent answers: retrying the same URL will not help. */
const permanent = (e: unknown): boolean =>
  e instanceof TooLargeError || (e instanceof HttpStatusError && e.status >= 400 && e.status < 500 && e.status !== 408 && e.status !== 429);

/** Failures that say the host cannot be reached at all (later files skip that host). */
const hostDown = (e: unknown): boolean => {
  if (e instanceof HttpStatusError) return false;
  const code = (e as { cause?: { code?: string } })?.cause?.code ?? '';
  return /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH/.test(code) || /timed out/.test(String((e as Error)?.message));
};

interface Ctx {
  opts: Required<Pick<FetchOptions, 'retries' | 'timeoutMs' | 'backoffMs'>> & FetchOptions;
  mirror?: string;
  deadHosts: Set<string>;
  log: (m: string) => void;
}

/** Verifies bytes; on success writes them atomically into the cache and builds the report. */
async function accept(
  spec: FetchFileSpec, data: Uint8Array, source: SourceKind, location: string, attempts: FetchAttempt[], requests: number,
  ctx: Ctx,
): Promise<FileFetchReport | null> {
  const d: Digests = digests(data);
  const m = matchIntegrity(d, spec.integrity);
  if (!m) {
    attempts.push({
      source, location, ok: false, requests,
      error: `checksum mismatch (${d.bytes} bytes, sha256 ${d.sha256}, git blob ${d.gitBlobSha1}); bytes discarded`,
    });
    ctx.log(`${spec.name}: checksum mismatch from ${location}, discarded`);
    return null;
  }
  const path = join(ctx.opts.cacheDir, spec.name);
  try {
    await writeFileAtomic(path, data);
  } catch (e) {
    throw new InputError(`cannot write to the dataset cache (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
      file: path, hint: 'point fetch.cacheDir (or env DTI_CACHE) at a writable directory',
    });
  }
  attempts.push({ source, location, ok: true, requests });
  ctx.log(`${spec.name}: ${d.bytes} bytes from ${source} ${location} (${m.name})`);
  return { name: spec.name, path, source, location, stored: true, ...d, integrity: m, attempts };
}

async function fromUrl(spec: FetchFileSpec, url: string, source: SourceKind, attempts: FetchAttempt[], ctx: Ctx) {
  let host: string;
  try {
    host = new URL(url).host;
  } catch {
    attempts.push({ source, location: url, ok: false, requests: 0, error: 'not a valid URL' });
    return null;
  }
  if (ctx.deadHosts.has(host)) {
    attempts.push({ source, location: url, ok: false, requests: 0, error: `skipped: host ${host} was unreachable earlier in this fetch` });
    return null;
  }
  const { retries, timeoutMs, backoffMs } = ctx.opts;
  const sizes = spec.integrity.map((e) => e.bytes);
  const maxBytes = sizes.length && sizes.every((b) => b !== undefined) ? Math.max(...(sizes as number[])) : ctx.opts.maxBytes ?? 2 ** 32;
  let requests = 0;
  let last: unknown;
  for (let k = 0; k <= retries; k++) {
    if (k > 0) await sleep(backoffMs * 2 ** (k - 1));
    requests++;
    try {
      const data = await httpGet(url, timeoutMs, maxBytes);
      // a checksum mismatch is an answer, not a transient failure: no retry of the same URL
      return await accept(spec, data, source, url, attempts, requests, ctx);
    } catch (e) {
      last = e;
      if (permanent(e)) break;
      ctx.log(`${spec.name}: ${url}: ${describe(e)}${k < retries ? ', retrying' : ''}`);
    }
  }
  if (hostDown(last)) ctx.deadHosts.add(host);
  attempts.push({ source, location: url, ok: false, requests, error: describe(last) });
  return null;
}

async function fromFile(spec: FetchFileSpec, path: string, source: SourceKind, attempts: FetchAttempt[], ctx: Ctx) {
  let data: Uint8Array;
  try {
    data = await fs.readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    attempts.push({ source, location: path, ok: false, requests: 0, error: code === 'ENOENT' ? 'not found' : describe(e) });
    return null;
  }
  return accept(spec, data, source, path, attempts, 0, ctx);
}

async function fetchOne(spec: FetchFileSpec, ctx: Ctx): Promise<FileFetchReport> {
  checkName(spec.name);
  checkIntegrityEntries(spec.integrity, spec.name);
  const attempts: FetchAttempt[] = [];
  const path = join(ctx.opts.cacheDir, spec.name);

  // 1. cache
  const cached = await fs.readFile(path).catch(() => null);
  if (cached) {
    const d = digests(cached);
    const m = matchIntegrity(d, spec.integrity);
    if (m) {
      attempts.push({ source: 'cache', location: path, ok: true, requests: 0 });
      return { name: spec.name, path, source: 'cache', location: path, stored: false, ...d, integrity: m, attempts };
    }
    await fs.rm(path, { force: true });
    attempts.push({
      source: 'cache', location: path, ok: false, requests: 0,
      error: `cached copy failed verification (sha256 ${d.sha256}); deleted`,
    });
    ctx.log(`${spec.name}: cached copy failed verification, deleted`);
  }

  // 2. mirror
  const mirror = ctx.mirror;
  if (mirror) {
    if (isHttp(mirror)) {
      if (!ctx.opts.offline) {
        const url = mirror.replace(/\/+$/, '') + '/' + spec.name.split(/[\\/]/).map(encodeURIComponent).join('/');
        const r = await fromUrl(spec, url, 'mirror', attempts, ctx);
        if (r) return r;
      }
    } else {
      const dir = mirror.startsWith('file://') ? fileURLToPath(mirror) : resolve(mirror);
      const r = await fromFile(spec, join(dir, spec.name), 'mirror', attempts, ctx);
      if (r) return r;
    }
  }

  // 3. source URLs
  if (!ctx.opts.offline) {
    for (const url of spec.urls) {
      const r = await fromUrl(spec, url, 'url', attempts, ctx);
      if (r) return r;
    }
  }

  // 4. bundled copy
  if (spec.bundled) {
    const r = await fromFile(spec, spec.bundled, 'bundled', attempts, ctx);
    if (r) return r;
  }
  throw new FetchError(spec.name, attempts, ctx.opts.offline ? 'offline: only the cache, a mirror directory and bundled copies were tried' : undefined);
}

/** Fetches every file (see the module comment for the order of sources); reports in the order given. */
export async function fetchFiles(files: readonly FetchFileSpec[], options: FetchOptions): Promise<FileFetchReport[]> {
  // explicit `undefined`s in `options` must not override the defaults
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as FetchOptions;
  const opts = { retries: 3, timeoutMs: 60_000, backoffMs: 500, ...given };
  if (!opts.cacheDir) throw new Error('fetchFiles: cacheDir is required');
  const mirror = opts.mirror ?? (process.env.DTI_MIRROR || undefined);
  if (mirror && !isHttp(mirror)) {
    const dir = mirror.startsWith('file://') ? fileURLToPath(mirror) : resolve(mirror);
    const st = await fs.stat(dir).catch(() => null);
    if (!st?.isDirectory()) {
      throw new InputError(`mirror directory ${dir} not found`, {
        field: opts.mirror !== undefined ? 'mirror' : 'DTI_MIRROR',
        hint: 'give an existing directory holding the files under their names, or an http(s) base URL',
      });
    }
  }
  const ctx: Ctx = { opts, mirror, deadHosts: new Set(), log: opts.log ?? (() => undefined) };
  const names = new Set<string>();
  for (const f of files) {
    if (names.has(f.name)) throw new Error(`fetchFiles: file ${f.name} listed twice`);
    names.add(f.name);
  }
  const out: FileFetchReport[] = new Array(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      out[i] = await fetchOne(files[i], ctx);
    }
  };
  const n = Math.max(1, Math.min(opts.concurrency ?? 3, files.length));
  const results = await Promise.allSettled(Array.from({ length: n }, worker));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return out;
}

/** The mirror actually used: the option, else env DTI_MIRROR. */
export const effectiveMirror = (mirror?: string): string | undefined => mirror ?? (process.env.DTI_MIRROR || undefined);
