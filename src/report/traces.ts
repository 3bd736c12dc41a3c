/**
 * Singular-value traces saved by the run stage, for the SGMC-vs-DMF dynamics plot.
 *
 * Expected (proposal to the run stage): a record field `traces` = path (relative to the run directory) of a JSON
 * file holding the method's `FitOutput.traces`, where `singularValues[t]` are the singular values at checkpoint `t`
 * and, optionally, `singularValueIterations` (number[] or [[it], ...]) the iteration of each checkpoint.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { InputError } from '../core/errors.ts';
import type { TaskRecord } from '../run/record.ts';
import { compareDatasets, compareMethods, type Group } from './aggregate.ts';

export interface SingularValueTraces {
  title: { text: string; subtitle: string };
  traces: Record<string, number[][]>;
  iterations?: Record<string, number[]>;
}

const tracesPath = (r: TaskRecord): string | undefined => {
  const p = (r as TaskRecord & { traces?: unknown }).traces;
  return typeof p === 'string' && p !== '' ? p : undefined;
};

/**
 * Picks one run (dataset, setting, repetition, fold, protocol) where the most methods saved singular values (ties: the
 * first in dataset/setting/repetition/fold order) and returns their traces by method label; undefined when none.
 */
export async function singularValueTraces(groups: Group[], baseDir: string): Promise<SingularValueTraces | undefined> {
  const runs = new Map<string, { g: Group; r: TaskRecord }[]>();
  for (const g of groups) {
    for (const r of g.records) {
      if (!tracesPath(r)) continue;
      const k = [g.dataset, g.setting, r.task.repetition, r.task.fold, g.protocol, g.profiles].join('\u0000');
      runs.set(k, [...(runs.get(k) ?? []), { g, r }]);
    }
  }
  const order = [...runs.entries()].sort((a, b) => {
    const [da, sa, ra, fa] = a[0].split('\u0000');
    const [db, sb, rb, fb] = b[0].split('\u0000');
    return b[1].length - a[1].length || compareDatasets(da, db) || cmp(sa, sb) || Number(ra) - Number(rb) || Number(fa) - Number(fb) || cmp(a[0], b[0]);
  });
  for (const [key, items] of order) {
    const traces: Record<string, number[][]> = {};
    const iterations: Record<string, number[]> = {};
    for (const { g, r } of items.sort((a, b) => compareMethods(a.g.label, b.g.label))) {
      const file = tracesPath(r)!;
      const path = isAbsolute(file) ? file : resolve(baseDir, file);
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(await readFile(path, 'utf8'));
      } catch (e) {
        throw new InputError(`cannot read traces: ${(e as Error).message}`, { file: path });
      }
      const sv = o.singularValues;
      if (!Array.isArray(sv) || !sv.length) continue;
      if (!sv.every((row) => Array.isArray(row) && row.every((v) => typeof v === 'number' && Number.isFinite(v)))) {
        throw new InputError('singularValues must be an array of arrays of finite numbers', { file: path, field: 'singularValues' });
      }
      traces[g.label] = sv as number[][];
      const its = o.singularValueIterations;
      if (Array.isArray(its) && its.length === sv.length) {
        const flat = its.map((x) => (Array.isArray(x) ? x[0] : x));
        if (flat.every((x) => typeof x === 'number' && Number.isFinite(x))) iterations[g.label] = flat as number[];
      }
    }
    if (!Object.keys(traces).length) continue;
    const [d, s, rep, fold, protocol] = key.split('\u0000');
    return {
      title: { text: 'Singular values of the completed matrix during training', subtitle: `${d} ${s}, repetition ${rep}, fold ${fold} (${protocol})` },
      traces,
      iterations: Object.keys(iterations).length === Object.keys(traces).length ? iterations : undefined,
    };
  }
  return undefined;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
