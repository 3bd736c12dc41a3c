import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mat, type Mat } from '../../src/core/matrix.ts';
import { JsEngine } from '../../src/engine/js.ts';
import type { Tensor } from '../../src/engine/types.ts';
import type { FactorModel, Gradients } from '../../src/methods/sgmc/model.ts';
import { DivergedError, runLoop } from '../../src/methods/sgmc/loop.ts';

const e = new JsEngine({ dtype: 'float64' });

/** A model without factors whose prediction after t updates is value(t) in every cell (a scripted trajectory). */
class Scripted implements FactorModel {
  readonly names: string[] = [];
  readonly trainable: boolean[] = [];
  readonly factors: Tensor[] = [];
  readonly flopsPerIteration = 0;
  t = 0;
  constructor(private readonly value: (t: number) => number) {}
  setFactors(): void {}
  gradients(withLoss: boolean): Gradients {
    this.t++;
    return withLoss ? { grads: [], loss: this.value(this.t) } : { grads: [] };
  }
  loss(): number {
    return this.value(this.t);
  }
  predict(): Mat[] {
    const x = mat(2, 2);
    x.data.fill(this.value(this.t));
    return [x];
  }
  dispose(): void {}
}

// validation truth 0: the validation RMSE is |value(t)|; it falls to its minimum at t = 300, then rises
const uShape = (t: number): number => 1 + ((t - 300) / 100) ** 2;
const hooks = [{ validation: { cells: Int32Array.from([0, 3]), truth: new Float64Array(2) } }];
const spec = { mode: 'validation-best' as const, iterations: 5000, tol: 1e-6, evalEvery: 10 };

test("validation-best returns the best validation point's scores and stops after `patience` evaluations without a new best", () => {
  const seen: number[][] = [];
  const r = runLoop(e, new Scripted(uShape), { kind: 'gd', lr: 1 }, { ...spec, patience: 20 }, hooks, (_, info) => seen.push([info!.iteration, info!.validationRmse]));
  // progress reports each evaluation's validation RMSE (so a cut-off run still shows where its best was)
  assert.deepEqual(seen[29], [300, 1]);
  assert.equal(seen[39][1], uShape(400));
  assert.equal(r.scoresAt[0], 300);
  assert.equal(r.iterations[0], 500, '20 evaluations (200 updates) past the best');
  assert.equal(r.stoppedBy[0], 'no-improvement');
  assert.ok(Math.abs(r.X[0].data[0] - 1) < 1e-12, 'the scores of update 300');
  assert.ok(Math.abs(r.validationRmse[0] - 1) < 1e-12);
  // minIterations holds the stop back; at the cap the best point is still what comes back
  const late = runLoop(e, new Scripted(uShape), { kind: 'gd', lr: 1 }, { ...spec, patience: 20, minIterations: 800 }, hooks);
  assert.equal(late.iterations[0], 800);
  assert.equal(late.scoresAt[0], 300);
  const capped = runLoop(e, new Scripted(uShape), { kind: 'gd', lr: 1 }, { ...spec, iterations: 400, patience: 50 }, hooks);
  assert.equal(capped.stoppedBy[0], 'iterations');
  assert.equal(capped.iterations[0], 400);
  assert.equal(capped.scoresAt[0], 300);
  // the paper's rule on the same trajectory returns the last iterate it stopped at
  const paper = runLoop(e, new Scripted(uShape), { kind: 'gd', lr: 1 }, { ...spec, mode: 'validation', iterations: 400 }, hooks);
  assert.equal(paper.scoresAt[0], paper.iterations[0]);
});

test('divergence is reported at the evaluation where it shows, not after the remaining updates', () => {
  const blowUp = (t: number): number => (t < 35 ? 1 : NaN);
  assert.throws(() => runLoop(e, new Scripted(blowUp), { kind: 'gd', lr: 0.5 }, { ...spec, mode: 'fixed', iterations: 100000 }, [{}], () => {}), /non-finite loss after 40 updates\).*lr 0.5/);
  assert.throws(() => runLoop(e, new Scripted(blowUp), { kind: 'gd', lr: 0.5 }, { ...spec, iterations: 100000, patience: 100 }, hooks), /non-finite loss after 40 updates/);
  assert.throws(() => runLoop(e, new Scripted(blowUp), { kind: 'gd', lr: 0.5 }, { ...spec, mode: 'fixed', iterations: 100000 }, [{}], () => {}), (err: unknown) => err instanceof DivergedError && err instanceof RangeError && err.updates === 40);
});

test('fixed mode with captureAt takes each item at its own update count and ends when all are taken', () => {
  const line = (t: number): number => 10 + t;
  const model = new Scripted(line);
  const r = runLoop(e, model, { kind: 'gd', lr: 1 }, { mode: 'fixed', iterations: 100, tol: 0, evalEvery: 10, captureAt: [37] }, [{}]);
  assert.equal(r.X[0].data[0], line(37));
  assert.equal(r.iterations[0], 37);
  assert.equal(model.t, 37, 'no updates after the last capture');
  const start = runLoop(e, new Scripted(line), { kind: 'gd', lr: 1 }, { mode: 'fixed', iterations: 100, tol: 0, evalEvery: 10, captureAt: [0] }, [{}]);
  assert.equal(start.X[0].data[0], line(0));
  assert.throws(() => runLoop(e, new Scripted(line), { kind: 'gd', lr: 1 }, { mode: 'fixed', iterations: 10, tol: 0, evalEvery: 1, captureAt: [11] }, [{}]), /captureAt/);
  assert.throws(() => runLoop(e, new Scripted(line), { kind: 'gd', lr: 1 }, { mode: 'fixed', iterations: 10, tol: 0, evalEvery: 1, captureAt: [1, 2] }, [{}]), /captureAt/);
});
