import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, readdir, rm, mkdir, symlink, copyFile, chmod } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from '../../src/datasets/index.ts';
import { InputError, InputErrors } from '../../src/core/errors.ts';
import { repoRoot } from '../helpers/paths.ts';

const drugSim = '\ta\tb\tc\na\t1\t0.5\t0.2\nb\t0.4\t1\t0.3\nc\t0.2\t0.3\t1\n';
const targetSim = '\tx\ty\nx\t1\t0.7\ny\t0.7\t1\n';
const Ymat = '\tx\ty\na\t1\t0\nb\t0\t1\nc\t1\t1\n';

interface Case {
  name: string;
  /** file contents by name; defaults fill in the rest */
  files?: Record<string, string>;
  /** manifest object (or raw text); default points at Y.tsv, d.tsv, t.tsv */
  manifest?: Record<string, unknown> | string;
  /** the error must name this file (basename) ... */
  file: string;
  line?: number;
  column?: number;
  field?: string;
  /** ... and say this */
  says: RegExp;
}

const files = (over: Record<string, unknown> = {}) => ({
  interactions: { path: 'Y.tsv' },
  drugSimilarity: { path: 'd.tsv' },
  targetSimilarity: { path: 't.tsv' },
  ...over,
});
const M = (over: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({ name: 'bad', kind: 'user', files: files(over), ...top });

const CASES: Case[] = [
  { name: 'ragged row', files: { 'Y.tsv': '\tx\ty\na\t1\t0\nb\t0\nc\t1\t1\n' }, file: 'Y.tsv', line: 3, column: 3, says: /ragged row: 2 fields, expected 3/ },
  { name: 'row longer than the header', files: { 'Y.tsv': '\tx\ty\na\t1\t0\t1\nb\t0\t1\nc\t1\t1\n' }, file: 'Y.tsv', line: 2, column: 4, says: /ragged row: 4 fields, expected 3/ },
  { name: 'NaN cell', files: { 'd.tsv': drugSim.replace('0.3\t1\n', 'NaN\t1\n') }, file: 'd.tsv', line: 4, column: 3, says: /'NaN' is not a finite number/ },
  { name: 'Infinity cell', files: { 't.tsv': targetSim.replace('x\t1\t0.7', 'x\t1\tInfinity') }, file: 't.tsv', line: 2, column: 3, says: /not a finite number/ },
  { name: 'non-numeric cell', files: { 'Y.tsv': Ymat.replace('b\t0\t1', 'b\tyes\t1') }, file: 'Y.tsv', line: 3, column: 2, says: /'yes' is not a number/ },
  { name: 'empty cell', files: { 'Y.tsv': Ymat.replace('b\t0\t1', 'b\t\t1') }, file: 'Y.tsv', line: 3, column: 2, says: /empty cell/ },
  { name: 'duplicate row ID', files: { 'Y.tsv': '\tx\ty\na\t1\t0\nb\t0\t1\na\t1\t1\n' }, file: 'Y.tsv', line: 4, column: 1, says: /duplicate row ID 'a' \(also on line 2\)/ },
  { name: 'duplicate column ID', files: { 't.tsv': '\tx\tx\nx\t1\t0.7\ny\t0.7\t1\n' }, file: 't.tsv', line: 1, column: 3, says: /duplicate column ID 'x'/ },
  { name: 'drug in interactions missing from drug similarity', files: { 'Y.tsv': Ymat.replace('\nc\t', '\nq\t') }, file: 'Y.tsv', line: 4, column: 1, says: /drug 'q' has no row in the drug similarity file .*d\.tsv/ },
  { name: 'target in similarity missing from interactions (targets x drugs)', files: { 'Y.tsv': '\ta\tb\tc\nx\t1\t0\t1\n', 't.tsv': targetSim }, manifest: M({ interactions: { path: 'Y.tsv', orientation: 'targets-x-drugs' } }), file: 't.tsv', line: 3, column: 1, says: /target 'y' does not appear in the interaction file/ },
  { name: 'non-square similarity', files: { 't.tsv': '\tx\ty\nx\t1\t0.7\ny\t0.7\t1\nz\t0.1\t0.2\n' }, file: 't.tsv', says: /target similarity is not square: 3 rows x 2 columns/ },
  { name: 'similarity column ID not a row ID', files: { 't.tsv': '\tx\tz\nx\t1\t0.7\ny\t0.7\t1\n' }, file: 't.tsv', line: 1, column: 3, says: /column ID 'z' is not among the row IDs/ },
  { name: 'negative similarity', files: { 'd.tsv': drugSim.replace('0.5', '-0.5') }, file: 'd.tsv', line: 2, column: 3, says: /similarity -0.5 is outside the allowed range \[0, 1\]/ },
  { name: 'similarity above its declared range', files: { 't.tsv': targetSim.replace('0.7\t1\n', '1.7\t1\n') }, manifest: M({ targetSimilarity: { path: 't.tsv', range: [0, 1.5] } }), file: 't.tsv', line: 3, column: 2, says: /outside the allowed range \[0, 1.5\]/ },
  { name: 'non-binary label', files: { 'Y.tsv': Ymat.replace('c\t1\t1', 'c\t1\t0.5') }, file: 'Y.tsv', line: 4, column: 3, says: /label 0.5 is not binary/ },
  { name: 'empty file', files: { 'd.tsv': '' }, file: 'd.tsv', says: /file is empty/ },
  { name: 'header only', files: { 'd.tsv': '\ta\tb\tc\n' }, file: 'd.tsv', line: 1, says: /no data rows/ },
  { name: 'wrong delimiter (tab file read as comma)', manifest: M({ interactions: { path: 'Y.tsv', delimiter: 'comma' } }), file: 'Y.tsv', line: 1, says: /header has 1 field.*hint: the line contains tabs/ },
  { name: 'semicolon-separated file', files: { 'Y.tsv': ';x;y\na;1;0\nb;0;1\nc;1;1\n' }, file: 'Y.tsv', line: 1, says: /header has 1 field.*semicolons/ },
  { name: 'edge list naming an unknown drug', files: { 'e.tsv': 'a\tx\nzz\ty\n' }, manifest: M({ interactions: { path: 'e.tsv', format: 'edges' } }), file: 'e.tsv', line: 2, column: 1, says: /unknown drug 'zz'/ },
  { name: 'edge list naming an unknown target', files: { 'e.tsv': 'a\tx\nb\tq\n' }, manifest: M({ interactions: { path: 'e.tsv', format: 'edges' } }), file: 'e.tsv', line: 2, column: 2, says: /unknown target 'q'/ },
  { name: 'edge list non-binary label', files: { 'e.tsv': 'a\tx\t1\nb\ty\t2\n' }, manifest: M({ interactions: { path: 'e.tsv', format: 'edges' } }), file: 'e.tsv', line: 2, column: 3, says: /label 2 is not binary/ },
  { name: 'edge list duplicate pair', files: { 'e.tsv': 'a\tx\nb\ty\na\tx\n' }, manifest: M({ interactions: { path: 'e.tsv', format: 'edges' } }), file: 'e.tsv', line: 3, says: /duplicate pair a - x \(also on line 1\)/ },
  { name: 'edge list with an unflagged header line', files: { 'e.tsv': 'drug\ttarget\na\tx\n' }, manifest: M({ interactions: { path: 'e.tsv', format: 'edges' } }), file: 'e.tsv', line: 1, column: 1, says: /unknown drug 'drug'.*set "header": true/ },
  { name: 'unclosed quote', files: { 'd.tsv': drugSim.replace('\nb\t', '\n"b\t') }, file: 'd.tsv', says: /cannot parse: Quote Not Closed/ },
  { name: 'download URLs in a user manifest', manifest: M({ interactions: { path: 'Y.tsv', urls: ['https://example.org/Y.tsv'] } }), file: 'm.json', field: 'files.interactions.urls', says: /is not allowed here.*only for kind 'published'/ },
  { name: 'edge list with one field per line', files: { 'e.tsv': 'a x\nb y\n' }, manifest: M({ interactions: { path: 'e.tsv', format: 'edges' } }), file: 'e.tsv', line: 1, column: 2, says: /expected 2 or 3 fields/ },
  { name: 'manifest with an unknown key', manifest: M({}, { colour: 'red' }), file: 'm.json', field: 'colour', says: /unknown key 'colour'/ },
  { name: 'manifest with an unknown file key', manifest: M({ interactions: { path: 'Y.tsv', orientaton: 'targets-x-drugs' } }), file: 'm.json', field: 'files.interactions.orientaton', says: /unknown key 'orientaton'/ },
  { name: 'manifest with a wrong type', manifest: M({ targetSimilarity: { path: 't.tsv', range: '0-1' } }), file: 'm.json', field: 'files.targetSimilarity.range', says: /must be array/ },
  { name: 'manifest with a bad enum value', manifest: M({ interactions: { path: 'Y.tsv', format: 'sparse' } }), file: 'm.json', field: 'files.interactions.format', says: /must be one of "matrix", "edges"/ },
  { name: 'manifest missing a file role', manifest: { name: 'bad', kind: 'user', files: { interactions: { path: 'Y.tsv' }, drugSimilarity: { path: 'd.tsv' } } }, file: 'm.json', field: 'files.targetSimilarity', says: /is required/ },
  { name: 'manifest that is not valid JSON', manifest: '{"name": "bad",\n  "kind": "user",\n}', file: 'm.json', line: 3, says: /invalid JSON/ },
  { name: 'published manifest without integrity', manifest: { name: 'bad', kind: 'published', files: files() }, file: 'm.json', field: 'files.interactions.integrity', says: /is required/ },
  { name: 'manifest path escaping its directory', manifest: M({ drugSimilarity: { path: '../d.tsv' } }), file: 'm.json', field: 'files.drugSimilarity.path', says: /leaves the manifest's directory/ },
  { name: 'manifest with an absolute path', manifest: M({ targetSimilarity: { path: '/etc/hosts' } }), file: 'm.json', field: 'files.targetSimilarity.path', says: /leaves the manifest's directory/ },
  { name: 'missing data file', manifest: M({ targetSimilarity: { path: 'nothere.tsv' } }), file: 'm.json', field: 'files.targetSimilarity.path', says: /file not found/ },
  { name: 'integrity mismatch of a user file', manifest: M({ interactions: { path: 'Y.tsv', integrity: [{ sha256: '0'.repeat(64) }] } }), file: 'Y.tsv', says: /checksum mismatch/ },
];

async function run(c: Case): Promise<{ dir: string; err: unknown; before: string[] }> {
  const root = await mkdtemp(join(tmpdir(), 'dti-bad-'));
  const dir = join(root, 'data');
  await mkdir(dir);
  const all = { 'Y.tsv': Ymat, 'd.tsv': drugSim, 't.tsv': targetSim, ...c.files };
  for (const [n, t] of Object.entries(all)) await writeFile(join(dir, n), t);
  await writeFile(join(root, 'd.tsv'), drugSim); // target of the escaping path: exists, must still be refused
  const m = c.manifest ?? M();
  await writeFile(join(dir, 'm.json'), typeof m === 'string' ? m : JSON.stringify(m, null, 2));
  const before = (await readdir(dir)).sort();
  let err: unknown;
  try {
    await loadDataset(join(dir, 'm.json'), { cacheDir: join(root, 'cache'), offline: true });
  } catch (e) {
    err = e;
  }
  return { dir, err, before };
}

describe(`bad inputs (${CASES.length} cases): clear error naming the file, no output left behind`, () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const { dir, err, before } = await run(c);
      try {
        assert.ok(err, 'must throw');
        assert.ok(err instanceof InputError || err instanceof InputErrors, `user error expected, got ${String(err)}`);
        const msg = (err as Error).message;
        assert.match(msg, c.says);
        assert.ok(msg.includes(c.file), `message names ${c.file}: ${msg}`);
        const errs = err instanceof InputErrors ? err.errors : [err as InputError];
        const hit = errs.find((e) => c.says.test(e.message) && (c.field === undefined || e.where.field === c.field)) ?? errs[0];
        if (c.line !== undefined) assert.equal(hit.where.line, c.line, msg);
        if (c.column !== undefined) assert.equal(hit.where.column, c.column, msg);
        if (c.field !== undefined) assert.equal(hit.where.field, c.field, msg);
        assert.deepEqual((await readdir(dir)).sort(), before, 'no file added or removed');
        assert.ok(!existsSync(join(dir, '..', 'cache')), 'nothing cached');
      } finally {
        await rm(join(dir, '..'), { recursive: true });
      }
    });
  }

  test('a symbolic link that leaves the manifest directory is refused', async () => {
    const root = await mkdtemp(join(tmpdir(), 'dti-bad-'));
    const dir = join(root, 'data');
    await mkdir(dir);
    await writeFile(join(root, 'secret.tsv'), drugSim);
    await symlink(join(root, 'secret.tsv'), join(dir, 'd.tsv'));
    await writeFile(join(dir, 'Y.tsv'), Ymat);
    await writeFile(join(dir, 't.tsv'), targetSim);
    await writeFile(join(dir, 'm.json'), JSON.stringify(M()));
    await assert.rejects(loadDataset(join(dir, 'm.json')), (e: unknown) => e instanceof InputError && /symbolic link/.test(e.message) && e.where.field === 'files.drugSimilarity.path');
    await rm(root, { recursive: true });
  });

  test('published manifest whose only copy is corrupt (offline): error, cache keeps no bad bytes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'dti-bad-'));
    const dir = join(root, 'yam');
    await mkdir(dir);
    for (const f of ['nr_admat_dgc.txt', 'nr_simmat_dc.txt', 'nr_simmat_dg.txt', 'nr.json']) {
      await copyFile(join(repoRoot, 'datasets/yamanishi', f), join(dir, f));
      await chmod(join(dir, f), 0o644);
    }
    await writeFile(join(dir, 'nr_simmat_dc.txt'), drugSim);
    await assert.rejects(loadDataset(join(dir, 'nr.json'), { cacheDir: join(root, 'cache'), offline: true }), /nr_simmat_dc.txt.*checksum mismatch/s);
    assert.deepEqual((await readdir(join(root, 'cache', 'yamanishi'))).sort(), ['nr_admat_dgc.txt', 'nr_simmat_dg.txt']);
    await rm(root, { recursive: true });
  });
});
