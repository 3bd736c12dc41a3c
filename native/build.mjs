#!/usr/bin/env node
// Builds the optional OpenBLAS + LAPACKE addon (native/build/Release/sgmc_blas.node) with node-gyp.
// Run at `npm install` and by hand (`node native/build.mjs`). It never fails the install: if the compiler, node-gyp,
// the Node headers or the libraries (Debian: libopenblas-dev liblapacke-dev) are missing, it prints one line and
// exits 0, and the engine registry falls back to tfjs. `--strict` exits 1 instead (for CI, where the addon must build).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const strict = process.argv.includes('--strict');
const verbose = strict || process.argv.includes('--verbose');

function giveUp(why, log = '') {
  if (verbose && log) process.stderr.write(log);
  console.log(`sgmc-dti: native engine unavailable (${why}); the engine falls back to tfjs`);
  process.exit(strict ? 1 : 0);
}

if (process.env.SGMC_SKIP_NATIVE === '1') giveUp('SGMC_SKIP_NATIVE=1');

/** node-gyp: the one npm runs scripts with, else npm's bundled copy, else a local install. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    /* not installed locally */
  }
  return candidates.find((p) => p && existsSync(p));
}

const gyp = findNodeGyp();
if (!gyp) giveUp('node-gyp not found');

// Use the system Node headers when present (no download needed); otherwise node-gyp fetches them.
const args = [gyp, 'rebuild'];
const nodedir = process.env.npm_config_nodedir || (existsSync('/usr/include/node/node_api.h') ? '/usr' : '');
if (nodedir) args.push(`--nodedir=${nodedir}`);
const r = spawnSync(process.execPath, args, { cwd: here, encoding: 'utf8', env: process.env });
if (r.status !== 0) {
  const log = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const missing = /fatal error: (\S+): No such file/.exec(log) ?? /cannot find -l([^\s:]+)/.exec(log);
  giveUp(missing ? `build failed: ${missing[1]} missing; install libopenblas-dev liblapacke-dev` : 'build failed', log);
}

// Load it once in a child process so a library/ABI problem is reported here, not at first use.
const check = spawnSync(
  process.execPath,
  ['-e', `const b = require(${JSON.stringify(join(here, 'build', 'Release', 'sgmc_blas.node'))}); console.log(b.config().version)`],
  { encoding: 'utf8' },
);
if (check.status !== 0) giveUp(`built but cannot load: ${(check.stderr ?? '').split('\n').find((l) => l.trim()) ?? ''}`, check.stderr);
console.log(`sgmc-dti: native engine built (${check.stdout.trim()})`);
