import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, configSchema, profileNames, readProfile } from '../../src/config/load.ts';
import { compileSchema } from '../../src/config/ajv.ts';
import { InputErrors, InputError } from '../../src/core/errors.ts';
import { tmp } from '../orchestration/helpers.ts';

const errorsOf = (f: () => unknown): InputError[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof InputErrors) return e.errors;
    if (e instanceof InputError) return [e];
    throw e;
  }
  assert.fail('expected a configuration error');
};

test('schema defaults fill an empty config; every field has a description', () => {
  const c = loadConfig({ cwd: '/tmp/x' });
  assert.deepEqual(c.datasets, ['nr', 'gpcr', 'ic', 'e']);
  assert.equal(c.protocol, 'leak-free');
  assert.equal(c.cv.repetitions, 5);
  assert.equal(c.cv.folds, 10);
  assert.equal(c.executor.name, 'local');
  assert.equal(c.executor.slurm.throttle, 50);
  assert.equal(c.resume, true);
  assert.equal(c.outdir, '/tmp/x/outputs/default');
  const missing: string[] = [];
  const walk = (s: Record<string, unknown>, path: string): void => {
    for (const [k, v] of Object.entries((s.properties as Record<string, Record<string, unknown>>) ?? {})) {
      if (typeof v.description !== 'string' || !v.description) missing.push(`${path}${k}`);
      walk(v, `${path}${k}.`);
    }
  };
  walk(configSchema(), '');
  assert.deepEqual(missing.filter((m) => !/^cv\.seeds\.CVS\d$/.test(m)), []);
});

test('profiles are valid configs; test, full and full-published have the agreed design', () => {
  assert.deepEqual(profileNames(), ['default', 'full', 'full-published', 'full-published-as-run', 'full-published-fast', 'synthetic-netflix', 'test']);
  const v = compileSchema(configSchema());
  for (const p of profileNames()) assert.ok(v(structuredClone(readProfile(p).value)), `${p}: ${JSON.stringify(v.errors)}`);
  const t = loadConfig({ profile: 'test' });
  assert.deepEqual(t.datasets, ['nr']);
  assert.equal(t.cv.repetitions, 1);
  const f = loadConfig({ profile: 'full' });
  assert.deepEqual([...f.datasets].sort(), ['e', 'gpcr', 'ic', 'nr']);
  assert.deepEqual(f.methods.map((m) => m.name).sort(), ['cmf', 'grmf', 'mgrnnm', 'sgmc']);
  assert.deepEqual([f.cv.repetitions, f.cv.folds], [5, 10]);
  assert.deepEqual(f.settings, ['CVS1', 'CVS2', 'CVS3']);
  // leak-free: every data-driven choice of SGMC, GRMF and CMF is made on an inner validation split
  assert.equal(f.protocol, 'leak-free');
  for (const name of ['sgmc', 'grmf', 'cmf']) assert.ok(f.methods.find((m) => m.name === name)?.select, `${name} selects`);
  const fp = loadConfig({ profile: 'full-published' });
  assert.equal(fp.protocol, 'published');
  assert.deepEqual([...fp.datasets].sort(), [...f.datasets].sort());
  assert.deepEqual([fp.cv.repetitions, fp.cv.folds, fp.settings], [5, 10, f.settings]);
  // the published driver's folds (MATLAB rng(seed); randperm with the reference seeds), under both protocols so
  // that they compare fold by fold
  assert.deepEqual([fp.cv.generator, fp.cv.seeds, f.cv.generator, f.cv.seeds], ['matlab', null, 'matlab', null]);
  assert.deepEqual(fp.methods.map((m) => [m.name, m.preset, m.select]), [
    ['sgmc', 'dti-published', null], ['mgrnnm', null, null], ['grmf', null, null], ['cmf', null, null],
  ]);
  // SGMC on a float32 engine (bench/results/dtype-speedup.md); MGRNNM, GRMF and CMF on the run's default (float64)
  assert.deepEqual(fp.methods.map((m) => m.dtype ?? null), ['float32', null, null, null]);
  // the published MGRNNM starts its X-steps from zero (no warm start carried in)
  assert.equal(fp.methods[1].params.start, undefined);
  // full-published-fast: the same run but MGRNNM warm-started (the other methods' tasks are identical)
  const ff = loadConfig({ profile: 'full-published-fast' });
  assert.equal(ff.protocol, 'published');
  assert.deepEqual([ff.datasets, ff.settings, ff.cv.repetitions, ff.cv.folds, ff.cv.generator], [fp.datasets, fp.settings, 5, 10, 'matlab']);
  assert.deepEqual(ff.methods[1].params, { start: 'warm' });
  for (const i of [0, 2, 3]) assert.deepEqual(ff.methods[i], fp.methods[i]);
  // full-published-as-run: the same run with the baselines as the SGMC authors' driver ran them (gpcr/e swapped)
  const fa = loadConfig({ profile: 'full-published-as-run' });
  assert.deepEqual([fa.protocol, fa.cv.generator, fa.datasets, fa.settings], ['published', 'matlab', fp.datasets, fp.settings]);
  assert.deepEqual(fa.methods[0], fp.methods[0]);
  assert.deepEqual(fa.methods.slice(1).map((m) => [m.name, m.preset]), [['mgrnnm', 'published-as-run'], ['grmf', 'published-as-run'], ['cmf', 'published-as-run']]);
});

test('synthetic-netflix profile: Table 1 column with the published numbers; SGMC as printed, converged, and selected on the 95/5 split', () => {
  const c = loadConfig({ profile: 'synthetic-netflix' });
  assert.deepEqual([c.datasets, c.protocol, c.report.published, c.cv.repetitions], [['synthetic-netflix'], 'leak-free', true, 5]);
  assert.deepEqual(c.methods.map((m) => [m.name, m.label, m.preset]), [
    ['sgmc', 'sgmc', 'table5'], ['sgmc', 'sgmc-converged', 'table5'], ['sgmc', 'sgmc-selected', 'table5'],
    ['dmf', 'dmf', 'table5'], ['fm', 'fm', 'table5'], ['mean', 'mean', null], ['bias', 'bias', null],
  ]);
  const sel = c.methods[2].select!;
  // the paper's 95/5 split, RMSE; Table 5's own setting (q' = 20, mu = 0.001) is one of the candidates
  assert.deepEqual([sel.metric, sel.fraction], ['rmse', 0.05]);
  assert.ok(sel.grid.some((g) => g.qInner === 20 && g.muR === 0.001 && g.muC === 0.001));
  assert.equal(c.methods[2].params.rhoR, 0);
});

test('precedence: defaults < profile < config file < flags; paths relative to their file', () => {
  const dir = tmp('cfg');
  mkdirSync(join(dir, 'sub'));
  const file = join(dir, 'sub', 'c.json');
  writeFileSync(file, JSON.stringify({ cv: { folds: 4 }, methods: ['grmf', { name: 'cmf', label: 'cmf-small', params: { k: 5 } }], outdir: 'out', plugins: ['p.ts'] }));
  const c = loadConfig({ profile: 'test', configFile: file, overrides: { cv: { repetitions: 3 } }, cwd: dir });
  assert.equal(c.cv.folds, 4); // file
  assert.equal(c.cv.repetitions, 3); // flag over profile's 1
  assert.deepEqual(c.datasets, ['nr']); // profile
  assert.equal(c.outdir, join(dir, 'sub', 'out'));
  assert.deepEqual(c.plugins, [join(dir, 'sub', 'p.ts')]);
  assert.deepEqual(c.methods, [
    { name: 'grmf', label: 'grmf', preset: null, params: {}, wknkn: null, traces: null, select: null, dtype: null },
    { name: 'cmf', label: 'cmf-small', preset: null, params: { k: 5 }, wknkn: null, traces: null, select: null, dtype: null },
  ]);
});

test('every violation is listed with its field path, source and a hint', () => {
  const errs = errorsOf(() =>
    loadConfig({
      overrides: {
        datasetz: ['nr'],
        cv: { repetitions: 0, foldz: 3 },
        protocol: 'leakfree',
        methods: [{ name: 'grmf', parms: {} }, 3],
        executor: { jobs: 'many' },
      },
    }),
  );
  const byField = new Map(errs.map((e) => [e.where.field, e.message]));
  assert.match(byField.get('datasetz')!, /unknown key 'datasetz'.*did you mean 'datasets'/);
  assert.match(byField.get('cv.foldz')!, /did you mean 'folds'/);
  assert.match(byField.get('cv.repetitions')!, /must be >= 1/);
  assert.match(byField.get('protocol')!, /did you mean 'leak-free'/);
  assert.match(byField.get('methods[0].parms')!, /did you mean 'params'/);
  assert.match(byField.get('methods[1]')!, /must be string or object, got 3/);
  assert.match(byField.get('executor.jobs')!, /must be integer,null|must be integer/);
  assert.equal(errs.length, 7, errs.map((e) => e.message).join('\n'));
  assert.ok(errs.every((e) => e.message.startsWith('command line, field ')));
});

test('config file errors name the file; JSON syntax errors give line and column', () => {
  const dir = tmp('cfg-bad');
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{\n  "datasets": ["nr"],\n  "cv": { "folds": 3, }\n}\n');
  const [e] = errorsOf(() => loadConfig({ configFile: bad }));
  assert.equal(e.where.file, bad);
  assert.equal(e.where.line, 3);
  assert.ok(e.where.column! > 1);
  const wrong = join(dir, 'wrong.json');
  writeFileSync(wrong, JSON.stringify({ settings: ['CVS4'] }));
  const [w] = errorsOf(() => loadConfig({ configFile: wrong }));
  assert.equal(w.where.file, wrong);
  assert.equal(w.where.field, 'settings[0]');
  assert.equal(errorsOf(() => loadConfig({ configFile: join(dir, 'nope.json') }))[0].where.field, 'config');
});

test('semantic checks: duplicate labels, protocol/profiles clash, folds out of range, unknown executor or fold generator, profile typo', () => {
  const errs = errorsOf(() =>
    loadConfig({
      overrides: {
        methods: ['grmf', 'grmf'],
        protocol: 'published',
        profiles: 'train',
        cv: { folds: 3, onlyFolds: [5], foldFiles: { gpcx: 'f.json' }, generator: 'matlb' },
        datasets: ['nr'],
        executor: { name: 'slurn' },
      },
      executors: ['local', 'slurm'],
    }),
  );
  const fields = errs.map((e) => e.where.field).sort();
  assert.deepEqual(fields, ['cv.foldFiles.gpcx', 'cv.generator', 'cv.onlyFolds[0]', 'executor.name', 'methods[1].label', 'profiles']);
  assert.match(errs.find((e) => e.where.field === 'executor.name')!.message, /did you mean 'slurm'/);
  assert.match(errs.find((e) => e.where.field === 'cv.generator')!.message, /did you mean 'matlab'/);
  assert.match(errorsOf(() => loadConfig({ profile: 'tset' }))[0].message, /did you mean 'test'/);
});

test('the resolved config is plain JSON (round-trips)', () => {
  const c = loadConfig({ profile: 'default' });
  assert.deepEqual(JSON.parse(JSON.stringify(c)), c);
  assert.equal(JSON.parse(readFileSync(join(import.meta.dirname, '../../pipeline/profiles/default.json'), 'utf8')).name, 'default');
});

test('reuse: a bare name is an earlier run under outputs/, a path is relative to its config file, the run itself is dropped', () => {
  const dir = tmp('config-reuse');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  const file = join(dir, 'sub', 'c.json');
  writeFileSync(file, JSON.stringify({ name: 'mine', reuse: ['full-published', '../runs/old', 'mine'] }));
  const c = loadConfig({ cwd: '/tmp/x', configFile: file });
  assert.deepEqual(c.reuse, ['/tmp/x/outputs/full-published', join(dir, 'runs/old')]);
  assert.deepEqual(loadConfig({ cwd: '/tmp/x' }).reuse, []);
  const errs = errorsOf(() => loadConfig({ cwd: '/tmp/x', overrides: { reuse: [''] } }));
  assert.ok(errs.some((e) => /reuse/.test(e.message)), errs.map((e) => e.message).join('; '));
});
