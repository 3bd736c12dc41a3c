/** Executors run task specs somewhere (worker processes, SLURM) and report back; one file per executor. */
import type { Config } from '../config/types.ts';
import type { TaskRecord } from '../run/record.ts';
import type { TaskSpec } from '../run/task.ts';

export interface TraceRow {
  task: string;
  executor: string;
  attempt: number;
  start: string;
  end: string;
  seconds: number;
  peakRssMb: number | null;
  /** 'ok', or 'failed: <reason>' */
  status: string;
}

export interface ExecutorEvents {
  onStart?(task: TaskSpec, attempt: number): void;
  onProgress?(task: TaskSpec, fraction: number): void;
  onDone(task: TaskSpec, record: TaskRecord, trace: TraceRow): void;
  /** `final` = no retries left */
  onFail(task: TaskSpec, error: string, trace: TraceRow, final: boolean): void;
  log?(message: string): void;
}

export interface ExecutorResult {
  done: number;
  failed: { task: TaskSpec; error: string }[];
}

export interface Executor {
  readonly name: string;
  readonly description: string;
  run(tasks: TaskSpec[], config: Config, events: ExecutorEvents): Promise<ExecutorResult>;
}
