/** Method registry: adding a method = one file that calls `registerMethod`, imported from ./all.ts. */
import type { Method } from './types.ts';

const methods = new Map<string, Method<any>>();

export function registerMethod<P>(m: Method<P>): void {
  if (methods.has(m.name)) throw new Error(`method '${m.name}' is registered twice`);
  methods.set(m.name, m as Method<any>);
}

export function getMethod(name: string): Method<any> {
  const m = methods.get(name);
  if (!m) throw new Error(`unknown method '${name}' (known: ${[...methods.keys()].join(', ') || 'none'})`);
  return m;
}

export const methodNames = (): string[] => [...methods.keys()];
