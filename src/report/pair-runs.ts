/**
 * Two runs of the same folds matched task by task: records are paired by (method label, dataset, setting,
 * repetition, fold) and grouped by cell (method, dataset, setting). Used by the benches that set two runs side by
 * side (bench/protocol-gap.ts, bench/compare-runs.ts).
 */
import type { TaskRecord } from '../run/record.ts';

export interface PairedRuns {
  /** cell key `method|dataset|setting` -> the folds both runs have, as [record of a, record of b] */
  cells: Map<string, [TaskRecord, TaskRecord][]>;
  /** tasks in one run only */
  onlyA: number;
  onlyB: number;
}

export const cellKey = (r: TaskRecord): string => `${r.task.method}|${r.task.dataset}|${r.task.setting}`;
const taskKey = (r: TaskRecord): string => `${cellKey(r)}|${r.task.repetition}/${r.task.fold}`;

function byTask(records: readonly TaskRecord[], run: string): Map<string, TaskRecord> {
  const out = new Map<string, TaskRecord>();
  for (const r of records) {
    const k = taskKey(r);
    if (out.has(k)) throw new Error(`run ${run} has two records for ${k}: pass one run per side`);
    out.set(k, r);
  }
  return out;
}

/** Pair the tasks of runs `a` and `b` (each task at most once per run), cells in the order of `a`. */
export function pairRuns(a: readonly TaskRecord[], b: readonly TaskRecord[]): PairedRuns {
  const ta = byTask(a, 'A');
  const tb = byTask(b, 'B');
  const cells = new Map<string, [TaskRecord, TaskRecord][]>();
  let onlyA = 0;
  for (const [k, ra] of ta) {
    const rb = tb.get(k);
    if (!rb) {
      onlyA++;
      continue;
    }
    const c = cells.get(cellKey(ra)) ?? [];
    c.push([ra, rb]);
    cells.set(cellKey(ra), c);
  }
  const onlyB = [...tb.keys()].filter((k) => !ta.has(k)).length;
  return { cells, onlyA, onlyB };
}
