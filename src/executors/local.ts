/**
 * `local`: a pool of worker processes (child_process.fork through tsx), at most `jobs` at once (default: CPU
 * cores). Each task runs in a worker; if the worker dies (crash, out-of-memory kill) only that task fails, a new
 * worker takes its place, and the task is retried up to `retries` times. With more than one job, BLAS libraries
 * are limited to one thread per worker.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/types.ts';
import type { TaskRecord } from '../run/record.ts';
import type { TaskSpec } from '../run/task.ts';
import { registerExecutor } from './registry.ts';
import type { Executor, ExecutorEvents, ExecutorResult, TraceRow } from './types.ts';
import type { FromWorker } from './worker.ts';

const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));
const tsxLoader = import.meta.resolve('tsx');

export const defaultJobs = (): number => availableParallelism();

interface Slot {
  child: ChildProcess;
  ready: Promise<void>;
  busy?: { spec: TaskSpec; attempt: number; start: Date };
  peakRssMb: number | null;
}

export function workerEnv(jobs: number, threads: number | null): NodeJS.ProcessEnv {
  const env = { ...process.env };
  const t = threads ?? (jobs > 1 ? 1 : null);
  if (t !== null) {
    for (const v of ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'TF_NUM_INTRAOP_THREADS']) env[v] = String(t);
  }
  return env;
}

export async function runLocal(tasks: TaskSpec[], config: Config, events: ExecutorEvents): Promise<ExecutorResult> {
  const jobs = Math.max(1, Math.min(config.executor.jobs ?? defaultJobs(), tasks.length || 1));
  const retries = config.executor.retries;
  const queue: { spec: TaskSpec; attempt: number }[] = tasks.map((spec) => ({ spec, attempt: 1 }));
  const failed: ExecutorResult['failed'] = [];
  let done = 0;
  const env = workerEnv(jobs, config.engine.threads);

  return new Promise<ExecutorResult>((resolveAll) => {
    const slots = new Set<Slot>();
    let finished = false;

    const finishIfIdle = (): void => {
      if (finished || queue.length || [...slots].some((s) => s.busy)) return;
      finished = true;
      for (const s of slots) {
        s.child.removeAllListeners('exit');
        if (s.child.connected) s.child.send({ type: 'exit' });
      }
      resolveAll({ done, failed });
    };

    const trace = (slot: Slot, status: string): TraceRow => {
      const b = slot.busy!;
      const end = new Date();
      return {
        task: b.spec.id,
        executor: `local:${slot.child.pid}`,
        attempt: b.attempt,
        start: b.start.toISOString(),
        end: end.toISOString(),
        seconds: (end.getTime() - b.start.getTime()) / 1000,
        peakRssMb: slot.peakRssMb,
        status,
      };
    };

    const fail = (slot: Slot, error: string, retryable = true): void => {
      const b = slot.busy!;
      const final = !retryable || b.attempt > retries;
      events.onFail(b.spec, error, trace(slot, `failed: ${firstLine(error)}`), final);
      if (final) failed.push({ task: b.spec, error });
      else queue.push({ spec: b.spec, attempt: b.attempt + 1 });
      slot.busy = undefined;
    };

    const spawn = (): Slot => {
      const child = fork(workerPath, [], {
        execArgv: ['--import', tsxLoader],
        env,
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      let onReady!: () => void;
      const slot: Slot = { child, ready: new Promise<void>((r) => (onReady = r)), peakRssMb: null };
      child.on('message', (m: FromWorker) => {
        if (m.type === 'ready') onReady();
        else if (m.type === 'progress' && slot.busy) events.onProgress?.(slot.busy.spec, m.fraction);
        else if (m.type === 'done' && slot.busy) {
          const rec = m.record as TaskRecord;
          slot.peakRssMb = rec.timing.peakRssMb;
          done++;
          events.onDone(slot.busy.spec, rec, trace(slot, 'ok'));
          slot.busy = undefined;
          pump(slot);
        } else if (m.type === 'error' && slot.busy) {
          slot.peakRssMb = m.peakRssMb;
          fail(slot, m.error, m.retryable);
          pump(slot);
        }
      });
      child.on('exit', (code, signal) => {
        slots.delete(slot);
        if (slot.busy) fail(slot, `worker ${child.pid} died (${signal ? `signal ${signal}` : `exit code ${code}`})`);
        if (queue.length) pump(spawnSlot());
        finishIfIdle();
      });
      return slot;
    };

    const spawnSlot = (): Slot => {
      const s = spawn();
      slots.add(s);
      return s;
    };

    const pump = (slot: Slot): void => {
      if (finished) return;
      const next = queue.shift();
      if (!next) {
        finishIfIdle();
        return;
      }
      slot.busy = { spec: next.spec, attempt: next.attempt, start: new Date() };
      events.onStart?.(next.spec, next.attempt);
      void slot.ready.then(() => {
        slot.busy!.start = new Date();
        slot.child.send({ type: 'task', spec: next.spec });
      });
    };

    if (!queue.length) {
      finishIfIdle();
      return;
    }
    for (let i = 0; i < jobs; i++) pump(spawnSlot());
  });
}

const firstLine = (s: string): string => s.split('\n')[0].replace(/\t/g, ' ').slice(0, 200);

const local: Executor = {
  name: 'local',
  description: 'pool of worker processes on this machine, bounded by --jobs',
  run: runLocal,
};
registerExecutor(local);
