/**
 * Fetching and loading recommender benchmarks from their manifests. Each file goes through the generic verified
 * fetch (cache, mirror, source URLs); files that come in an archive (the GroupLens zips) and are not found in the
 * cache or on the mirror are extracted from the archive, verified one by one against the manifest, and cached.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/atomic.ts';
import { InputError } from '../../core/errors.ts';
import type { RatingDataset } from '../types.ts';
import type { DatasetOptions } from '../registry.ts';
import { fetchFiles, effectiveMirror, FetchError, type FetchReport, type FileFetchReport } from '../fetch.ts';
import { cacheRoot } from '../source.ts';
import { digests, matchIntegrity } from '../integrity.ts';
import type { RecsysManifest } from './manifest.ts';
import { unzipMembers } from './unzip.ts';
import { loadMontiMat } from './monti.ts';
import { loadMl100k, loadMl1m } from './movielens-load.ts';

export const recsysCacheDir = (m: RecsysManifest, opts: DatasetOptions = {}): string => join(cacheRoot(opts), m.collection);

/** Fetches every file of a manifest into the cache; returns where each came from. */
export async function fetchRecsys(m: RecsysManifest, opts: DatasetOptions = {}): Promise<FetchReport> {
  const cacheDir = recsysCacheDir(m, opts);
  const mirror = effectiveMirror(opts.mirror);
  // fetchFiles keeps its defaults for options given as undefined
  const common = { cacheDir, mirror, offline: opts.offline, timeoutMs: opts.timeoutMs, retries: opts.retries, log: opts.log };
  const spec = (f: RecsysManifest['files'][number]) => ({ name: f.name, urls: f.urls ?? [], integrity: f.integrity });
  const reports = new Map<string, FileFetchReport>();
  const failed = new Map<string, FetchError>();
  // one file at a time through the generic fetch so that a missing archive member does not stop the others
  for (const f of m.files) {
    try {
      reports.set(f.name, (await fetchFiles([spec(f)], common))[0]);
    } catch (e) {
      if (!(e instanceof FetchError) || !f.archive) throw e;
      failed.set(f.name, e);
    }
  }
  const byArchive = new Map<string, RecsysManifest['files']>();
  for (const f of m.files) if (failed.has(f.name)) byArchive.set(f.archive!, [...(byArchive.get(f.archive!) ?? []), f]);
  for (const [archiveName, files] of byArchive) {
    const a = (m.archives ?? []).find((x) => x.name === archiveName)!;
    const [zipReport] = await fetchFiles([{ name: a.name, urls: a.urls, integrity: a.integrity }], common).catch((e: unknown) => {
      const first = failed.get(files[0].name)!;
      if (e instanceof FetchError) {
        throw new FetchError(files[0].name, [...first.attempts, ...e.attempts], `${files[0].name} was found neither in the cache/mirror nor in ${a.name}; check the network or pass --mirror`);
      }
      throw e;
    });
    const { readFile } = await import('node:fs/promises');
    const zip = new Uint8Array(await readFile(zipReport.path));
    const members = unzipMembers(zip, files.map((f) => f.name), zipReport.path);
    for (const f of files) {
      const data = members.get(f.name)!;
      const d = digests(data);
      const match = matchIntegrity(d, f.integrity);
      if (!match) {
        throw new InputError(`member ${f.name} fails verification (sha256 ${d.sha256}, git blob ${d.gitBlobSha1})`, {
          file: zipReport.path, hint: 'the archive differs from the version the manifest lists',
        });
      }
      const path = join(cacheDir, f.name);
      await writeFileAtomic(path, data);
      opts.log?.(`${f.name}: ${d.bytes} bytes extracted from ${a.name}`);
      reports.set(f.name, {
        name: f.name, path, source: zipReport.source, location: `${zipReport.location}#${f.name}`, stored: true, ...d, integrity: match,
        attempts: [...failed.get(f.name)!.attempts, ...zipReport.attempts],
      });
    }
  }
  return { dataset: m.name, cacheDir, offline: !!opts.offline, mirror, files: m.files.map((f) => reports.get(f.name)!) };
}

/** Fetches (if needed) and loads a recommender benchmark. */
export async function loadRecsys(m: RecsysManifest, opts: DatasetOptions = {}): Promise<RatingDataset> {
  const report = await fetchRecsys(m, opts);
  const path = (name: string): string => report.files.find((f) => f.name === name)!.path;
  const dirOf = (suffix: string): string => {
    const f = report.files.find((x) => x.name.endsWith('/' + suffix) || x.name === suffix);
    if (!f) throw new InputError(`manifest lists no file ${suffix}`, { field: 'files' });
    return f.path.slice(0, f.path.length - suffix.length - 1);
  };
  const L = m.loader;
  let d: RatingDataset;
  if (L.format === 'monti-mat') {
    d = await loadMontiMat(path(L.file), { name: m.name, rowGraph: L.rowGraph, colGraph: L.colGraph, trainMask: L.trainMask, testMask: L.testMask });
  } else if (L.format === 'movielens-100k') {
    d = await loadMl100k(dirOf('u.user'), { split: L.split ?? 'u1', k: L.k ?? 10, sigma: L.sigma ?? 1 });
  } else {
    d = await loadMl1m(dirOf('users.dat'), { seed: L.seed ?? 1234, testFraction: L.testFraction ?? 0.1, k: L.k ?? 10, sigma: L.sigma ?? 1 });
  }
  d.name = m.name;
  for (const f of report.files) if (f.integrity.index < 0) d.notes.push(`${f.name}: not verified (no checksum in the manifest)`);
  return d;
}
