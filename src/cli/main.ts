/**
 * The `dti` command: one subcommand per stage (fetch, splits, graphs, run, report, predict), `all`, and `status`.
 * Exit codes: 0 success, 1 failed tasks or an internal error, 2 invalid input (config, data, flags) or a busy outdir.
 */
import { Command, CommanderError, Option } from 'commander';
import { resolve } from 'node:path';
import { InputError, InputErrors, isUserError } from '../core/errors.ts';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/types.ts';
import { executorNames } from '../executors/all.ts';
import type { RunDeps } from '../run/deps.ts';
import { lockOutdir } from '../run/lock.ts';
import { sweepStaleTemps } from '../core/atomic.ts';
import { createProgress, type Progress } from '../run/progress.ts';
import type { StageContext } from '../run/stages.ts';
import { addConfigOptions, flagsToConfig } from './options.ts';

export type StageName = 'fetch' | 'splits' | 'graphs' | 'run' | 'report' | 'predict' | 'all' | 'status';

const STAGES: { name: StageName; summary: string }[] = [
  { name: 'fetch', summary: 'download and verify the datasets (cache, mirrors, bundled copies)' },
  { name: 'splits', summary: 'make (or import) the cross-validation folds and write them to <outdir>/folds/' },
  { name: 'graphs', summary: 'check the similarity graphs and fill the eigenbasis cache' },
  { name: 'run', summary: 'run every (dataset, setting, repetition, fold, method) task; resumable' },
  { name: 'report', summary: 'tables and plots from the task records' },
  { name: 'predict', summary: 'fit on all known interactions and rank new drug-target pairs' },
  { name: 'all', summary: 'fetch, splits, graphs, run and report in one go' },
  { name: 'status', summary: 'tasks done, fits under way (their checkpoints: update, validation RMSE) and pending; takes no lock' },
];

/** Options shared by injection in tests. */
export interface MainOptions {
  deps?: RunDeps;
  progress?: Progress;
  stdout?: (s: string) => void;
  stderr?: (s: string) => void;
}

export function resolveConfig(o: Record<string, unknown>): Config {
  const { layer, bareFolds } = flagsToConfig(o);
  const config = loadConfig({
    profile: o.profile as string | undefined,
    configFile: o.config as string | undefined,
    overrides: layer,
    executors: executorNames(),
  });
  if (bareFolds.length) {
    if (config.datasets.length !== 1 || bareFolds.length > 1) {
      throw new InputErrors('invalid configuration:', [
        new InputError(`--folds ${bareFolds[0]}: a bare fold file needs exactly one dataset`, {
          field: 'cv.foldFiles',
          hint: 'use --folds dataset[:setting]=FILE',
        }),
      ]);
    }
    config.cv.foldFiles[config.datasets[0]] = resolve(bareFolds[0]);
  }
  return config;
}

async function runStageCommand(stage: StageName, o: Record<string, unknown>, mo: MainOptions): Promise<number> {
  const config = resolveConfig(o);
  const out = mo.stdout ?? ((s: string) => process.stdout.write(s));
  if (o.printConfig) {
    out(JSON.stringify(config, null, 2) + '\n');
    return 0;
  }
  // the library (datasets, engines, methods, report) loads only when a stage runs: --help and errors stay fast
  const { loadDeps, loadPlugins } = await import('../run/deps.ts');
  const { fetchStage, graphsStage, isComplete, loadDatasets, planRun, preflight, reportStage, runStage, splitsStage, writeConfigInfo } = await import(
    '../run/stages.ts'
  );
  const deps = mo.deps ?? (await loadDeps());
  const progress = mo.progress ?? createProgress({ quiet: Boolean(o.quiet) });
  const ctx: StageContext = { config, deps, progress };
  if (stage === 'status') {
    // read-only, no lock: it may watch a run in progress
    await loadPlugins(config.plugins);
    const { taskStatus, formatStatus } = await import('../run/status.ts');
    out(formatStatus(taskStatus(await planRun(ctx), isComplete), new Date()));
    return 0;
  }
  if (stage === 'run' || stage === 'all' || stage === 'graphs' || stage === 'report') await preflight(ctx);
  else await loadPlugins(config.plugins);
  const release = await lockOutdir(config.outdir);
  try {
    // temp files of a killed earlier run are never read, but they are clutter: remove those whose writer is gone
    const swept = await sweepStaleTemps(config.outdir);
    if (swept.length) progress.log(`[resume] removed ${swept.length} temporary file(s) left by an interrupted run`);
    await writeConfigInfo(config);
    const want = (s: StageName): boolean => stage === s || stage === 'all';
    if (want('fetch')) await fetchStage(ctx);
    if (want('splits')) await splitsStage(ctx);
    if (want('graphs')) await graphsStage(ctx);
    let failed = 0;
    if (want('run')) {
      const s = await runStage(ctx);
      failed = s.failed.length;
      progress.log(`[run] ${s.total} task(s): ${s.skipped} reused${s.copied ? ` (${s.copied} copied from earlier runs)` : ''}, ${s.done} computed, ${failed} failed`);
      for (const f of s.failed) progress.log(`[run] FAILED ${f.task.id}: ${f.error.split('\n')[0]}`);
    }
    if (want('report')) await reportStage(ctx);
    if (stage === 'predict') await (await import('../predict/index.ts')).predictStage(ctx, o);

    if (stage === 'fetch' || stage === 'splits') await loadDatasets(ctx);
    return failed ? 1 : 0;
  } finally {
    await release();
  }
}

export function buildProgram(mo: MainOptions, setCode: (c: number) => void): Command {
  const program = new Command('dti')
    .description('Drug-target interaction prediction by spectral geometric matrix completion: fetch -> splits -> graphs -> run -> report')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => (mo.stdout ?? ((x: string) => process.stdout.write(x)))(s),
      writeErr: (s) => (mo.stderr ?? ((x: string) => process.stderr.write(x)))(s),
    });
  for (const s of STAGES) {
    const cmd = addConfigOptions(new Command(s.name).description(s.summary))
      .exitOverride()
      .configureOutput({
        writeOut: (x) => (mo.stdout ?? ((y: string) => process.stdout.write(y)))(x),
        writeErr: (x) => (mo.stderr ?? ((y: string) => process.stderr.write(y)))(x),
      });
    if (s.name === 'predict') {
      cmd
        .option('--method <name>', 'method to fit: a configured label or a registered name (default: the first configured)')
        .option('--top <n>', 'pairs per list (per drug by default; see --per): default 10')
        .addOption(new Option('--per <scope>', 'one list per drug (default), per target, or one overall').choices(['drug', 'target', 'all']))
        .option('--drug <id>', 'one list: the top pairs of this drug (overrides --per)')
        .option('--target <id>', 'one list: the top pairs of this target (overrides --per)')
        .addOption(
          new Option('--setting <s>', 'the setting the presets, the fit and a select split assume (default CVS1)').choices(['CVS1', 'CVS2', 'CVS3']),
        );
    }
    cmd.action(async (opts: Record<string, unknown>) => setCode(await runStageCommand(s.name, opts, mo)));
    program.addCommand(cmd);
  }
  program.addCommand(
    new Command('_task')
      .description('run one task of a task-list file (used by the slurm executor)')
      .requiredOption('--list <file>', 'task list (JSON array of task specs)')
      .requiredOption('--index <n>', 'index in the list')
      .exitOverride()
      .action(async (opts: { list: string; index: string }) =>
        setCode(await (await import('./task.ts')).runTaskFromList(opts.list, Number(opts.index), mo.deps)),
      ),
    { hidden: true },
  );
  return program;
}

export async function main(argv: string[], mo: MainOptions = {}): Promise<number> {
  let code = 0;
  const err = mo.stderr ?? ((s: string) => process.stderr.write(s));
  const program = buildProgram(mo, (c) => (code = c));
  if (argv.length === 0) argv = ['--help'];
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.help' || e.code === 'commander.version' ? 0 : 2;
    }
    if (isUserError(e)) {
      err(`error: ${(e as Error).message}\n`);
      return 2;
    }
    err(`error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}
