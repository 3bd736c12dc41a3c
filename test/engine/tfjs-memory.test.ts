/** tfjs: tensors of a typical gradient step are all freed by `dispose` (tf.memory().numTensors stays flat). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { getEngine } from '../../src/engine/registry.ts';
import type { Engine, Tensor } from '../../src/engine/types.ts';
import { randMat } from './fixtures.ts';

/** One SGMC-style step: R = (Phi Y Psi^T - M) o S; G = Phi^T R Psi + mu Y; Y <- max(Y - lr G, 0). */
function step(e: Engine, phi: Tensor, psi: Tensor, m: Tensor, s: Tensor, y: Tensor, lam: Float64Array): { y: Tensor; loss: number } {
  const py = e.matmul(phi, y);
  const x = e.matmul(py, psi, { transB: true });
  const d = e.sub(x, m);
  const r = e.mul(d, s);
  const pr = e.matmul(phi, r, { transA: true });
  const g0 = e.matmul(pr, psi);
  const ly = e.scaleRows(y, lam);
  const g = e.addScaled(g0, ly, 0.1);
  const y1 = e.addScaled(y, g, -0.01);
  const y2 = e.maximum(y1, 0);
  const loss = e.sumSquares(r) + e.dot(y, y);
  e.dispose(py, x, d, r, pr, g0, ly, g, y1);
  return { y: y2, loss };
}

for (const backend of ['wasm', 'cpu']) {
  test(`tfjs-${backend}: numTensors flat over 60 gradient steps`, async () => {
    const e = await getEngine('tfjs', { backend });
    const [n1, n2, p] = [30, 20, 8];
    const phi = e.upload(randMat(n1, p, 1));
    const psi = e.upload(randMat(n2, p, 2));
    const m = e.upload(randMat(n1, n2, 3));
    const s = e.upload(randMat(n1, n2, 4));
    let y = e.upload(randMat(p, p, 5));
    const lam = Float64Array.from({ length: p }, (_, i) => i / p);
    const before = tf.memory().numTensors;
    let first = NaN;
    let last = NaN;
    for (let it = 0; it < 60; it++) {
      const r = step(e, phi, psi, m, s, y, lam);
      e.dispose(y);
      y = r.y;
      if (it === 0) first = r.loss;
      last = r.loss;
      assert.equal(tf.memory().numTensors, before, `iteration ${it}: ${tf.memory().numTensors - before} tensors leaked`);
    }
    assert.ok(Number.isFinite(last) && last !== first, 'the step did something');
    e.dispose(phi, psi, m, s, y);
    assert.equal(tf.memory().numTensors, before - 5);
  });
}
