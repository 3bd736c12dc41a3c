/** Engine registry: default order, forcing, DTI_ENGINE, clear errors, provenance. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineNames, engineProvenance, getEngine } from '../../src/engine/registry.ts';
import { nativeStatus } from './fixtures.ts';

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
