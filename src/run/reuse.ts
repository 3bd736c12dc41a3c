/**
 * Finished work is never recomputed, across runs too: a task whose record in an earlier run's output directory is
 * valid with the same input key (same data, folds, method, parameters, seed and engine) is copied from there with
 * its predictions and traces, instead of being run again (`reuse` in the config).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/atomic.ts';
import { readRecord } from './records.ts';
import type { TaskRecord } from './record.ts';
import { recordFile, type TaskSpec } from './task.ts';

/** The task's record under `dir` when it is valid with the task's key and the files it names are there. */
export function completeRecordIn(dir: string, t: TaskSpec): TaskRecord | null {
  const rec = readRecord(recordFile(dir, t.id), t.key);
  if (!rec) return null;
  if (rec.traces !== undefined && !existsSync(join(dir, rec.traces))) return null;
  if (t.savePredictions && (rec.predictions === undefined || !existsSync(join(dir, rec.predictions)))) return null;
  return rec;
}

/**
 * Copy the tasks' results found in `dirs` (first match wins) into each task's outdir: the files a record names
 * first, the record last (each written atomically), so an interrupted copy leaves no record without its files.
 * Returns the tasks that were copied.
 */
export async function reuseRecords(tasks: readonly TaskSpec[], dirs: readonly string[]): Promise<TaskSpec[]> {
  const copied: TaskSpec[] = [];
  for (const t of tasks) {
    for (const dir of dirs) {
      const rec = completeRecordIn(dir, t);
      if (!rec) continue;
      for (const rel of [rec.predictions, rec.traces]) {
        if (rel !== undefined && existsSync(join(dir, rel))) await writeFileAtomic(join(t.outdir, rel), readFileSync(join(dir, rel)));
      }
      await writeFileAtomic(recordFile(t.outdir, t.id), readFileSync(recordFile(dir, t.id)));
      copied.push(t);
      break;
    }
  }
  return copied;
}
