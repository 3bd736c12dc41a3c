import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eye, leadingColumns, mat, type Mat } from '../../src/core/matrix.ts';
import { Rng } from '../../src/core/rng.ts';
import { JsEngine } from '../../src/engine/js.ts';
import type { Tensor } from '../../src/engine/types.ts';
import { SpectralModel } from '../../src/methods/sgmc/spectral.ts';
import { ridgeSpectralMinimiser } from '../../src/methods/sgmc/closed-form.ts';
import { Optimizer, type OptimizerSpec } from '../../src/methods/sgmc/optim.ts';

const e = new JsEngine({ dtype: 'float64' });

/** the data of a small SGMC problem in the Synthetic Netflix shape: bases of two random graphs, a smooth signal, a mask */
function problemData() {
  const rng = new Rng(7);
  const m = 18, n = 22, k = 5;
  const basis = (size: number) => {
    const A = mat(size, size);
    for (let i = 0; i < A.data.length; i++) A.data[i] = rng.normal();
    const L = mat(size, size);
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) {
      let s = 0;
      for (let t = 0; t < size; t++) s += A.data[i * size + t] * A.data[j * size + t];
      L.data[i * size + j] = s / size;
    }
    return e.eigh(L);
  };
  const rows = basis(m), cols = basis(n);
  // smooth low-rank signal: low frequencies of both graphs
  const M = mat(m, n);
  for (let r = 0; r < 3; r++) {
    const a = rng.normal();
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) M.data[i * n + j] += a * rows.vectors.data[i * m + r] * cols.vectors.data[j * n + r];
  }
  const S = mat(m, n);
  for (let i = 0; i < S.data.length; i++) S.data[i] = rng.next() < 0.35 ? 1 : 0;
  return { m, n, k, rows, cols, M, S };
}

/** the problem: full row basis, fixed Q selecting 5 column frequencies, P and C trained */
function problem(rhoR = 0.1): () => SpectralModel {
  const { m, n, k, rows, cols, M, S } = problemData();
  return () =>
    new SpectralModel(e, {
      batch: 1, phi: rows.vectors, psi: cols.vectors, lambdaR: rows.values, lambdaC: cols.values, M: [M], S: [S],
      muR: 0.01, muC: 0.01, rhoR, rhoC: 0,
      init: { P: eye(m, k), C: eye(k, k), Q: eye(n, k) }, train: { P: true, C: true, Q: false },
    });
}

function run(make: () => SpectralModel, spec: OptimizerSpec, steps: number): { loss: number; factors: Mat[]; restarts: number } {
  const model = make();
  const opt = new Optimizer(e, spec);
  for (let s = 0; s < steps; s++) opt.step(model);
  const out = { loss: model.loss(), factors: model.factors.map((f: Tensor) => e.download(f)), restarts: opt.restarts };
  opt.dispose();
  model.dispose();
  return out;
}

const make = problem();

test('nesterov-restart with momentum cap 0 is plain GD, bit for bit', () => {
  const a = run(make, { kind: 'gd', lr: 0.05 }, 40);
  const b = run(make, { kind: 'nesterov-restart', lr: 0.05, beta: 0 }, 40);
  for (let i = 0; i < a.factors.length; i++) assert.deepEqual(b.factors[i].data, a.factors[i].data);
});

test('nesterov-restart reaches a lower objective than GD in the same number of steps, and restarts', () => {
  const start = run(make, { kind: 'gd', lr: 0.05 }, 0).loss;
  const gd = run(make, { kind: 'gd', lr: 0.05 }, 300);
  const acc = run(make, { kind: 'nesterov-restart', lr: 0.05, beta: 0.999 }, 300);
  assert.ok(gd.loss < start, `GD must descend (${gd.loss} vs ${start})`);
  assert.ok(acc.loss < 0.5 * gd.loss, `restart ${acc.loss} should be well below GD ${gd.loss}`);
  assert.ok(acc.restarts > 0, 'the restart rule never fired');
});

test('nesterov-restart converges to a fixed point of GD (one GD step no longer moves the loss)', () => {
  const acc = run(make, { kind: 'nesterov-restart', lr: 0.05, beta: 0.999 }, 1500);
  const model = make();
  model.setFactors(acc.factors.map((f) => e.upload(f)));
  const before = model.loss();
  const opt = new Optimizer(e, { kind: 'gd', lr: 0.05 });
  opt.step(model);
  const after = model.loss();
  opt.dispose();
  model.dispose();
  assert.ok(Math.abs(before - after) <= 1e-9 * Math.max(1, before), `GD step still changes the loss: ${before} -> ${after}`);
  const gdLong = run(make, { kind: 'gd', lr: 0.05 }, 1500);
  assert.ok(acc.loss <= gdLong.loss + 1e-9, `restart ${acc.loss} vs GD ${gdLong.loss} after the same steps`);
});

test('the diagonalisation term rho_r changes the path, not the minimiser: converged X with rho_r = 0.1 equals rho_r = 0 and the closed form', () => {
  // any Y = P C can be refactored as (Y U)(U^T) with U the eigenvectors of Y^T Lr Y, where off(P^T Lr P) = 0; so the
  // minimum over (P, C) of eq. 17 plus rho_r ||off(P^T Lr P)||^2 is the minimum of eq. 17 alone, reached at the same X
  const converged = (rho: number, steps: number): { X: Mat; loss: number } => {
    const model = problem(rho)();
    const opt = new Optimizer(e, { kind: 'nesterov-restart', lr: 0.05, beta: 0.999 });
    for (let s = 0; s < steps; s++) opt.step(model);
    const out = { X: model.predict()[0], loss: model.loss() };
    opt.dispose();
    model.dispose();
    return out;
  };
  const plain = converged(0, 40000);
  const diag = converged(0.1, 20000);
  // ... and both are the closed-form minimiser of the ridge problem in Z = P C (src/methods/sgmc/closed-form.ts)
  const { k, rows, cols, M, S } = problemData();
  const psi = leadingColumns(cols.vectors, k);
  const cells = [...S.data.keys()].filter((c) => S.data[c] !== 0);
  const exact = ridgeSpectralMinimiser(e, { phi: rows.vectors, lambdaR: rows.values, psi, lambdaC: cols.values, M, cells, muR: 0.01, muC: 0.01 });
  let diff = 0;
  let size = 0;
  for (let i = 0; i < plain.X.data.length; i++) {
    diff = Math.max(diff, Math.abs(plain.X.data[i] - diag.X.data[i]));
    size = Math.max(size, Math.abs(plain.X.data[i]));
  }
  assert.ok(diff <= 1e-8 * size, `converged X differ by ${diff} (scale ${size})`);
  const offExact = Math.max(...exact.data.map((v, i) => Math.abs(v - plain.X.data[i])));
  assert.ok(offExact <= 1e-8 * size, `closed form differs from the converged fit by ${offExact}`);
  // the same objective value: the rho term is driven to zero at the minimum
  assert.ok(Math.abs(diag.loss - plain.loss) <= 1e-10 * plain.loss, `losses ${diag.loss} vs ${plain.loss}`);
  // and the path differs: after a few steps the iterates are not the same
  const early = [converged(0, 30).X, converged(0.1, 30).X];
  assert.ok(early[0].data.some((v, i) => Math.abs(v - early[1].data[i]) > 1e-6 * size), 'rho_r should change the path');
});
