/**
 * Wall time of a `full` profile run (or a stated subset) and where it goes.
 *
 *   node --import tsx bench/full-run.ts run NAME -- <dti all flags>     # runs `node bin/dti.js all <flags>`, then analyze
 *   node --import tsx bench/full-run.ts analyze NAME OUTDIR [WALL.json|-] [LABELS] # an existing run's trace.tsv
 *   node --import tsx bench/full-run.ts report                         # rewrite full-run.md from full-run.json
 *
 * Per (method, dataset, setting): tasks, task seconds (sum, mean per fold) from trace.tsv; the run stage's span (first
 * task start to last task end) and the rest of the wall time (fetch, splits, graphs, report, start-up). Projection to
 * the whole profile (5 repetitions x 10 folds of every dataset and setting): mean seconds per fold x 50 folds, summed,
 * divided by the jobs, plus the measured non-task time. Results merge by NAME into bench/results/full-run.json.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/core/atomic.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsJson = join(root, 'bench/results/full-run.json');
const resultsMd = join(root, 'bench/results/full-run.md');

interface Group {
  method: string;
  dataset: string;
  setting: string;
  tasks: number;
  seconds: number;
  meanPerFold: number;
}

interface RunFigures {
  name: string;
  outdir: string;
  args: string;
  commit: string;
  date: string;
  machine: string;
  loadStart: number[];
  jobs: number;
  wallSeconds: number | null;
  runStageSeconds: number;
  otherSeconds: number | null;
  taskSeconds: number;
  failedAttempts: number;
  groups: Group[];
  projection: { foldsPerCell: number; workerSeconds: number; wallSeconds: number; missingCells: string[] };
}

const PROFILE = { datasets: ['e', 'ic', 'gpcr', 'nr'], settings: ['CVS1', 'CVS2', 'CVS3'], folds: 50 };

function analyze(
  name: string,
  outdir: string,
  wall: { start: number; end: number; args?: string; commit?: string } | null,
  jobs: number,
  labels: string[] | null = null,
): RunFigures {
  const tracePath = join(outdir, 'pipeline_info/trace.tsv');
  if (!existsSync(tracePath)) throw new Error(`${tracePath}: no trace (did the run stage start?)`);
  const lines = readFileSync(tracePath, 'utf8').trim().split('\n');
  const head = lines[0].split('\t');
  const col = (k: string): number => {
    const i = head.indexOf(k);
    if (i < 0) throw new Error(`${tracePath}: no column '${k}'`);
    return i;
  };
  const [cTask, cStart, cEnd, cSec, cStatus] = ['task', 'start', 'end', 'seconds', 'status'].map(col);
  const groups = new Map<string, Group>();
  let first = Infinity;
  let last = -Infinity;
  let failed = 0;
  let taskSeconds = 0;
  for (const line of lines.slice(1)) {
    const f = line.split('\t');
    // a resumed output directory keeps the rows of earlier runs: count only this run's attempts
    if (wall && (Date.parse(f[cStart]) < wall.start * 1000 || Date.parse(f[cEnd]) > wall.end * 1000)) continue;
    if (labels && !labels.includes(f[cTask].split('/')[2])) continue;
    first = Math.min(first, Date.parse(f[cStart]));
    last = Math.max(last, Date.parse(f[cEnd]));
    const sec = Number(f[cSec]);
    taskSeconds += sec;
    if (f[cStatus] !== 'ok') {
      failed++;
      continue;
    }
    const [dataset, setting, method] = f[cTask].split('/');
    const key = `${method}\t${dataset}\t${setting}`;
    const g = groups.get(key) ?? { method, dataset, setting, tasks: 0, seconds: 0, meanPerFold: 0 };
    g.tasks++;
    g.seconds += sec;
    groups.set(key, g);
  }
  const list = [...groups.values()].sort((a, b) => b.seconds - a.seconds);
  for (const g of list) g.meanPerFold = g.seconds / g.tasks;
  const methods = [...new Set(list.map((g) => g.method))];
  let workerSeconds = 0;
  const missing: string[] = [];
  for (const m of methods) {
    for (const d of PROFILE.datasets) {
      for (const s of PROFILE.settings) {
        const g = groups.get(`${m}\t${d}\t${s}`);
        if (g) workerSeconds += g.meanPerFold * PROFILE.folds;
        else missing.push(`${m} ${d} ${s}`);
      }
    }
  }
  const runStage = (last - first) / 1000;
  const wallSeconds = wall ? wall.end - wall.start : null;
  const other = wallSeconds === null ? null : Math.max(0, wallSeconds - runStage);
  const cpu = cpus();
  return {
    name,
    outdir,
    args: wall?.args ?? '',
    commit: wall?.commit ?? '',
    date: new Date().toISOString(),
    machine: `${cpu.length} x ${cpu[0]?.model ?? 'cpu'}`,
    loadStart: loadavg().map((v) => Math.round(v * 100) / 100),
    jobs,
    wallSeconds,
    runStageSeconds: runStage,
    otherSeconds: other,
    taskSeconds,
    failedAttempts: failed,
    groups: list,
    projection: {
      foldsPerCell: PROFILE.folds,
      workerSeconds,
      wallSeconds: workerSeconds / jobs + (other ?? 0),
      missingCells: missing,
    },
  };
}

async function save(fig: RunFigures): Promise<void> {
  const all: Record<string, RunFigures> = existsSync(resultsJson) ? JSON.parse(readFileSync(resultsJson, 'utf8')) : {};
  all[fig.name] = fig;
  await writeFileAtomic(resultsJson, JSON.stringify(all, null, 2) + '\n');
  await writeFileAtomic(resultsMd, renderMd(all));
}

const f1 = (v: number | null): string => (v === null ? '-' : v.toFixed(1));
const f2 = (v: number): string => v.toFixed(2);

function renderMd(all: Record<string, RunFigures>): string {
  const out: string[] = ['# Full-profile wall time', ''];
  out.push('Generated by `node --import tsx bench/full-run.ts` from `full-run.json`. Task seconds come from each run\'s');
  out.push('`pipeline_info/trace.tsv` (one row per task attempt). Projection to the whole `full` profile (4 datasets x 3');
  out.push('settings x 5 repetitions x 10 folds): mean seconds per fold x 50 per (method, dataset, setting), summed, divided');
  out.push('by the jobs, plus the measured time outside the run stage. The machine is shared with other jobs: compare');
  out.push('figures of one run with each other, not across runs.', '');
  out.push('| run | args | commit | jobs | wall s | run stage s | other stages s | task s | failed | projected full wall min | cells not run |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of Object.values(all)) {
    out.push(
      `| ${r.name} | \`${r.args}\` | ${r.commit.slice(0, 7)} | ${r.jobs} | ${f1(r.wallSeconds)} | ${f1(r.runStageSeconds)} | ${f1(r.otherSeconds)} | ${f1(r.taskSeconds)} | ${r.failedAttempts} | ${(r.projection.wallSeconds / 60).toFixed(1)} | ${r.projection.missingCells.length} |`,
    );
  }
  for (const r of Object.values(all)) {
    out.push('', `## ${r.name}`, '', `${r.date}; ${r.machine}; load average at analysis ${r.loadStart.join(' / ')}; outdir \`${r.outdir}\`.`, '');
    const byMethod = new Map<string, number>();
    const byDataset = new Map<string, number>();
    for (const g of r.groups) {
      byMethod.set(g.method, (byMethod.get(g.method) ?? 0) + g.seconds);
      byDataset.set(g.dataset, (byDataset.get(g.dataset) ?? 0) + g.seconds);
    }
    const share = (s: number): string => ((100 * s) / Math.max(1e-9, r.taskSeconds)).toFixed(1);
    out.push('| method | task s | share % |', '|---|---|---|');
    for (const [m, s] of [...byMethod].sort((a, b) => b[1] - a[1])) out.push(`| ${m} | ${f1(s)} | ${share(s)} |`);
    out.push('', '| dataset | task s | share % |', '|---|---|---|');
    for (const [d, s] of [...byDataset].sort((a, b) => b[1] - a[1])) out.push(`| ${d} | ${f1(s)} | ${share(s)} |`);
    out.push('', '| method | dataset | setting | tasks | task s | s/fold | projected s (50 folds) |', '|---|---|---|---|---|---|---|');
    for (const g of r.groups) {
      out.push(`| ${g.method} | ${g.dataset} | ${g.setting} | ${g.tasks} | ${f1(g.seconds)} | ${f2(g.meanPerFold)} | ${f1(g.meanPerFold * 50)} |`);
    }
    if (r.projection.missingCells.length) out.push('', `Cells not in this run (left out of the projection): ${r.projection.missingCells.join(', ')}.`);
  }
  return out.join('\n') + '\n';
}

function jobsOf(args: string[]): number {
  const i = args.findIndex((a) => a === '--jobs' || a === '-j');
  return i >= 0 ? Number(args[i + 1]) : cpus().length;
}

const [cmd, ...rest] = process.argv.slice(2);
if (cmd === 'run') {
  const name = rest[0];
  const dash = rest.indexOf('--');
  const args = dash >= 0 ? rest.slice(dash + 1) : rest.slice(1);
  const oi = args.findIndex((a) => a === '--outdir' || a === '-o');
  if (!name || oi < 0) throw new Error('usage: full-run.ts run NAME -- <dti all flags incl. --outdir DIR>');
  const start = Date.now() / 1000;
  const r = spawnSync(process.execPath, [join(root, 'bin/dti.js'), 'all', ...args], { stdio: 'inherit', cwd: root });
  const end = Date.now() / 1000;
  const commit = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
  await save(analyze(name, args[oi + 1], { start, end, args: args.join(' '), commit }, jobsOf(args)));
  if (r.status !== 0) process.exitCode = r.status ?? 1;
} else if (cmd === 'analyze') {
  const [name, outdir, wallFile, labelList] = rest;
  if (!name || !outdir) throw new Error('usage: full-run.ts analyze NAME OUTDIR [WALL.json|-] [LABEL,LABEL...]');
  const wall = wallFile && wallFile !== '-' ? JSON.parse(readFileSync(wallFile, 'utf8')) : null;
  const labels = labelList ? labelList.split(',') : null;
  await save(analyze(name, outdir, wall, wall?.args ? jobsOf(String(wall.args).split(/\s+/)) : 2, labels));
} else if (cmd === 'report') {
  await writeFileAtomic(resultsMd, renderMd(JSON.parse(readFileSync(resultsJson, 'utf8'))));
} else {
  console.error('usage: full-run.ts run NAME -- <flags> | analyze NAME OUTDIR [WALL.json] | report');
  process.exitCode = 2;
}
