/**
 * `dti status`: which planned tasks are done, which have fits under way (a checkpoint: running now, or killed and
 * waiting for the next run) and which have not started. Reads records and checkpoint headers (not their data) and
 * takes no lock, so it can watch a run in progress (a SLURM array, say); like every stage it plans the tasks, which
 * writes a fold file only when its content changes.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskSpec } from './task.ts';
import { checkpointDir, readCheckpointHeader } from './checkpoint.ts';

/** One fit's saved progress (from its checkpoint header). */
export interface FitProgress {
  /** fit number within the task (selection candidates first, then the final fit) */
  fit: number;
  phase: string;
  /** updates done at the save, and the fit's cap when known (a refit's: the selected count) */
  update: number;
  of: number | null;
  /** the fit's wall seconds up to the save */
  seconds: number;
  /** best validation RMSE so far and its update (validation-best stopping), or the latest one */
  validationRmse: number | null;
  bestAt: number | null;
  savedAt: Date;
}

export interface TaskStatus {
  task: TaskSpec;
  state: 'done' | 'under way' | 'pending';
  fits: FitProgress[];
}

/** the iteration cap of fit `j` of a task (a selection candidate's own, else the task's) */
function capOf(t: TaskSpec, j: number): number | null {
  const params = t.select && j < t.select.candidates.length ? t.select.candidates[j] : t.params;
  return typeof params.iterations === 'number' ? params.iterations : null;
}

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** Progress of the fits of one task that have checkpoints (unreadable files are reported as such by the caller). */
export function fitProgress(t: TaskSpec): FitProgress[] {
  const dir = checkpointDir(t.outdir, t.key);
  if (!existsSync(dir)) return [];
  const out: FitProgress[] = [];
  for (const name of readdirSync(dir).sort()) {
    const m = /^fit(\d+)\.ckpt$/.exec(name);
    if (!m) continue;
    const file = join(dir, name);
    const h = readCheckpointHeader(file) as { phase?: string; loop?: Record<string, unknown[] | number>; first?: { scoresAt?: unknown[] } };
    const loop = h.loop ?? {};
    const first = <T>(k: string): T | undefined => (Array.isArray(loop[k]) ? (loop[k] as T[])[0] : undefined);
    const best = num(first('bestVal'));
    const j = Number(m[1]);
    out.push({
      fit: j,
      phase: String(h.phase ?? '?'),
      update: num(loop.it) ?? 0,
      // a refit runs to the count the first phase selected
      of: h.phase === 'refit' ? num(h.first?.scoresAt?.[0]) : capOf(t, j),
      seconds: num(loop.seconds) ?? 0,
      validationRmse: best ?? num(first('valRmse')),
      bestAt: best !== null ? num(first('bestAt')) : null,
      savedAt: statSync(file).mtime,
    });
  }
  return out;
}

export function taskStatus(tasks: readonly TaskSpec[], isComplete: (t: TaskSpec) => boolean): TaskStatus[] {
  return tasks.map((task) => {
    if (isComplete(task)) return { task, state: 'done', fits: [] };
    const fits = fitProgress(task);
    return { task, state: fits.length ? 'under way' : 'pending', fits };
  });
}

const duration = (s: number): string => (s < 90 ? `${Math.round(s)} s` : s < 5400 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

/** the fit's pace so far and the time left to its cap at that pace (an upper bound: validation may stop it first) */
function pace(f: FitProgress): string {
  if (f.update <= 0 || f.seconds <= 0) return '';
  const each = f.seconds / f.update;
  const rate = each < 1 ? `${(each * 1000).toPrecision(2)} ms` : `${each.toPrecision(2)} s`;
  return f.of !== null && f.of > f.update ? ` (${rate} per update, up to ${duration(each * (f.of - f.update))} more)` : ` (${rate} per update)`;
}

/** The report: a summary line, every fit under way, the first `maxPending` pending tasks. */
export function formatStatus(list: readonly TaskStatus[], now: Date, maxPending = 20): string {
  const count = (s: TaskStatus['state']): number => list.filter((x) => x.state === s).length;
  const lines = [`[status] ${list.length} task(s): ${count('done')} done, ${count('under way')} under way, ${count('pending')} pending`];
  for (const x of list.filter((y) => y.state === 'under way')) {
    for (const f of x.fits) {
      const val = f.validationRmse === null ? '' : `, ${f.bestAt !== null ? 'best validation' : 'validation'} RMSE ${f.validationRmse.toPrecision(5)}${f.bestAt !== null ? ` at ${f.bestAt}` : ''}`;
      const phase = f.phase === 'refit' ? ' (refit)' : '';
      lines.push(
        `  under way  ${x.task.id}  fit ${f.fit}${phase}: update ${f.update}${f.of !== null ? ` of ${f.of}` : ''} after ${duration(f.seconds)}${pace(f)}${val}; saved ${duration((now.getTime() - f.savedAt.getTime()) / 1000)} ago`,
      );
    }
  }
  const pending = list.filter((y) => y.state === 'pending');
  for (const x of pending.slice(0, maxPending)) lines.push(`  pending    ${x.task.id}`);
  if (pending.length > maxPending) lines.push(`  ... and ${pending.length - maxPending} more pending`);
  return lines.join('\n') + '\n';
}
