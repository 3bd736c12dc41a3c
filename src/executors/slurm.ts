/**
 * `slurm`: pending tasks go to SLURM as job arrays (`sbatch --array=0-N%throttle`), one task per array index. The
 * task list is a JSON file on the (shared) output directory; each array element runs `dti _task --list FILE
 * --index $SLURM_ARRAY_TASK_ID`, which writes the task's record. The executor polls `squeue` (and `sacct` when
 * accounting exists; an empty or failed answer is not a failure), reports records as they appear, and resubmits
 * the indices without a valid record up to `retries` times. Commands are built from argument arrays (zx quotes them).
 */
import { mkdir, chmod } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $, quote } from 'zx';
import { writeFileAtomic } from '../core/atomic.ts';
import type { Config, SlurmOptions } from '../config/types.ts';
import { readRecord } from '../run/records.ts';
import { recordFile, type TaskSpec } from '../run/task.ts';
import { registerExecutor } from './registry.ts';
import type { Executor, ExecutorEvents, ExecutorResult, TraceRow } from './types.ts';

const binPath = fileURLToPath(new URL('../../bin/dti.js', import.meta.url));
/** SLURM's default MaxArraySize is 1001: larger task lists go out in chunks. */
export const MAX_ARRAY = 1000;
const ACTIVE = new Set(['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESIZING', 'SIGNALING', 'STAGE_OUT']);

/** `0-9` style ranges for an --array spec: [0,1,2,5,7,8] -> "0-2,5,7-8". */
export function arraySpec(indices: number[]): string {
  const s = [...indices].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < s.length; ) {
    let j = i;
    while (j + 1 < s.length && s[j + 1] === s[j] + 1) j++;
    parts.push(i === j ? `${s[i]}` : `${s[i]}-${s[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** sbatch arguments (an array: zx quotes each element). */
export function sbatchArgs(o: SlurmOptions, p: { name: string; indices: number[]; logDir: string; script: string }): string[] {
  const args = ['--parsable', `--job-name=${p.name}`, `--array=${arraySpec(p.indices)}${o.throttle ? `%${o.throttle}` : ''}`];
  args.push(`--output=${join(p.logDir, '%A_%a.out')}`, `--cpus-per-task=${o.cpus}`);
  if (o.mem) args.push(`--mem=${o.mem}`);
  if (o.time) args.push(`--time=${o.time}`);
  if (o.partition) args.push(`--partition=${o.partition}`);
  if (o.account) args.push(`--account=${o.account}`);
  args.push(...o.extraArgs, p.script);
  return args;
}

/** Job id from `sbatch --parsable` output ("123" or "123;cluster"). */
export function parseJobId(out: string): string {
  const id = out.trim().split('\n').pop()!.split(';')[0].trim();
  if (!/^\d+$/.test(id)) throw new Error(`sbatch answered '${out.trim()}', expected a job id`);
  return id;
}

/** squeue lines "JOBID|STATE" -> is any element of the job still active? */
export function anyActive(squeueOut: string): boolean {
  return squeueOut
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .some((l) => ACTIVE.has(l.split('|')[1]?.split(' ')[0] ?? ''));
}

/** sacct -P lines "JobID|State|ExitCode" -> state per array index (steps like 12_3.batch skipped). */
export function parseSacct(out: string, jobId: string): Map<number, { state: string; exit: string }> {
  const m = new Map<number, { state: string; exit: string }>();
  for (const line of out.split('\n')) {
    const [id, state, exit] = line.trim().split('|');
    const r = new RegExp(`^${jobId}_(\\d+)$`).exec(id ?? '');
    if (r && state) m.set(Number(r[1]), { state: state.split(' ')[0], exit: exit ?? '' });
  }
  return m;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function submit(o: SlurmOptions, name: string, indices: number[], listFile: string, dir: string, node: string): Promise<string> {
  const script = join(dir, `${name}.sh`);
  const logDir = join(dir, 'logs');
  await mkdir(logDir, { recursive: true });
  // the batch script only references files; zx's quote() escapes each one for bash
  const q = quote;
  await writeFileAtomic(
    script,
    ['#!/bin/bash', 'set -eu', `exec ${q(node)} ${q(binPath)} _task --list ${q(listFile)} --index "$SLURM_ARRAY_TASK_ID"`, ''].join('\n'),
  );
  await chmod(script, 0o755);
  const args = sbatchArgs(o, { name, indices, logDir, script });
  const out = await $({ quiet: true })`sbatch ${args}`;
  return parseJobId(out.stdout);
}

async function poll(jobId: string): Promise<{ active: boolean; error?: string }> {
  const r = await $({ quiet: true, nothrow: true })`squeue -h -j ${jobId} -o ${'%i|%T'}`;
  if (r.exitCode === 0) return { active: anyActive(r.stdout) };
  // finished jobs are eventually purged: squeue then says "Invalid job id"
  if (/invalid job id/i.test(r.stderr)) return { active: false };
  return { active: true, error: r.stderr.trim() || `squeue exit code ${r.exitCode}` };
}

async function sacct(jobId: string): Promise<Map<number, { state: string; exit: string }>> {
  const r = await $({ quiet: true, nothrow: true })`sacct -n -P -X -j ${jobId} -o ${'JobID,State,ExitCode'}`;
  return r.exitCode === 0 ? parseSacct(r.stdout, jobId) : new Map();
}

export async function runSlurm(tasks: TaskSpec[], config: Config, events: ExecutorEvents): Promise<ExecutorResult> {
  const o = config.executor.slurm;
  const dir = join(config.outdir, 'slurm');
  await mkdir(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const node = o.node ?? process.execPath;
  const failed: ExecutorResult['failed'] = [];
  let done = 0;
  for (let c = 0; c * MAX_ARRAY < tasks.length; c++) {
    const chunk = tasks.slice(c * MAX_ARRAY, (c + 1) * MAX_ARRAY);
    const listFile = resolve(dir, `tasks-${stamp}-${c}.json`);
    await writeFileAtomic(listFile, JSON.stringify(chunk) + '\n');
    let pending = chunk.map((_, i) => i);
    for (let attempt = 1; pending.length; attempt++) {
      const name = `dti-${config.name}-${stamp}-${c}-a${attempt}`;
      const jobId = await submit(o, name, pending, listFile, dir, node);
      events.log?.(`slurm: submitted job ${jobId} (${pending.length} task${pending.length > 1 ? 's' : ''}, attempt ${attempt})`);
      const seen = new Set<number>();
      const collect = (): void => {
        for (const i of pending) {
          if (seen.has(i)) continue;
          const rec = readRecord(recordFile(config.outdir, chunk[i].id), chunk[i].key);
          if (!rec) continue;
          seen.add(i);
          done++;
          events.onDone(chunk[i], rec, {
            task: chunk[i].id,
            executor: `slurm:${jobId}_${i}`,
            attempt,
            start: rec.timing.start,
            end: rec.timing.end,
            seconds: rec.timing.seconds,
            peakRssMb: rec.timing.peakRssMb,
            status: 'ok',
          });
        }
      };
      let errors = 0;
      for (;;) {
        await sleep(o.pollSeconds * 1000);
        const st = await poll(jobId);
        collect();
        if (st.error) {
          if (++errors >= 30) throw new Error(`squeue keeps failing for job ${jobId}: ${st.error}`);
          events.log?.(`slurm: squeue failed (${st.error}); retrying`);
          continue;
        }
        errors = 0;
        if (!st.active) break;
      }
      collect();
      const states = await sacct(jobId);
      const left = pending.filter((i) => !seen.has(i));
      const final = attempt > config.executor.retries;
      for (const i of left) {
        const s = states.get(i);
        const why = s ? `${s.state} (exit ${s.exit})` : 'no valid record';
        const error = `array element ${jobId}_${i} ended without a valid record: ${why}; log ${join(dir, 'logs', `${jobId}_${i}.out`)}`;
        const now = new Date().toISOString();
        const row: TraceRow = { task: chunk[i].id, executor: `slurm:${jobId}_${i}`, attempt, start: now, end: now, seconds: 0, peakRssMb: null, status: `failed: ${why}` };
        events.onFail(chunk[i], error, row, final);
        if (final) failed.push({ task: chunk[i], error });
      }
      pending = final ? [] : left;
    }
  }
  return { done, failed };
}

const slurm: Executor = {
  name: 'slurm',
  description: 'SLURM job arrays (sbatch --array, one task per index), polled with squeue/sacct',
  run: runSlurm,
};
registerExecutor(slurm);
