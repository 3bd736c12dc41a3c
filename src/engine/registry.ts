/**
 * Engine registry. `getEngine()` returns the default engine: the first that loads in the documented order
 *
 *   native (OpenBLAS + LAPACKE addon)  >  tfjs on tfjs-node-gpu / tfjs-node  >  tfjs on wasm  >  js
 *
 * (measured in bench/engine.ts: the native sgemm is 3-6x tfjs-wasm, which is ~30x the js loops and tfjs-cpu; so tfjs
 * on its plain `cpu` backend is never a default, only when forced). `DTI_ENGINE=<name>` in the environment
 * overrides the default; `getEngine('js')` forces one; a `backend` option without a name means tfjs. Adding an engine = one `registerEngine` call.
 */
import type { Engine, EngineInfo, EngineOptions } from './types.ts';
import { JsEngine } from './js.ts';
import { createNativeEngine } from './native.ts';
import { createTfjsEngine } from './tfjs.ts';

export interface EngineFactory {
  name: string;
  /** lower = preferred when several are available */
  priority: number;
  /** resolve to an engine, or throw if it cannot load on this machine */
  create(opts: EngineOptions): Promise<Engine>;
  /** when picking the default: is this loaded engine fast enough to be one? (default yes) */
  acceptAsDefault?(e: Engine): boolean;
}

const factories = new Map<string, EngineFactory>();

export function registerEngine(f: EngineFactory): void {
  if (factories.has(f.name)) throw new Error(`engine '${f.name}' is registered twice`);
  factories.set(f.name, f);
}

registerEngine({ name: 'native', priority: 10, create: (o) => createNativeEngine(o) });
registerEngine({
  name: 'tfjs',
  priority: 20,
  create: (o) => createTfjsEngine(o),
  acceptAsDefault: (e) => e.backend !== 'tfjs-cpu',
});
registerEngine({ name: 'js', priority: 100, create: async (o) => new JsEngine(o) });

export const engineNames = (): string[] => [...factories.keys()];

/** Why each engine that was tried for the default could not be used (filled by `getEngine()`). */
export const defaultEngineLog: string[] = [];

export async function getEngine(name?: string, opts: EngineOptions = {}): Promise<Engine> {
  // a tfjs backend without an engine name means tfjs
  const forced = name ?? (process.env.DTI_ENGINE || (opts.backend ? 'tfjs' : undefined));
  if (forced) {
    const f = factories.get(forced);
    if (!f) throw new Error(`unknown engine '${forced}' (known: ${engineNames().join(', ')})`);
    return f.create(opts);
  }
  const errors: string[] = [];
  for (const f of [...factories.values()].sort((a, b) => a.priority - b.priority)) {
    try {
      const e = await f.create(opts);
      if (f.acceptAsDefault && !f.acceptAsDefault(e)) {
        errors.push(`${f.name}: only ${e.backend} loaded, slower than the next engine`);
        continue;
      }
      defaultEngineLog.splice(0, defaultEngineLog.length, ...errors);
      return e;
    } catch (e) {
      errors.push(`${f.name}: ${(e as Error).message}`);
    }
  }
  throw new Error(`no engine could load:\n${errors.join('\n')}`);
}

/** Engine identity plus library versions (OpenBLAS version/config, tfjs backend and versions), for provenance. */
export interface EngineProvenance extends EngineInfo {
  versions: Record<string, string>;
}

export function engineProvenance(e: Engine): EngineProvenance {
  return {
    name: e.name,
    backend: e.backend,
    dtype: e.dtype,
    versions: { node: process.versions.node, ...(e.versions?.() ?? {}) },
  };
}
