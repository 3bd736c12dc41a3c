/**
 * pipeline_info/trace.tsv: one row per task attempt (task, executor, attempt, start, end, seconds, peak memory,
 * status). Rows of earlier invocations are kept; the file is rewritten atomically (never appended), so a killed
 * run leaves either the old or the new complete file.
 */
import { readFileSync, existsSync } from 'node:fs';
import { writeFileAtomic } from '../core/atomic.ts';
import type { TraceRow } from '../executors/types.ts';

export const TRACE_HEADER = ['task', 'executor', 'attempt', 'start', 'end', 'seconds', 'peak_rss_mb', 'status'];

const clean = (s: string): string => s.replace(/[\t\n\r]/g, ' ');

export const formatTraceRow = (r: TraceRow): string =>
  [r.task, r.executor, r.attempt, r.start, r.end, r.seconds.toFixed(3), r.peakRssMb ?? '', clean(r.status)].map(String).join('\t');

export class Trace {
  private lines: string[] = [];
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {
    if (existsSync(path)) {
      const old = readFileSync(path, 'utf8').split('\n');
      if (old[0] === TRACE_HEADER.join('\t')) {
        this.lines = old.slice(1).filter((l) => l.split('\t').length === TRACE_HEADER.length);
      }
    }
  }

  add(r: TraceRow): void {
    this.lines.push(formatTraceRow(r));
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, 1000);
  }

  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!this.dirty) return this.writing;
    this.dirty = false;
    const text = [TRACE_HEADER.join('\t'), ...this.lines].join('\n') + '\n';
    this.writing = this.writing.then(() => writeFileAtomic(this.path, text));
    return this.writing;
  }
}
