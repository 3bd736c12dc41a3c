/** Synthetic task records and prediction files for report tests (seeded, deterministic). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskRecord } from '../../src/run/record.ts';
import { Rng } from '../../src/core/rng.ts';

export function record(
  task: Partial<TaskRecord['task']> & { dataset: string; setting: string; method: string; repetition: number; fold: number },
  metrics: TaskRecord['metrics'],
  extra: Partial<TaskRecord> = {},
): TaskRecord {
  const t = { methodVersion: '1', params: {}, protocol: 'leak-free', profiles: 'train' as const, ...task };
  return {
    schema: 'sgmc-dti/task-result/1',
    key: `${t.dataset}-${t.setting}-${t.method}-${t.protocol}-${t.repetition}-${t.fold}`,
    task: t,
    metrics,
    nTest: 100,
    engine: { name: 'js' } as unknown as TaskRecord['engine'],
    timing: { start: '2026-01-01T00:00:00Z', end: '2026-01-01T00:00:01Z', seconds: 1, peakRssMb: 100 },
    ...extra,
  };
}

const BASE: Record<string, number[]> = { mgrnnm: [0.95, 0.8, 0.1], grmf: [0.94, 0.78, 0.11], sgmc: [0.97, 0.85, 0.08] };

/** DTI records: datasets x CVS1..3 x methods x reps x folds, metrics near BASE with seeded noise. */
export function dtiRecords(opts: { datasets?: string[]; reps?: number; folds?: number; seed?: number; predictionsDir?: string; protocol?: string; profiles?: 'train' | 'full' | 'none' } = {}): TaskRecord[] {
  const r = new Rng(opts.seed ?? 1);
  const out: TaskRecord[] = [];
  for (const dataset of opts.datasets ?? ['e', 'gpcr']) {
    for (const setting of ['CVS1', 'CVS2', 'CVS3']) {
      for (const method of Object.keys(BASE)) {
        for (let rep = 0; rep < (opts.reps ?? 5); rep++) {
          for (let fold = 0; fold < (opts.folds ?? 10); fold++) {
            const [a, p, e] = BASE[method];
            const metrics: TaskRecord['metrics'] = {
              auc: a + 0.01 * r.normal(),
              aupr: p + 0.03 * r.normal(),
              rmse: e + 0.005 * r.normal(),
            };
            if (method === 'sgmc') metrics.optimistic = { rmse: metrics.rmse - 0.01, iteration: 100 };
            const extra: Partial<TaskRecord> = {};
            if (opts.predictionsDir && dataset === 'e' && setting === 'CVS1' && rep === 0) {
              const rel = `pred/${method}-${fold}.json`;
              const n = 60;
              const labels = Array.from({ length: n }, () => (r.next() < 0.2 ? 1 : 0));
              const sep = method === 'sgmc' ? 2 : method === 'grmf' ? 1.2 : 0.8;
              const scores = labels.map((l) => Math.round((l * sep + r.normal()) * 100) / 100);
              mkdirSync(join(opts.predictionsDir, 'pred'), { recursive: true });
              writeFileSync(join(opts.predictionsDir, rel), JSON.stringify({ scores, labels }));
              extra.predictions = rel;
            }
            out.push(
              record(
                { dataset, setting, method, repetition: rep, fold, protocol: opts.protocol ?? 'leak-free', profiles: opts.profiles ?? 'train' },
                metrics,
                extra,
              ),
            );
          }
        }
      }
    }
  }
  return out;
}

export function recsysRecords(seed = 2): TaskRecord[] {
  const r = new Rng(seed);
  const out: TaskRecord[] = [];
  for (const dataset of ['douban', 'flixster']) {
    for (const [method, base] of [['dmf', 0.74], ['sgmc', 0.73], ['mean', 0.76]] as const) {
      for (let rep = 0; rep < 3; rep++) {
        out.push(record({ dataset, setting: 'given', method, repetition: rep, fold: 0 }, { rmse: base + 0.003 * r.normal() }));
      }
    }
  }
  return out;
}
