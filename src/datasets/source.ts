/**
 * Fetching and loading a DTI dataset described by a manifest. Published datasets are fetched into the cache
 * (mirror, source URLs, bundled copy) and read from there; user datasets are read in place, their integrity
 * checked when the manifest gives it.
 */
import { promises as fs } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../core/errors.ts';
import { clone } from '../core/matrix.ts';
import { stableStringify } from '../core/hash.ts';
import type { DtiDataset } from './types.ts';
import type { DatasetOptions } from './registry.ts';
import { fetchFiles, effectiveMirror, type FetchReport, type FileFetchReport } from './fetch.ts';
import { digests, matchIntegrity } from './integrity.ts';
import { readManifest, repoDir, ROLES, type FileRole, type ResolvedManifest } from './manifest.ts';
import { buildDtiDataset } from './dti.ts';

/** Cache root: option, else env DTI_CACHE, else `<repo>/.cache/datasets`. */
export const cacheRoot = (opts: DatasetOptions = {}): string =>
  resolve(opts.cacheDir ?? (process.env.DTI_CACHE || join(repoDir, '.cache', 'datasets')));

async function checkLocal(r: ResolvedManifest, role: FileRole): Promise<FileFetchReport> {
  const path = r.paths[role];
  const spec = r.manifest.files[role];
  let data: Uint8Array;
  try {
    data = await fs.readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path} (${code})`, {
      file: r.file, field: `files.${role}.path`,
    });
  }
  const d = digests(data);
  const m = matchIntegrity(d, spec.integrity ?? []);
  if (!m) {
    throw new InputError(`checksum mismatch (sha256 ${d.sha256}, git blob ${d.gitBlobSha1}) against files.${role}.integrity`, {
      file: path, hint: `the manifest ${r.file} lists other checksums: the file changed, or the manifest is stale`,
    });
  }
  return {
    name: basename(path), path, source: 'local', location: path, stored: false, ...d, integrity: m,
    attempts: [{ source: 'local', location: path, ok: true, requests: 0 }],
  };
}

/** Fetches (published) or checks (user) the three files of a manifest; reports in the order of ROLES. */
export async function fetchManifest(r: ResolvedManifest, opts: DatasetOptions = {}): Promise<FetchReport> {
  const { manifest } = r;
  const mirror = effectiveMirror(opts.mirror);
  if (manifest.kind === 'user') {
    const files = [];
    for (const role of ROLES) files.push(await checkLocal(r, role));
    return { dataset: manifest.name, cacheDir: r.dir, offline: !!opts.offline, mirror, files };
  }
  const cacheDir = join(cacheRoot(opts), manifest.collection ?? manifest.name);
  const specs = ROLES.map((role) => ({
    name: basename(r.paths[role]),
    urls: manifest.files[role].urls ?? [],
    integrity: manifest.files[role].integrity ?? [],
    bundled: r.paths[role],
  }));
  const files = await fetchFiles(specs, {
    cacheDir, mirror, offline: opts.offline, timeoutMs: opts.timeoutMs, retries: opts.retries, log: opts.log,
  });
  return { dataset: manifest.name, cacheDir, offline: !!opts.offline, mirror, files };
}

/** Parsed datasets by content (manifest + file hashes): parsing `e` takes seconds, so do it once per process. */
const parsed = new Map<string, DtiDataset>();
const MEMO_SIZE = 8;

function copy(d: DtiDataset): DtiDataset {
  return {
    ...d, drugIds: d.drugIds.slice(), targetIds: d.targetIds.slice(), Y: clone(d.Y), drugSim: clone(d.drugSim),
    targetSim: clone(d.targetSim), checksums: { ...d.checksums }, notes: d.notes.slice(),
  };
}

/** Fetches, then parses and checks the three files into a drugs x targets dataset (a fresh copy each call). */
export async function loadManifest(r: ResolvedManifest, opts: DatasetOptions = {}): Promise<DtiDataset> {
  const report = await fetchManifest(r, opts);
  const key = stableStringify({ manifest: r.manifest, files: report.files.map((f) => [f.sha256, f.integrity.name]) });
  const hit = parsed.get(key);
  if (hit) return copy(hit);
  const texts = await Promise.all(report.files.map((f) => fs.readFile(f.path, 'utf8')));
  const f = r.manifest.files;
  const ds = buildDtiDataset({
    name: r.manifest.name,
    interactions: { ...f.interactions, file: report.files[0].path, text: texts[0], sha256: report.files[0].sha256 },
    drugSimilarity: { ...f.drugSimilarity, file: report.files[1].path, text: texts[1], sha256: report.files[1].sha256 },
    targetSimilarity: { ...f.targetSimilarity, file: report.files[2].path, text: texts[2], sha256: report.files[2].sha256 },
  });
  for (const file of report.files) {
    if (file.integrity.index < 0) ds.notes.push(`${file.name}: no integrity data, not verified`);
    else if (file.integrity.name !== 'verbatim') ds.notes.push(`${file.name}: matched integrity entry '${file.integrity.name}'`);
  }
  if (parsed.size >= MEMO_SIZE) parsed.delete(parsed.keys().next().value as string);
  parsed.set(key, ds);
  return copy(ds);
}

export const loadManifestFile = (path: string, opts?: DatasetOptions) => loadManifest(readManifest(path), opts);
export const fetchManifestFile = (path: string, opts?: DatasetOptions) => fetchManifest(readManifest(path), opts);
