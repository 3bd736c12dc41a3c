/**
 * Which OpenBLAS kernels the native engine loads.
 *
 * OpenBLAS built with DYNAMIC_ARCH picks its kernels (its "core type") from CPUID when the library loads, unless
 * OPENBLAS_CORETYPE names one. An environment may pin an older core for portability: this project's machine image
 * exports OPENBLAS_CORETYPE=Haswell (AVX2) on an AMD EPYC with AVX-512, where OpenBLAS 0.3.21 itself would pick
 * 'Cooperlake' (AVX-512) kernels, about 1.9x faster for sgemm/dgemm (bench/results/blas-core.md).
 *
 * The preference (config `engine.blasCore`, CLI `--blas-core`, carried to worker processes as SGMC_BLAS_CORE):
 * - 'env' (default): leave it to the environment (OPENBLAS_CORETYPE if set, else the library's detection);
 * - 'auto': the AVX-512 kernels when this CPU has the instructions they use ('Cooperlake' with BF16, else
 *   'SkylakeX'), overriding OPENBLAS_CORETYPE; on other CPUs as 'env';
 * - a core name (e.g. 'Haswell', 'SkylakeX'): that one.
 * The kernels differ only in rounding. The choice is applied before the addon loads (`applyBlasCore`) and recorded
 * with the engine's versions.
 */
import { readFileSync } from 'node:fs';

/** the AVX-512 subsets OpenBLAS's SkylakeX kernels use (its own runtime check for them) */
const AVX512 = ['avx512f', 'avx512cd', 'avx512bw', 'avx512dq', 'avx512vl'];

/** The OpenBLAS core type for a CPU with these /proc/cpuinfo flags, or null (no AVX-512). */
export function coreForFlags(flags: ReadonlySet<string>): string | null {
  if (!AVX512.every((f) => flags.has(f))) return null;
  return flags.has('avx512_bf16') ? 'Cooperlake' : 'SkylakeX';
}

/** The flags of the first processor in /proc/cpuinfo-format text (x86 `flags` line); empty if there is none. */
export function parseCpuFlags(cpuinfo: string): Set<string> {
  const line = cpuinfo.split('\n').find((l) => /^flags\s*:/.test(l));
  return new Set(line ? line.slice(line.indexOf(':') + 1).trim().split(/\s+/) : []);
}

export interface BlasCoreChoice {
  /** the core type asked for, or null (the library's own detection) */
  core: string | null;
  /** why: 'OPENBLAS_CORETYPE' (the environment), 'cpu flags' (auto), 'configured' (a name), 'library detection' */
  source: string;
}

/** a valid `engine.blasCore` value */
export const BLAS_CORE_PATTERN = /^(env|auto|[A-Za-z][A-Za-z0-9]*)$/;

/** The choice for a preference, environment and CPU (no side effects). */
export function chooseBlasCore(pref: string, env: NodeJS.ProcessEnv, cpuinfo: () => string): BlasCoreChoice {
  if (!BLAS_CORE_PATTERN.test(pref)) throw new RangeError(`blasCore: expected env, auto or an OpenBLAS core name, got '${pref}'`);
  if (pref === 'auto') {
    let text = '';
    try {
      text = cpuinfo();
    } catch {
      // no /proc/cpuinfo (not Linux): as 'env'
    }
    const core = coreForFlags(parseCpuFlags(text));
    if (core) return { core, source: 'cpu flags' };
  } else if (pref !== 'env') return { core: pref, source: 'configured' };
  // the environment's own setting: a parent process of ours that overrode it saved the original
  const own = env[ORIGINAL] ?? env.OPENBLAS_CORETYPE;
  return own ? { core: own, source: 'OPENBLAS_CORETYPE' } : { core: null, source: 'library detection' };
}

/**
 * Where a process that overrides OPENBLAS_CORETYPE keeps the environment's value ('' = unset) for its child
 * processes: one on a node without AVX-512 (SLURM) then falls back to the environment's kernels, not the parent's.
 */
const ORIGINAL = 'SGMC_OPENBLAS_CORETYPE_ENV';

let applied: { pref: string; choice: BlasCoreChoice } | undefined;

/**
 * The preference for this process and the worker processes it starts (exported as SGMC_BLAS_CORE). Returns false
 * when the library is already loaded with another preference (it then applies to new processes only).
 */
export function setBlasCorePreference(pref: string): boolean {
  chooseBlasCore(pref, {}, () => ''); // validate
  process.env.SGMC_BLAS_CORE = pref;
  return !applied || applied.pref === pref;
}

/**
 * Make the choice (SGMC_BLAS_CORE, default 'env') and export it as OPENBLAS_CORETYPE (unset for the library's
 * detection); once, before the addon loads.
 */
export function applyBlasCore(): BlasCoreChoice {
  if (!applied) {
    const pref = process.env.SGMC_BLAS_CORE || 'env';
    const choice = chooseBlasCore(pref, process.env, () => readFileSync('/proc/cpuinfo', 'utf8'));
    const current = process.env.OPENBLAS_CORETYPE;
    if ((choice.core ?? undefined) !== current) {
      process.env[ORIGINAL] ??= current ?? '';
      if (choice.core) process.env.OPENBLAS_CORETYPE = choice.core;
      else delete process.env.OPENBLAS_CORETYPE;
    }
    applied = { pref, choice };
  }
  return applied.choice;
}
