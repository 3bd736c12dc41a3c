/**
 * The `js` engine: plain typed-array loops for products and elementwise ops, ml-matrix for decompositions.
 * Slow (about 1 GFLOP/s) but dependency-free; it is the reference the conformance suite compares other engines to.
 */
import type { EngineOptions, MatmulOptions, Tensor } from './types.ts';
import { mlMatrixDecompositions } from './host-decomp.ts';
import { HostEngine, productShape } from './host.ts';
import { packageVersion } from './versions.ts';

export class JsEngine extends HostEngine {
  readonly name = 'js';
  readonly backend = 'js-loops+ml-matrix';

  constructor(opts: EngineOptions = {}) {
    super(opts);
  }

  matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
    const A = this.T(a);
    const B = this.T(b);
    const s = productShape(A.shape, B.shape, opts);
    const { m, n, k } = s;
    const out = this.make(s.outShape, true);
    const [, ac] = A.shape.slice(-2);
    const [, bc] = B.shape.slice(-2);
    const x = A.data;
    const y = B.data;
    const z = out.data;
    // i-p-j order: the inner loop runs along contiguous rows of B (or strided columns when B is transposed)
    for (let q = 0; q < s.batch; q++) {
      const ao = q * s.strideA;
      const bo = q * s.strideB;
      const oo = q * m * n;
      for (let i = 0; i < m; i++) {
        const zo = oo + i * n;
        for (let p = 0; p < k; p++) {
          const av = opts.transA ? x[ao + p * ac + i] : x[ao + i * ac + p];
          if (av === 0) continue;
          if (opts.transB) for (let j = 0; j < n; j++) z[zo + j] += av * y[bo + j * bc + p];
          else {
            const yo = bo + p * bc;
            for (let j = 0; j < n; j++) z[zo + j] += av * y[yo + j];
          }
        }
      }
    }
    return out;
  }

  eigh = mlMatrixDecompositions.eigh;
  svd = mlMatrixDecompositions.svd;
  solveSPD = mlMatrixDecompositions.solveSPD;
  svdRandomized = mlMatrixDecompositions.svdRandomized;
  versions(): Record<string, string> {
    return { node: process.versions.node, mlMatrix: packageVersion('ml-matrix') };
  }
}
