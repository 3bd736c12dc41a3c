/** Executor registry: adding an executor = one file calling `registerExecutor`, imported from ./all.ts. */
import type { Executor } from './types.ts';

const executors = new Map<string, Executor>();

export function registerExecutor(e: Executor): void {
  if (executors.has(e.name)) throw new Error(`executor '${e.name}' is registered twice`);
  executors.set(e.name, e);
}

export function getExecutor(name: string): Executor {
  const e = executors.get(name);
  if (!e) throw new Error(`unknown executor '${name}' (known: ${[...executors.keys()].join(', ')})`);
  return e;
}

export const executorNames = (): string[] => [...executors.keys()];
