/** Engine registry: default order, forcing, DTI_ENGINE, clear errors, provenance. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineNames, engineProvenance, getEngine } from '../../src/engine/registry.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { nativeStatus } from './fixtures.ts';
import { repoRoot } from '../helpers/paths.ts';

test('registry lists native, tfjs and js', () => {
  assert.deepEqual(engineNames().sort(), ['js', 'native', 'tfjs']);
});

test('default engine follows the documented order (native, then tfjs on node/wasm, then js)', async () => {
  const saved = process.env.DTI_ENGINE;
  delete process.env.DTI_ENGINE;
  try {
    const e = await getEngine();
    if (nativeStatus().ok) assert.equal(e.name, 'native');
    else {
      assert.equal(e.name, 'tfjs');
      assert.notEqual(e.backend, 'tfjs-cpu');
    }
    // float64 requests skip tfjs (float32 only)
    const e64 = await getEngine(undefined, { dtype: 'float64' });
    assert.equal(e64.dtype, 'float64');
    assert.notEqual(e64.name, 'tfjs');
  } finally {
    if (saved !== undefined) process.env.DTI_ENGINE = saved;
  }
});

test('DTI_ENGINE overrides the default; names force an engine', async () => {
  const saved = process.env.DTI_ENGINE;
  process.env.DTI_ENGINE = 'js';
  try {
    assert.equal((await getEngine()).name, 'js');
  } finally {
    if (saved === undefined) delete process.env.DTI_ENGINE;
    else process.env.DTI_ENGINE = saved;
  }
  assert.equal((await getEngine('js', { dtype: 'float32' })).dtype, 'float32');
  await assert.rejects(getEngine('cuda'), /unknown engine 'cuda' \(known: .*js/);
  await assert.rejects(getEngine('js', { dtype: 'float16' as never }), /unknown dtype/);
});

test('tfjs: forcing backends, float64 refused, unavailable backend explained', async () => {
  const w = await getEngine('tfjs', { backend: 'wasm' });
  assert.equal(w.backend, 'tfjs-wasm');
  if (!process.env.DTI_ENGINE) assert.equal((await getEngine(undefined, { backend: 'wasm' })).backend, 'tfjs-wasm');
  const c = await getEngine('tfjs', { backend: 'cpu' });
  assert.equal(c.backend, 'tfjs-cpu');
  await assert.rejects(getEngine('tfjs', { dtype: 'float64' }), /float32 only/);
  await assert.rejects(getEngine('tfjs', { backend: 'webgpu' }), /unknown backend 'webgpu'/);
  const node = await getEngine('tfjs', { backend: 'tensorflow' }).then(
    (e) => e.backend,
    (e: Error) => e.message,
  );
  // either tfjs-node(-gpu) is installed and works, or the error says why each package could not load
  assert.match(node, /^tfjs-node(-gpu)?$|tfjs-node-gpu: .*tfjs-node: /);
});

test('engineProvenance records name, backend, dtype and library versions', async () => {
  const p = engineProvenance(await getEngine('tfjs', { backend: 'wasm' }));
  assert.equal(p.name, 'tfjs');
  assert.equal(p.backend, 'tfjs-wasm');
  assert.match(p.versions.tfjs, /^\d+\.\d+\.\d+$/);
  assert.match(p.versions['tfjs-backend-wasm'], /^\d+\.\d+\.\d+$/);
  assert.equal(p.versions.node, process.versions.node);
  const j = engineProvenance(await getEngine('js'));
  assert.match(j.versions.mlMatrix, /^\d+\.\d+\.\d+$/);
  if (nativeStatus().ok) assert.match(engineProvenance(await getEngine('native')).versions.openblasConfig, /OpenBLAS/);
});

test('without the native addon the default falls back to tfjs (wasm here) and native explains why', () => {
  const dir = mkdtempSync(join(tmpdir(), 'engine-fallback-'));
  const script = join(dir, 'probe.mts');
  const registry = pathToFileURL(join(repoRoot, 'src/engine/registry.ts')).href;
  writeFileSync(
    script,
    `import { getEngine } from ${JSON.stringify(registry)};
const e = await getEngine();
let why = '';
try { await getEngine('native'); } catch (err) { why = (err as Error).message; }
console.log(JSON.stringify({ name: e.name, backend: e.backend, why }));
process.exit(0);
`,
  );
  const env: NodeJS.ProcessEnv = { ...process.env, SGMC_NATIVE_ADDON: join(dir, 'missing.node') };
  delete env.DTI_ENGINE;
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot, env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { name: string; backend: string; why: string };
  assert.equal(out.name, 'tfjs');
  assert.match(out.backend, /^tfjs-(node|node-gpu|wasm)$/);
  assert.match(out.why, /native engine unavailable: cannot load .*missing\.node.*libopenblas-dev and liblapacke-dev/);
});
