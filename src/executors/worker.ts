/**
 * A task worker process (forked by the local executor through tsx). It runs one task at a time on request and
 * answers over IPC; datasets, folds and engines stay cached between tasks. A crash of this process fails only the
 * task it was running.
 */
import { loadDeps, loadPlugins } from '../run/deps.ts';
import { TaskContext, runTask } from '../run/execute.ts';
import type { TaskSpec } from '../run/task.ts';
import { isUserError } from '../core/errors.ts';

export type ToWorker = { type: 'task'; spec: TaskSpec } | { type: 'exit' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; id: string; fraction: number }
  | { type: 'done'; id: string; record: unknown }
  | { type: 'error'; id: string; error: string; retryable: boolean; peakRssMb: number };

const send = (m: FromWorker): void => {
  process.send?.(m);
};

let ctx: TaskContext | undefined;

/**
 * The pool's process is gone (killed with SIGKILL, say): a fit runs synchronously between evaluations, so the
 * 'disconnect' event would only be seen after the whole task, and the orphan would go on computing and writing
 * checkpoints beside the next run's worker. `process.ppid` is read live; the fit asks at every evaluation.
 */
const parent = process.ppid;
const orphaned = (): boolean => process.ppid !== parent;

async function handle(spec: TaskSpec): Promise<void> {
  try {
    await loadPlugins(spec.plugins);
    ctx ??= new TaskContext(await loadDeps());
    let last = 0;
    const rec = await runTask(spec, ctx, (f) => {
      if (orphaned()) process.exit(0);
      const now = Date.now();
      if (now - last > 500) {
        last = now;
        send({ type: 'progress', id: spec.id, fraction: f });
      }
    });
    send({ type: 'done', id: spec.id, record: rec });
  } catch (e) {
    const err = e as Error;
    // bad input (a user error) fails the same way every time: no retry
    send({
      type: 'error',
      id: spec.id,
      error: isUserError(e) ? err.message : (err?.stack ?? String(e)),
      retryable: !isUserError(e),
      peakRssMb: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
    });
  }
}

process.on('message', (m: ToWorker) => {
  if (m.type === 'task') void handle(m.spec);
  else if (m.type === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
