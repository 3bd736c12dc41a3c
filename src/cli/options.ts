/** Command-line flags -> a partial config (the top layer of the config). Values are passed on raw enough that the
 * config schema reports bad ones by field ("cv.repetitions must be integer, got "x""). */
import { Command, Option } from 'commander';

/** comma-separated list; a repeated flag replaces the earlier value */
const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);
const collect = (v: string, prev: string[] = []): string[] => [...prev, v];
const num = (v: string): number | string => (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);

export function addConfigOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'JSON config file (schemas/config.schema.json)')
    .option('-p, --profile <name>', 'profile: default, test, full (pipeline/profiles/), or a profile file')
    .option('-o, --outdir <dir>', 'output directory (default outputs/<name>)')
    .option('--name <name>', 'run name')
    .option('--datasets <list>', 'datasets (names or manifest paths), comma-separated', list)
    .option('--settings <list>', 'CV settings: CVS1,CVS2,CVS3', list)
    .option('--methods <list>', 'methods, comma-separated (default parameters)', list)
    .option('--repetitions <n>', 'CV repetitions', num)
    .option('--n-folds <n>', 'folds per repetition', num)
    .option('--only-folds <list>', 'run only these 0-based folds of each repetition', list)
    .option('--fold-generator <name>', "fold permutations: xoshiro (ours) or matlab (rng(seed); randperm: the published folds)")
    .option('--folds <spec>', 'fold file: [dataset[:setting]=]FILE (repeatable)', collect)
    .addOption(new Option('--protocol <name>', 'leak-free or published').choices(['leak-free', 'published']))
    .addOption(new Option('--profiles <mode>', 'leak-free graph profiles: train or none').choices(['train', 'none']))
    .option('--seed <n>', 'base seed of the methods', num)
    .option('--engine <name>', 'numeric engine: native, tfjs, js (default: fastest available)')
    .option('--backend <name>', 'engine backend (tfjs: tensorflow, wasm, cpu)')
    .addOption(new Option('--dtype <type>', 'engine precision').choices(['float32', 'float64']))
    .option('--threads <n>', 'engine threads per task', num)
    .option('--blas-core <core>', 'OpenBLAS kernels: env (default), auto (AVX-512 where the CPU has it) or a core name')
    .option('-j, --jobs <n>', 'tasks at once (local executor; default: CPU cores)', num)
    .option('--executor <name>', 'executor: local or slurm')
    .option('--retries <n>', 'retries of a failed task', num)
    .option('--resume', 'skip tasks with a valid record (default)')
    .option('--no-resume', 'recompute every task')
    .option('--save-predictions', 'save test-cell scores and labels per task')
    .option('--checkpoint-seconds <s>', 'save long fits every s seconds so a rerun continues them (default 600; 0 = off)', num)
    .option('--mirror <dir|url>', 'dataset mirror (also $DTI_MIRROR)')
    .option('--offline', 'no network: cache and bundled copies only')
    .option('--cache-dir <dir>', 'dataset cache directory')
    .option('--plugin <file>', 'module to import first (e.g. registers a method), repeatable', collect)
    .option('--optimistic', 'also record best-on-test (optimistic) numbers, reported in separate labelled tables')
    .addOption(new Option('--cold-rows <policy>', 'graph cold-row policy').choices(['chemical-only', 'chemical-scaled', 'naive']))
    .addOption(new Option('--aggregation <how>', 'report aggregation').choices(['repetition', 'fold']))
    .option('--slurm-partition <name>', 'sbatch --partition')
    .option('--slurm-account <name>', 'sbatch --account')
    .option('--slurm-time <t>', 'sbatch --time per task')
    .option('--slurm-mem <m>', 'sbatch --mem per task')
    .option('--slurm-cpus <n>', 'sbatch --cpus-per-task', num)
    .option('--slurm-throttle <n>', 'array throttle (%N)', num)
    .option('--slurm-arg <arg>', 'extra sbatch argument (repeatable)', collect)
    .option('--slurm-poll <seconds>', 'seconds between squeue polls', num)
    .option('-q, --quiet', 'no progress output')
    .option('--print-config', 'print the resolved configuration and exit');
}

type Opts = Record<string, unknown>;

/** Build the flag layer; `bareFolds` are --folds values without a dataset (resolved after loading). */
export function flagsToConfig(o: Opts): { layer: Record<string, unknown>; bareFolds: string[] } {
  const c: Record<string, any> = {};
  const set = (path: string, v: unknown): void => {
    if (v === undefined) return;
    const parts = path.split('.');
    let cur = c;
    for (const p of parts.slice(0, -1)) cur = cur[p] ??= {};
    cur[parts[parts.length - 1]] = v;
  };
  set('name', o.name);
  set('outdir', o.outdir);
  set('datasets', o.datasets);
  set('settings', o.settings);
  set('methods', o.methods);
  set('protocol', o.protocol);
  set('profiles', o.profiles);
  set('seed', o.seed);
  set('cv.repetitions', o.repetitions);
  set('cv.folds', o.nFolds);
  set('cv.generator', o.foldGenerator);
  set('cv.onlyFolds', (o.onlyFolds as string[] | undefined)?.map(num));
  const bareFolds: string[] = [];
  for (const f of (o.folds as string[] | undefined) ?? []) {
    const m = /^([^=]+)=(.+)$/.exec(f);
    if (m) set(`cv.foldFiles`, { ...(c.cv?.foldFiles ?? {}), [m[1]]: m[2] });
    else bareFolds.push(f);
  }
  set('engine.name', o.engine);
  set('engine.backend', o.backend);
  set('engine.dtype', o.dtype);
  set('engine.threads', o.threads);
  set('engine.blasCore', o.blasCore);
  set('executor.name', o.executor);
  set('executor.jobs', o.jobs);
  set('executor.retries', o.retries);
  set('executor.slurm.partition', o.slurmPartition);
  set('executor.slurm.account', o.slurmAccount);
  set('executor.slurm.time', o.slurmTime);
  set('executor.slurm.mem', o.slurmMem);
  set('executor.slurm.cpus', o.slurmCpus);
  set('executor.slurm.throttle', o.slurmThrottle);
  set('executor.slurm.extraArgs', o.slurmArg);
  set('executor.slurm.pollSeconds', o.slurmPoll);
  if (o.resume !== undefined) set('resume', o.resume);
  if (o.savePredictions) set('savePredictions', true);
  set('checkpointSeconds', o.checkpointSeconds);
  set('data.mirror', o.mirror);
  if (o.offline) set('data.offline', true);
  set('data.cacheDir', o.cacheDir);
  set('plugins', o.plugin);
  set('report.aggregation', o.aggregation);
  if (o.optimistic) set('report.optimistic', true);
  set('coldRows', o.coldRows);
  return { layer: c, bareFolds };
}
