/** `dti _task --list FILE --index I`: run one task of a task list (one SLURM array element). */
import { readFileSync } from 'node:fs';
import { loadDeps, loadPlugins, type RunDeps } from '../run/deps.ts';
import { TaskContext, runTask } from '../run/execute.ts';
import type { TaskSpec } from '../run/task.ts';

export async function runTaskFromList(list: string, index: number, deps?: RunDeps): Promise<number> {
  const tasks = JSON.parse(readFileSync(list, 'utf8')) as TaskSpec[];
  const spec = tasks[index];
  if (!spec) {
    process.stderr.write(`error: ${list} has no task ${index} (it has ${tasks.length})\n`);
    return 2;
  }
  process.stderr.write(`[task] ${spec.id} (key ${spec.key.slice(0, 12)}) on ${process.env.SLURMD_NODENAME ?? 'this host'}\n`);
  await loadPlugins(spec.plugins);
  const ctx = new TaskContext(deps ?? (await loadDeps()));
  const rec = await runTask(spec, ctx);
  process.stderr.write(`[task] done in ${rec.timing.seconds.toFixed(2)} s: ${JSON.stringify(rec.metrics)}\n`);
  return 0;
}
