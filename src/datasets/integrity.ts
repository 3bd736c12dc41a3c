/** Integrity of downloaded bytes: sha256 and git blob SHA-1, matched against a list of accepted entries. */
import { createHash } from 'node:crypto';

/** One accepted version of a file. Every field given must match; at least one of sha256 / gitBlobSha1. */
export interface IntegrityEntry {
  sha256?: string;
  /** git blob id: sha1 of `blob <size>\0` + bytes (what `git hash-object` prints) */
  gitBlobSha1?: string;
  bytes?: number;
  /** short name of this version, e.g. "verbatim", "kyoto-original", "reconstruction" */
  label?: string;
}

export interface Digests {
  bytes: number;
  sha256: string;
  gitBlobSha1: string;
}

export function digests(data: Uint8Array): Digests {
  const sha256 = createHash('sha256').update(data).digest('hex');
  const git = createHash('sha1').update(`blob ${data.byteLength}\0`).update(data).digest('hex');
  return { bytes: data.byteLength, sha256, gitBlobSha1: git };
}

/** Description of an entry for messages and reports: its label, else its first hash. */
export function entryName(e: IntegrityEntry, index: number): string {
  if (e.label) return e.label;
  if (e.sha256) return `sha256:${e.sha256.slice(0, 12)}`;
  if (e.gitBlobSha1) return `git-blob:${e.gitBlobSha1.slice(0, 12)}`;
  return `entry ${index}`;
}

export interface IntegrityMatch {
  /** index into the accepted list */
  index: number;
  name: string;
  /** which fields were compared, e.g. ['sha256', 'gitBlobSha1'] */
  checked: string[];
}

/**
 * The first entry whose given fields all equal the digests, or null. An empty list accepts anything
 * (returns a match with index -1 and no checked fields: callers report the file as unverified).
 */
export function matchIntegrity(d: Digests, accepted: readonly IntegrityEntry[]): IntegrityMatch | null {
  if (accepted.length === 0) return { index: -1, name: 'unverified', checked: [] };
  for (let i = 0; i < accepted.length; i++) {
    const e = accepted[i];
    const checked: string[] = [];
    let ok = true;
    if (e.sha256 !== undefined) {
      checked.push('sha256');
      ok &&= e.sha256.toLowerCase() === d.sha256;
    }
    if (e.gitBlobSha1 !== undefined) {
      checked.push('gitBlobSha1');
      ok &&= e.gitBlobSha1.toLowerCase() === d.gitBlobSha1;
    }
    if (e.bytes !== undefined) {
      checked.push('bytes');
      ok &&= e.bytes === d.bytes;
    }
    if (ok && checked.some((c) => c !== 'bytes')) return { index: i, name: entryName(e, i), checked };
  }
  return null;
}

/** Throws when an entry names no hash (a size alone proves nothing). */
export function checkIntegrityEntries(accepted: readonly IntegrityEntry[], what: string): void {
  accepted.forEach((e, i) => {
    if (!e.sha256 && !e.gitBlobSha1) throw new Error(`${what}: integrity entry ${i} names neither sha256 nor gitBlobSha1`);
    if (e.sha256 && !/^[0-9a-fA-F]{64}$/.test(e.sha256)) throw new Error(`${what}: integrity entry ${i}: sha256 must be 64 hex digits`);
    if (e.gitBlobSha1 && !/^[0-9a-fA-F]{40}$/.test(e.gitBlobSha1)) {
      throw new Error(`${what}: integrity entry ${i}: gitBlobSha1 must be 40 hex digits`);
    }
  });
}
