import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eye, mat, type Mat } from '../../src/core/matrix.ts';
import { Rng } from '../../src/core/rng.ts';
import { JsEngine } from '../../src/engine/js.ts';
import type { Engine, Tensor } from '../../src/engine/types.ts';
import { SpectralModel, type SpectralSpec } from '../../src/methods/sgmc/spectral.ts';
import { VertexModel, type VertexSpec } from '../../src/methods/sgmc/vertex.ts';
import type { FactorModel } from '../../src/methods/sgmc/model.ts';
import { Optimizer } from '../../src/methods/sgmc/optim.ts';
import { effectiveInnerWidth, filterWidths, mergeFilterBank } from '../../src/methods/sgmc/widths.ts';

const e = new JsEngine({ dtype: 'float64' });

function randMat(r: number, c: number, rng: Rng, scale = 1): Mat {
  const m = mat(r, c);
  for (let i = 0; i < m.data.length; i++) m.data[i] = scale * rng.normal();
  return m;
}
function mask(r: number, c: number, rng: Rng, frac: number): Mat {
  const m = mat(r, c);
  for (let i = 0; i < m.data.length; i++) m.data[i] = rng.next() < frac ? 1 : 0;
  return m;
}
function orthoBasis(n: number, k: number, rng: Rng): { vecs: Mat; vals: Float64Array; L: Mat } {
  // random symmetric PSD "Laplacian" and its eigenpairs
  const A = randMat(n, n, rng);
  const L = mat(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < n; t++) s += A.data[i * n + t] * A.data[j * n + t];
    L.data[i * n + j] = s / n;
  }
  const eg = e.eigh(L, k);
  return { vecs: eg.vectors, vals: eg.values, L };
}

/** max relative error between finite differences and closed-form gradients over all entries of trained factors */
function checkGradients(model: FactorModel, label: string): void {
  const { grads } = model.gradients(false);
  const base = model.factors.map((f) => e.download(f));
  let nonzero = 0;
  for (let i = 0; i < base.length; i++) {
    const g = grads[i];
    if (!model.trainable[i]) {
      assert.equal(g, null, `${label}: ${model.names[i]} is fixed but got a gradient`);
      continue;
    }
    assert.ok(g, `${label}: no gradient for ${model.names[i]}`);
    const an = e.download(g!).data;
    const fd = new Float64Array(an.length);
    const h = 1e-5;
    for (let k = 0; k < an.length; k++) {
      const set = (d: number): number => {
        const m = mat(base[i].rows, base[i].cols, base[i].data);
        m.data[k] += d;
        const fs = model.factors.slice() as Tensor[];
        fs[i] = e.upload(m);
        model.setFactors(fs);
        return model.loss();
      };
      fd[k] = (set(h) - set(-h)) / (2 * h);
    }
    const fs = model.factors.slice() as Tensor[];
    fs[i] = e.upload(base[i]);
    model.setFactors(fs);
    let num = 0;
    let den = 0;
    for (let k = 0; k < an.length; k++) {
      num += (fd[k] - an[k]) ** 2;
      den += an[k] ** 2;
    }
    if (den < 1e-20) {
      // this term does not depend on the factor: finite differences must vanish too
      assert.ok(Math.sqrt(num) < 1e-7, `${label}: ${model.names[i]} closed form 0, finite differences ${Math.sqrt(num)}`);
      continue;
    }
    nonzero++;
    const rel = Math.sqrt(num / den);
    assert.ok(rel < 1e-3, `${label}: ${model.names[i]} relative error ${rel}`);
  }
  assert.ok(nonzero > 0, `${label}: every gradient is zero, the check would be vacuous`);
}

function spectralSpec(rng: Rng, over: Partial<SpectralSpec> = {}): SpectralSpec {
  const m = 7, n = 6, p = 5, q = 4, pi = 4, qi = 3;
  const r = orthoBasis(m, p, rng);
  const c = orthoBasis(n, q, rng);
  return {
    batch: 1,
    phi: r.vecs,
    psi: c.vecs,
    lambdaR: r.vals,
    lambdaC: c.vals,
    M: [randMat(m, n, rng)],
    S: [mask(m, n, rng, 0.6)],
    muR: 0,
    muC: 0,
    rhoR: 0,
    rhoC: 0,
    init: { P: randMat(p, pi, rng, 0.7), C: randMat(pi, qi, rng, 0.7), Q: randMat(q, qi, rng, 0.7) },
    train: { P: true, C: true, Q: true },
    ...over,
  };
}

test('sgmc gradients match finite differences for every loss term and factor', () => {
  const rng = new Rng(11);
  const terms: [string, Partial<SpectralSpec>][] = [
    ['data', {}],
    ['dirichlet rows', { muR: 0.7 }],
    ['dirichlet cols', { muC: 0.3 }],
    ['diag rows', { rhoR: 0.5 }],
    ['diag cols', { rhoC: 0.8 }],
    ['all terms', { muR: 0.2, muC: 0.4, rhoR: 0.3, rhoC: 0.6 }],
    ['sgmc-z filter bank', { filters: { p: [1, 3, 4], q: [1, 2, 3] }, muR: 0.2, muC: 0.1, rhoR: 0.1, rhoC: 0.1 }],
    ['narrow inner widths (factored path)', { init: undefined as any, muR: 0.3, muC: 0.2, rhoR: 0.1, rhoC: 0.2 }],
    ['identity bases (dmf)', { phi: null, psi: null, lambdaR: null, lambdaC: null }],
    ['train C only (fm)', { train: { P: false, C: true, Q: false }, muR: 0.3 }],
    ['train P and C', { train: { P: true, C: true, Q: false }, rhoR: 0.2 }],
  ];
  for (const [label, over] of terms) {
    const spec = spectralSpec(rng, over);
    if (over.phi === null) {
      spec.init = { P: randMat(7, 4, rng, 0.7), C: randMat(4, 3, rng, 0.7), Q: randMat(6, 3, rng, 0.7) };
    }
    if (label.startsWith('narrow')) spec.init = { P: randMat(5, 1, rng, 0.7), C: randMat(1, 1, rng, 0.7), Q: randMat(4, 1, rng, 0.7) };
    if (label.startsWith('dirichlet') || label.startsWith('diag')) spec.S = [mat(7, 6)]; // isolate the term
    const model = new SpectralModel(e, spec);
    assert.equal(model.factored, label.startsWith('narrow'), `${label}: factored path choice`);
    checkGradients(model, label);
    model.dispose();
  }
});

test('batched sgmc gradients equal per-fold gradients', () => {
  const rng = new Rng(5);
  const a = spectralSpec(rng, { muR: 0.2, muC: 0.1, rhoR: 0.3, rhoC: 0.2 });
  const b = { ...a, M: [randMat(7, 6, rng)], S: [mask(7, 6, rng, 0.5)] };
  const batched = new SpectralModel(e, { ...a, batch: 2, M: [a.M[0], b.M[0]], S: [a.S[0], b.S[0]] });
  const g2 = batched.gradients(true);
  let total = 0;
  for (const [k, single] of [a, b].entries()) {
    const mdl = new SpectralModel(e, single);
    const g1 = mdl.gradients(true);
    total += g1.loss!;
    for (let i = 0; i < 3; i++) {
      const one = e.download(g1.grads[i]!).data;
      const many = e.downloadBatch(g2.grads[i]!)[k].data;
      for (let t = 0; t < one.length; t++) assert.ok(Math.abs(one[t] - many[t]) < 1e-10);
    }
  }
  assert.ok(Math.abs(total - g2.loss!) < 1e-9 * Math.abs(total));
});

test('vertex-form gradients match finite differences', () => {
  const rng = new Rng(3);
  const r = orthoBasis(6, 6, rng);
  const c = orthoBasis(5, 5, rng);
  const base: VertexSpec = {
    batch: 1,
    Lr: r.L,
    Lc: c.L,
    M: [randMat(6, 5, rng)],
    S: [mask(6, 5, rng, 0.7)],
    muR: 0,
    muC: 0,
    init: { A: randMat(6, 8, rng, 0.5), Z: randMat(8, 8, rng, 0.5), B: randMat(8, 5, rng, 0.5) },
  };
  for (const [label, over] of [
    ['data', {}],
    ['dirichlet rows', { muR: 0.6, S: [mat(6, 5)] }],
    ['dirichlet cols', { muC: 0.6, S: [mat(6, 5)] }],
    ['all', { muR: 0.006, muC: 0.006 }],
  ] as [string, Partial<VertexSpec>][]) {
    const model = new VertexModel(e, { ...base, ...over });
    checkGradients(model, `vertex ${label}`);
    model.dispose();
  }
});

test('with full bases and rho = 0 the spectral and vertex forms follow the same trajectory', () => {
  const rng = new Rng(9);
  const m = 8, n = 6;
  const r = orthoBasis(m, m, rng);
  const c = orthoBasis(n, n, rng);
  const M = randMat(m, n, rng);
  const S = mask(m, n, rng, 0.5);
  const P0 = randMat(m, m, rng, 0.3);
  const C0 = randMat(m, n, rng, 0.3);
  const Q0 = randMat(n, n, rng, 0.3);
  const spectral = new SpectralModel(e, {
    batch: 1, phi: r.vecs, psi: c.vecs, lambdaR: r.vals, lambdaC: c.vals, M: [M], S: [S],
    muR: 0.05, muC: 0.02, rhoR: 0, rhoC: 0, init: { P: P0, C: C0, Q: Q0 }, train: { P: true, C: true, Q: true },
  });
  // A = Phi P, Z = C, B = Q^T Psi^T
  const mm = (a: Mat, b: Mat): Mat => e.download(e.matmul(e.upload(a), e.upload(b)));
  const T = (a: Mat): Mat => e.download(e.transpose(e.upload(a)));
  const vertex = new VertexModel(e, {
    batch: 1, Lr: r.L, Lc: c.L, M: [M], S: [S], muR: 0.05, muC: 0.02,
    init: { A: mm(r.vecs, P0), Z: C0, B: T(mm(c.vecs, Q0)) },
  });
  const optS = new Optimizer(e, { kind: 'gd', lr: 0.01 });
  const optV = new Optimizer(e, { kind: 'gd', lr: 0.01 });
  for (let it = 0; it < 200; it++) {
    const ls = optS.step(spectral, it % 50 === 0);
    const lv = optV.step(vertex, it % 50 === 0);
    if (ls !== undefined) assert.ok(Math.abs(ls - lv!) < 1e-8 * Math.max(1, Math.abs(ls)), `loss ${ls} vs ${lv} at ${it}`);
    if (it % 50 === 49) {
      const xs = spectral.predict()[0].data;
      const xv = vertex.predict()[0].data;
      for (let k = 0; k < xs.length; k++) assert.ok(Math.abs(xs[k] - xv[k]) < 1e-8, `X differs at ${it}`);
    }
  }
  spectral.dispose();
  vertex.dispose();
});

/** Wraps an engine and counts live tensors (created minus disposed). */
export function countingEngine(inner: Engine): { engine: Engine; live: () => number } {
  const live = new Set<Tensor>();
  const engine = new Proxy(inner, {
    get(target, prop, recv) {
      const v = Reflect.get(target, prop, recv);
      if (typeof v !== 'function') return v;
      if (prop === 'dispose') {
        return (...ts: Tensor[]) => {
          for (const t of ts) {
            if (!live.has(t)) throw new Error('dispose of a tensor that is not live (double dispose?)');
            live.delete(t);
          }
          return v.apply(target, ts);
        };
      }
      return (...args: unknown[]) => {
        const out = v.apply(target, args);
        if (out && typeof out === 'object' && 'shape' in (out as object)) live.add(out as Tensor);
        return out;
      };
    },
  });
  return { engine, live: () => live.size };
}

test('memory is flat: no tensor leaks over many iterations (spectral, sgmc-z, vertex; gd and momentum)', () => {
  const rng = new Rng(21);
  const { engine, live } = countingEngine(new JsEngine({ dtype: 'float32' }));
  const spec = spectralSpec(rng, { muR: 0.1, muC: 0.1, rhoR: 0.1, rhoC: 0.1 });
  const r = orthoBasis(6, 6, rng);
  const models: [string, () => FactorModel][] = [
    ['spectral', () => new SpectralModel(engine, spec)],
    ['spectral batched', () => new SpectralModel(engine, { ...spec, batch: 2, M: [spec.M[0], spec.M[0]], S: [spec.S[0], spec.S[0]] })],
    ['sgmc-z', () => new SpectralModel(engine, { ...spec, filters: { p: [2, 4], q: [1, 3] } })],
    ['spectral factored', () => new SpectralModel(engine, { ...spec, init: { P: randMat(5, 1, rng), C: randMat(1, 1, rng), Q: randMat(4, 1, rng) } })],
    ['vertex', () => new VertexModel(engine, {
      batch: 1, Lr: r.L, Lc: r.L, M: [randMat(6, 6, rng)], S: [mask(6, 6, rng, 0.5)], muR: 0.01, muC: 0.01,
      init: { A: randMat(6, 4, rng), Z: randMat(4, 4, rng), B: randMat(4, 6, rng) },
    })],
  ];
  for (const [label, make] of models) {
    for (const kind of ['gd', 'momentum', 'nesterov'] as const) {
      const before = live();
      const model = make();
      const opt = new Optimizer(engine, { kind, lr: 1e-4 });
      opt.step(model);
      const steady = live();
      const n = label === 'spectral' ? 10_000 : 1000;
      for (let it = 0; it < n; it++) opt.step(model, it % 500 === 0);
      model.predict();
      assert.equal(live(), steady, `${label}/${kind}: live tensors grew from ${steady} to ${live()}`);
      opt.dispose();
      model.dispose();
      assert.equal(live(), before, `${label}/${kind}: tensors left after dispose`);
    }
  }
});

test('inner widths beyond max(p, q) are inert: the computed width gives the same iterates (sgmc and sgmc-z)', () => {
  const rng = new Rng(31);
  const r = orthoBasis(5, 5, rng);
  const c = orthoBasis(7, 7, rng);
  const M = randMat(5, 7, rng);
  const S = mask(5, 7, rng, 0.6);
  const run = (pi: number, qi: number, cInit: 'eye' | 'zero', filters?: { p: number[]; q: number[] }, kind: 'gd' | 'nesterov-restart' = 'gd'): Float64Array => {
    // a filter bank sums 16 data terms: a smaller step keeps it stable
    const C = cInit === 'eye' ? eye(pi, qi, 0.8) : mat(pi, qi);
    const model = new SpectralModel(e, {
      batch: 1, phi: r.vecs, psi: c.vecs, lambdaR: r.vals, lambdaC: c.vals, M: [M], S: [S],
      muR: 0.03, muC: 0.02, rhoR: 0.05, rhoC: 0.04,
      init: { P: eye(5, pi, 0.8), C, Q: eye(7, qi, 0.8) }, train: { P: true, C: true, Q: true }, ...(filters ? { filters } : {}),
    });
    const opt = new Optimizer(e, { kind, lr: filters ? 0.001 : 0.01, beta: 0.9 });
    for (let it = 0; it < 150; it++) opt.step(model, it % 10 === 0);
    const x = model.predict()[0].data;
    assert.ok(x.every(Number.isFinite) && x.some((v) => Math.abs(v) > 0.1), 'a trained, finite X');
    model.dispose();
    return x;
  };
  const maxDiff = (a: Float64Array, b: Float64Array): number => a.reduce((s, v, k) => Math.max(s, Math.abs(v - b[k])), 0);
  assert.equal(effectiveInnerWidth(12, 5, 7), 7);
  assert.equal(effectiveInnerWidth(6, 5, 7), 6);
  for (const cInit of ['eye', 'zero'] as const) {
    for (const kind of ['gd', 'nesterov-restart'] as const) {
      const wide = run(12, 10, cInit, undefined, kind);
      const computed = run(7, 7, cInit, undefined, kind);
      assert.ok(maxDiff(wide, computed) < 1e-10, `${cInit} ${kind}: width 12/10 vs 7/7 differ by ${maxDiff(wide, computed)}`);
    }
  }
  // a width below max(p, q) is not inert: the comparison can fail
  assert.ok(maxDiff(run(7, 7, 'eye'), run(6, 7, 'eye')) > 1e-3);
  // SGMC-Z: the bank as asked (bands up to 12 / 10) on the wide model equals the clamped, merged bank at 7 / 7
  const bank = { p: filterWidths(12, 4), q: filterWidths(10, 3) };
  assert.deepEqual(bank.p, [1, 5, 9, 12]);
  assert.deepEqual(mergeFilterBank(bank, 7, 7), [
    { p: 1, q: 1, weight: 1 }, { p: 1, q: 4, weight: 1 }, { p: 1, q: 7, weight: 2 },
    { p: 5, q: 1, weight: 1 }, { p: 5, q: 4, weight: 1 }, { p: 5, q: 7, weight: 2 },
    { p: 7, q: 1, weight: 2 }, { p: 7, q: 4, weight: 2 }, { p: 7, q: 7, weight: 4 },
  ]);
  const zWide = run(12, 10, 'eye', bank);
  const zComputed = run(7, 7, 'eye', bank);
  assert.ok(maxDiff(zWide, zComputed) < 1e-10, `sgmc-z: ${maxDiff(zWide, zComputed)}`);
  // merging is not dropping: the bank without its duplicates trains differently
  assert.ok(maxDiff(zComputed, run(7, 7, 'eye', { p: [1, 5, 7], q: [1, 4, 7] })) > 1e-4);
});
