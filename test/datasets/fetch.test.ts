import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { yamanishiDir } from '../helpers/paths.ts';
import { fetchFiles, FetchError, checkName, type FetchFileSpec } from '../../src/datasets/fetch.ts';
import { digests, matchIntegrity } from '../../src/datasets/integrity.ts';
import { fetchDataset } from '../../src/datasets/index.ts';
import { InputError } from '../../src/core/errors.ts';
import { startServer, type TestServer } from './http-server.ts';

const NR = ['nr_admat_dgc.txt', 'nr_simmat_dc.txt', 'nr_simmat_dg.txt'];
const quick = { retries: 1, timeoutMs: 2000, backoffMs: 5 };

async function specFor(name: string, urls: string[], bundled?: string): Promise<FetchFileSpec> {
  const d = digests(await readFile(join(yamanishiDir, name)));
  return { name, urls, integrity: [{ label: 'verbatim', sha256: d.sha256, gitBlobSha1: d.gitBlobSha1, bytes: d.bytes }], bundled };
}

const tmp = () => mkdtemp(join(tmpdir(), 'dti-fetch-'));

/** Every name in the cache dir: only final names, never temp files or bad bytes. */
async function listing(dir: string): Promise<string[]> {
  return existsSync(dir) ? (await readdir(dir)).sort() : [];
}

describe('fetchFiles against local HTTP servers', () => {
  let good: TestServer, bad: TestServer, hang: TestServer, missing: TestServer, flaky: TestServer, other: TestServer;
  let stall: TestServer, pad: TestServer;
  const saved = process.env.DTI_MIRROR;
  before(async () => {
    delete process.env.DTI_MIRROR;
    good = await startServer(yamanishiDir, { kind: 'static' });
    other = await startServer(yamanishiDir, { kind: 'static' });
    bad = await startServer(yamanishiDir, { kind: 'corrupt' });
    hang = await startServer(yamanishiDir, { kind: 'hang' });
    missing = await startServer(yamanishiDir, { kind: 'status', status: 404 });
    flaky = await startServer(yamanishiDir, { kind: 'flaky', failures: 2, status: 503 });
    stall = await startServer(yamanishiDir, { kind: 'stall' });
    pad = await startServer(yamanishiDir, { kind: 'pad', extra: 100_000 });
  });
  after(async () => {
    if (saved !== undefined) process.env.DTI_MIRROR = saved;
    await Promise.all([good, other, bad, hang, missing, flaky, stall, pad].map((s) => s.close()));
  });

  test('downloads, verifies, caches; a second fetch downloads nothing', async () => {
    const cacheDir = await tmp();
    const specs = await Promise.all(NR.map((n) => specFor(n, [`${good.url}/${n}`])));
    const r1 = await fetchFiles(specs, { cacheDir, ...quick });
    assert.deepEqual(r1.map((f) => f.source), ['url', 'url', 'url']);
    assert.ok(r1.every((f) => f.stored && f.integrity.name === 'verbatim'));
    assert.deepEqual(r1[0].integrity.checked, ['sha256', 'gitBlobSha1', 'bytes']);
    for (const n of NR) assert.deepEqual(await readFile(join(cacheDir, n)), await readFile(join(yamanishiDir, n)));
    assert.equal(good.total(), 3);
    const r2 = await fetchFiles(specs, { cacheDir, ...quick });
    assert.deepEqual(r2.map((f) => f.source), ['cache', 'cache', 'cache']);
    assert.ok(r2.every((f) => !f.stored));
    assert.equal(good.total(), 3, 'second fetch must not download');
    assert.deepEqual(await listing(cacheDir), [...NR].sort());
    await rm(cacheDir, { recursive: true });
  });

  test('options given as undefined keep their defaults (no "no data for undefined ms")', async () => {
    const cacheDir = await tmp();
    const [r] = await fetchFiles([await specFor(NR[0], [`${good.url}/${NR[0]}`])], {
      cacheDir,
      retries: undefined,
      timeoutMs: undefined,
      backoffMs: undefined,
    });
    assert.equal(r.source, 'url');
  });

  test('a corrupted copy is rejected and the next source serves the file', async () => {
    const cacheDir = await tmp();
    const n = NR[0];
    const [r] = await fetchFiles([await specFor(n, [`${bad.url}/${n}`, `${good.url}/${n}`])], { cacheDir, ...quick });
    assert.equal(r.location, `${good.url}/${n}`);
    assert.equal(r.attempts[0].ok, false);
    assert.match(r.attempts[0].error ?? '', /checksum mismatch/);
    assert.equal(bad.hits.get(`/${n}`), 1, 'a checksum mismatch is not retried');
    assert.deepEqual(await readFile(join(cacheDir, n)), await readFile(join(yamanishiDir, n)));
    await rm(cacheDir, { recursive: true });
  });

  test('only corrupted copies: error, and no file under the final name', async () => {
    const cacheDir = await tmp();
    const n = NR[1];
    await assert.rejects(
      fetchFiles([await specFor(n, [`${bad.url}/${n}`])], { cacheDir, ...quick }),
      (e: unknown) => e instanceof FetchError && /checksum mismatch/.test(e.message) && e.message.includes(n),
    );
    assert.deepEqual(await listing(cacheDir), []);
    await rm(cacheDir, { recursive: true });
  });

  test('a server that times out is retried, then the next mirror serves; its host is skipped for later files', async () => {
    const cacheDir = await tmp();
    const specs = await Promise.all(NR.slice(0, 2).map((n) => specFor(n, [`${hang.url}/${n}`, `${good.url}/${n}`])));
    const before = good.total();
    const r = await fetchFiles(specs, { cacheDir, retries: 1, timeoutMs: 1000, backoffMs: 5, concurrency: 1 });
    assert.equal(r[0].source, 'url');
    assert.equal(r[0].location, `${good.url}/${NR[0]}`);
    assert.match(r[0].attempts[0].error ?? '', /timed out/);
    assert.equal(r[0].attempts[0].requests, 2);
    assert.match(r[1].attempts[0].error ?? '', /skipped: host .* unreachable/);
    assert.equal(hang.hits.get(`/${NR[1]}`) ?? 0, 0);
    assert.equal(good.total() - before, 2);
    await rm(cacheDir, { recursive: true });
  });

  test('a body that stalls half-way times out; nothing is kept', async () => {
    const cacheDir = await tmp();
    const n = NR[1];
    await assert.rejects(
      fetchFiles([await specFor(n, [`${stall.url}/${n}`])], { cacheDir, retries: 1, timeoutMs: 300, backoffMs: 5 }),
      (e: unknown) => e instanceof FetchError && /timed out: no data for 300 ms/.test(e.message) && e.attempts[0].requests === 2,
    );
    assert.deepEqual(await listing(cacheDir), []);
    await rm(cacheDir, { recursive: true });
  });

  test('an answer larger than every accepted size is cut off, not retried; the next source serves', async () => {
    const cacheDir = await tmp();
    const n = NR[0];
    const [r] = await fetchFiles([await specFor(n, [`${pad.url}/${n}`, `${good.url}/${n}`])], { cacheDir, ...quick });
    assert.match(r.attempts[0].error ?? '', /exceeds the expected size \(3393 bytes\)/);
    assert.equal(r.attempts[0].requests, 1);
    assert.equal(r.location, `${good.url}/${n}`);
    await rm(cacheDir, { recursive: true });
  });

  test('404 is not retried; the next mirror succeeds', async () => {
    const cacheDir = await tmp();
    const n = NR[2];
    const [r] = await fetchFiles([await specFor(n, [`${missing.url}/${n}`, `${other.url}/${n}`])], { cacheDir, retries: 3, timeoutMs: 2000, backoffMs: 5 });
    assert.equal(r.location, `${other.url}/${n}`);
    assert.equal(r.attempts[0].error, 'HTTP 404');
    assert.equal(r.attempts[0].requests, 1);
    await rm(cacheDir, { recursive: true });
  });

  test('transient 503s are retried with backoff', async () => {
    const cacheDir = await tmp();
    const n = NR[0];
    const [r] = await fetchFiles([await specFor(n, [`${flaky.url}/${n}`])], { cacheDir, retries: 3, timeoutMs: 2000, backoffMs: 5 });
    assert.equal(r.source, 'url');
    assert.equal(r.attempts.at(-1)?.requests, 3);
    await assert.rejects(
      fetchFiles([await specFor(NR[1], [`${flaky.url}/${NR[1]}`])], { cacheDir, retries: 1, timeoutMs: 2000, backoffMs: 5 }),
      /HTTP 503/,
    );
    await rm(cacheDir, { recursive: true });
  });

  test('the mirror (URL, directory, or DTI_MIRROR) comes before the source URLs', async () => {
    const specs = await Promise.all(NR.map((n) => specFor(n, [`${other.url}/${n}`])));
    const start = other.total();
    const c1 = await tmp();
    const r1 = await fetchFiles(specs, { cacheDir: c1, mirror: good.url + '/', ...quick });
    assert.deepEqual(r1.map((f) => f.source), ['mirror', 'mirror', 'mirror']);
    const c2 = await tmp();
    const r2 = await fetchFiles(specs, { cacheDir: c2, mirror: yamanishiDir, offline: true, ...quick });
    assert.deepEqual(r2.map((f) => f.location), NR.map((n) => join(yamanishiDir, n)));
    const c3 = await tmp();
    process.env.DTI_MIRROR = good.url;
    try {
      const r3 = await fetchFiles(specs, { cacheDir: c3, ...quick });
      assert.deepEqual(r3.map((f) => f.source), ['mirror', 'mirror', 'mirror']);
    } finally {
      delete process.env.DTI_MIRROR;
    }
    assert.equal(other.total(), start, 'source URLs untouched when the mirror serves');
    await Promise.all([c1, c2, c3].map((d) => rm(d, { recursive: true })));
  });

  test('a mirror directory that does not exist is an error before anything is fetched', async () => {
    const cacheDir = await tmp();
    await assert.rejects(
      fetchFiles([await specFor(NR[0], [`${good.url}/${NR[0]}`])], { cacheDir, mirror: join(cacheDir, 'nope'), ...quick }),
      (e: unknown) => e instanceof InputError && /mirror directory .*nope not found/.test(e.message) && e.where.field === 'mirror',
    );
    assert.deepEqual(await listing(cacheDir), []);
    await rm(cacheDir, { recursive: true });
  });

  test('offline: no network at all; bundled copy is the last resort; nothing usable is an error', async () => {
    const cacheDir = await tmp();
    const start = good.total();
    const specs = await Promise.all(NR.map((n) => specFor(n, [`${good.url}/${n}`], join(yamanishiDir, n))));
    const r = await fetchFiles(specs, { cacheDir, offline: true, mirror: good.url, ...quick });
    assert.deepEqual(r.map((f) => f.source), ['bundled', 'bundled', 'bundled']);
    assert.equal(good.total(), start);
    const c2 = await tmp();
    await assert.rejects(
      fetchFiles([await specFor(NR[0], [`${good.url}/${NR[0]}`])], { cacheDir: c2, offline: true, ...quick }),
      (e: unknown) => e instanceof FetchError && /offline/.test(e.message),
    );
    assert.equal(good.total(), start);
    assert.deepEqual(await listing(c2), []);
    await Promise.all([cacheDir, c2].map((d) => rm(d, { recursive: true })));
  });

  test('a corrupted cache entry is deleted and fetched again', async () => {
    const cacheDir = await tmp();
    const n = NR[0];
    await writeFile(join(cacheDir, n), 'garbage');
    const [r] = await fetchFiles([await specFor(n, [`${good.url}/${n}`])], { cacheDir, ...quick });
    assert.equal(r.source, 'url');
    assert.match(r.attempts[0].error ?? '', /cached copy failed verification/);
    assert.deepEqual(await readFile(join(cacheDir, n)), await readFile(join(yamanishiDir, n)));
    await rm(cacheDir, { recursive: true });
  });

  test('fetchDataset uses the manifest: mirror server, then cache; report names source and integrity', async () => {
    const cacheDir = await tmp();
    const r = await fetchDataset('nr', { cacheDir, mirror: good.url, retries: 0, timeoutMs: 2000 });
    assert.equal(r.dataset, 'nr');
    assert.equal(r.cacheDir, join(cacheDir, 'yamanishi'));
    assert.deepEqual(r.files.map((f) => [f.name, f.source, f.integrity.name]), NR.map((n) => [n, 'mirror', 'verbatim']));
    const again = await fetchDataset('nr', { cacheDir, mirror: good.url });
    assert.deepEqual(again.files.map((f) => f.source), ['cache', 'cache', 'cache']);
    await rm(cacheDir, { recursive: true });
  });

  test('e_simmat_dg.txt: the reconstruction matches its own entry (and the Kyoto entry is the first listed)', async () => {
    const cacheDir = await tmp();
    const r = await fetchDataset('e', { cacheDir, offline: true });
    const dg = r.files.find((f) => f.name === 'e_simmat_dg.txt')!;
    assert.equal(dg.source, 'bundled');
    assert.equal(dg.integrity.name, 'reconstruction');
    assert.equal(dg.integrity.index, 1);
    assert.ok(r.files.filter((f) => f !== dg).every((f) => f.integrity.name === 'verbatim'));
    await rm(cacheDir, { recursive: true });
  });
});

describe('integrity and names', () => {
  test('any listed entry may match; every field it gives must match', () => {
    const a = digests(new TextEncoder().encode('one'));
    const b = digests(new TextEncoder().encode('two'));
    const list = [{ label: 'A', gitBlobSha1: a.gitBlobSha1 }, { label: 'B', sha256: b.sha256, bytes: b.bytes }];
    assert.equal(matchIntegrity(a, list)?.name, 'A');
    assert.equal(matchIntegrity(b, list)?.name, 'B');
    assert.equal(matchIntegrity(b, [{ sha256: b.sha256, bytes: 99 }]), null);
    assert.equal(matchIntegrity(digests(new Uint8Array([1])), list), null);
    // known value: git hash-object of an empty file
    assert.equal(digests(new Uint8Array()).gitBlobSha1, 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
  });

  test('cache names may not leave the cache directory', async () => {
    assert.throws(() => checkName('../x.txt'));
    assert.throws(() => checkName('/etc/passwd'));
    assert.throws(() => checkName('a/../../x'));
    checkName('sub/x.txt');
    const cacheDir = await tmp();
    await mkdir(join(cacheDir, 'c'));
    await assert.rejects(fetchFiles([{ name: '../evil', urls: [], integrity: [] }], { cacheDir: join(cacheDir, 'c') }), /bad file name/);
    assert.deepEqual(await listing(cacheDir), ['c']);
    await rm(cacheDir, { recursive: true });
  });
});

test('a cache that cannot be written is a clear error', async () => {
  const root = await tmp();
  await writeFile(join(root, 'file'), 'not a directory');
  const n = NR[0];
  await assert.rejects(
    fetchFiles([await specFor(n, [], join(yamanishiDir, n))], { cacheDir: join(root, 'file', 'cache'), offline: true }),
    (e: unknown) => e instanceof InputError && /cannot write to the dataset cache \(ENOTDIR\)/.test(e.message),
  );
  await rm(root, { recursive: true });
});
