/** Content hashing for cache keys and task keys. */
import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal values give equal strings (and equal hashes). */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

export function sha256(...parts: (string | Uint8Array | ArrayBufferView)[]): string {
  const h = createHash('sha256');
  for (const p of parts) {
    if (typeof p === 'string') h.update(p);
    else h.update(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
  }
  return h.digest('hex');
}

/** Hash of any JSON-like value (typed arrays hashed by their bytes, not their decimal text). */
export function hashValue(value: unknown): string {
  const h = createHash('sha256');
  const visit = (v: unknown): void => {
    if (ArrayBuffer.isView(v)) {
      h.update(`<${v.constructor.name}:${v.byteLength}>`);
      h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    } else if (Array.isArray(v)) {
      h.update('[');
      v.forEach(visit);
      h.update(']');
    } else if (v && typeof v === 'object') {
      h.update('{');
      for (const k of Object.keys(v).sort()) {
        h.update(JSON.stringify(k) + ':');
        visit((v as Record<string, unknown>)[k]);
      }
      h.update('}');
    } else {
      h.update(JSON.stringify(v) ?? 'undefined');
    }
    h.update(',');
  };
  visit(value);
  return h.digest('hex');
}
