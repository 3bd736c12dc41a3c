/** Shared bits of the orchestration tests: a tmp dir, the toy plugin path, running the CLI in-process or as a child. */
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from '../helpers/paths.ts';
import { main } from '../../src/cli/main.ts';

export const toyPlugin = join(repoRoot, 'test/orchestration/fixtures/toy-methods.ts');
export const bin = join(repoRoot, 'bin/dti.js');

export const tmp = (prefix: string): string => mkdtempSync(join(tmpdir(), `dti-${prefix}-`));

/** Run the CLI in this process; returns exit code and captured output. */
export async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    progress: { start() {}, current() {}, tick() {}, log: (m) => (err += m + '\n'), stop() {} },
  });
  return { code, out, err };
}

/** Start the CLI as a child process (for kill tests). */
export function spawnCli(argv: string[], env: NodeJS.ProcessEnv = {}): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [bin, ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  return Object.assign(child, { output: () => text });
}

export const exited = (c: ChildProcess): Promise<number | null> =>
  new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(c.exitCode) : c.on('exit', (code) => r(code))));

/** Every file under dir (relative paths, sorted), skipping the lock files. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** A record's numbers and identity (everything except timing and the engine's backend string). */
export function recordEssence(file: string): unknown {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  return { key: r.key, task: r.task, metrics: r.metrics, nTest: r.nTest, nPositives: r.nPositives, info: r.info };
}

/** A record's numbers without what differs between runs of one task: timing, and where a resumed fit continued. */
export function recordNumbers(file: string): unknown {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  const { seconds, msPerIteration, resumedAt, resumedPhase, ...info } = r.info;
  return { key: r.key, task: r.task, metrics: r.metrics, info };
}

/** nr, CVS1, folds 0 and 1 of a 3-fold split, the js engine; `methods` null = leave them to the config file. */
export const baseArgs = (outdir: string, extra: string[] = [], methods: string | null = 'toy'): string[] => [
  '--datasets', 'nr', '--settings', 'CVS1', ...(methods ? ['--methods', methods] : []), '--repetitions', '1', '--n-folds', '3',
  '--only-folds', '0,1', '--engine', 'js', '--plugin', toyPlugin, '-o', outdir, '--offline', ...extra,
];
