/**
 * Small helpers over the `Engine` interface used by the SGMC hot loops: products that honour engines where
 * transpose flags are slow (tfjs-wasm: transpose explicitly), cheapest association order for triple products, and a
 * scope that disposes every temporary of one iteration.
 */
import type { Engine, Tensor } from '../../engine/types.ts';
import type { Mat } from '../../core/matrix.ts';

/** Collects temporaries; `free()` disposes all of them except the ones passed to `keep`. */
export class Scope {
  private readonly items: Tensor[] = [];
  constructor(private readonly e: Engine) {}
  track<T extends Tensor>(t: T): T {
    this.items.push(t);
    return t;
  }
  free(...keep: (Tensor | null | undefined)[]): void {
    const k = new Set(keep);
    const drop = this.items.filter((t) => !k.has(t));
    const kept = this.items.filter((t) => k.has(t));
    this.items.length = 0;
    this.items.push(...kept);
    if (drop.length) this.e.dispose(...drop);
  }
}

export class Ops {
  /** transpose 2-D operands explicitly instead of passing flags (tfjs-wasm handles flags slowly) */
  readonly explicitTranspose: boolean;
  constructor(readonly e: Engine) {
    this.explicitTranspose = /wasm/i.test(e.backend);
  }

  /** op(a) op(b) with op = transpose where asked. */
  mm(a: Tensor, b: Tensor, tA = false, tB = false): Tensor {
    const e = this.e;
    if (!this.explicitTranspose || (!tA && !tB) || a.shape.length === 3 || b.shape.length === 3) {
      return tA || tB ? e.matmul(a, b, { transA: tA, transB: tB }) : e.matmul(a, b);
    }
    const at = tA ? e.transpose(a) : a;
    const bt = tB ? e.transpose(b) : b;
    const out = e.matmul(at, bt);
    if (tA) e.dispose(at);
    if (tB) e.dispose(bt);
    return out;
  }

  /** a b c in the cheaper association order (no transposes). */
  mm3(a: Tensor, b: Tensor, c: Tensor): Tensor {
    const [m, k] = a.shape.slice(-2);
    const l = b.shape[b.shape.length - 1];
    const n = c.shape[c.shape.length - 1];
    const left = m * k * l + m * l * n; // (ab)c
    const right = k * l * n + m * k * n; // a(bc)
    if (left <= right) {
      const ab = this.e.matmul(a, b);
      const out = this.e.matmul(ab, c);
      this.e.dispose(ab);
      return out;
    }
    const bc = this.e.matmul(b, c);
    const out = this.e.matmul(a, bc);
    this.e.dispose(bc);
    return out;
  }

  /** upload one matrix, or `copies` stacked copies of it as a [copies, r, c] tensor when copies > 1 */
  uploadShared(m: Mat, copies: number): Tensor {
    return copies > 1 ? this.e.uploadBatch(Array.from({ length: copies }, () => m)) : this.e.upload(m);
  }

  /** upload per-fold matrices: 2-D for one, 3-D batch for several */
  uploadMany(ms: readonly Mat[]): Tensor {
    return ms.length === 1 ? this.e.upload(ms[0]) : this.e.uploadBatch(ms);
  }

  downloadMany(t: Tensor): Mat[] {
    return t.shape.length === 3 ? this.e.downloadBatch(t) : [this.e.download(t)];
  }
}
