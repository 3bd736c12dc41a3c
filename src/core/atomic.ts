/**
 * Atomic file writes: write to a temporary sibling, fsync, then rename over the final name.
 * A reader never sees a half-written file under the final name, and a crash leaves at most a `*.tmp-*` file
 * (ignored by every reader and by git).
 */
import { promises as fs, writeSync, renameSync, openSync, fsyncSync, closeSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pidAlive } from './pid.ts';

const tmpName = (path: string): string =>
  join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);

export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await fs.mkdir(dirname(path), { recursive: true });
  const tmp = tmpName(path);
  try {
    const fh = await fs.open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

/** Synchronous, for data in pieces (large binary files: no joined copy is made). */
export function writeChunksAtomicSync(path: string, chunks: readonly Uint8Array[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tmpName(path);
  try {
    const fd = openSync(tmp, 'w');
    try {
      for (const c of chunks) {
        for (let off = 0; off < c.byteLength; ) off += writeSync(fd, c, off, c.byteLength - off);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export const writeJsonAtomic = (path: string, value: unknown): Promise<void> =>
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');

const TEMP_SUFFIX = /\.tmp-(\d+)-[0-9a-f]+$/;

export const isTempName = (name: string): boolean => TEMP_SUFFIX.test(name);

/**
 * Remove temporary files left under `root` by writers that died (their pid no longer runs on this host).
 * Call it while holding the output-directory lock, so no live writer of this run is affected. Returns the removed
 * paths (relative to root).
 */
export async function sweepStaleTemps(root: string): Promise<string[]> {
  const { default: fg } = await import('fast-glob');
  const found = await fg('**/.*.tmp-*', { cwd: root, dot: true, onlyFiles: true, suppressErrors: true });
  const removed: string[] = [];
  for (const rel of found) {
    const m = TEMP_SUFFIX.exec(rel);
    if (!m || pidAlive(Number(m[1]))) continue;
    await fs.rm(join(root, rel), { force: true });
    removed.push(rel);
  }
  return removed.sort();
}
