/**
 * Engine registry. `getEngine()` returns the default (fastest available) engine; `getEngine('js')` forces one.
 * Adding an engine = one file that calls `registerEngine`.
 */
import type { Engine, EngineOptions } from './types.ts';
import { JsEngine } from './js.ts';

export interface EngineFactory {
  name: string;
  /** lower = preferred when several are available */
  priority: number;
  /** resolve to an engine, or throw if it cannot load on this machine */
  create(opts: EngineOptions): Promise<Engine>;
}

const factories = new Map<string, EngineFactory>();

export function registerEngine(f: EngineFactory): void {
  if (factories.has(f.name)) throw new Error(`engine '${f.name}' is registered twice`);
  factories.set(f.name, f);
}

registerEngine({ name: 'js', priority: 100, create: async (o) => new JsEngine(o) });

export const engineNames = (): string[] => [...factories.keys()];

export async function getEngine(name?: string, opts: EngineOptions = {}): Promise<Engine> {
  if (name) {
    const f = factories.get(name);
    if (!f) throw new Error(`unknown engine '${name}' (known: ${engineNames().join(', ')})`);
    return f.create(opts);
  }
  const errors: string[] = [];
  for (const f of [...factories.values()].sort((a, b) => a.priority - b.priority)) {
    try {
      return await f.create(opts);
    } catch (e) {
      errors.push(`${f.name}: ${(e as Error).message}`);
    }
  }
  throw new Error(`no engine could load:\n${errors.join('\n')}`);
}
