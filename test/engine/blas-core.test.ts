/**
 * The OpenBLAS kernel choice: the pure rule (cpu flags, preference, environment), and in a child process that the
 * native addon really loads the chosen kernels and reports them with its versions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { chooseBlasCore, coreForFlags, parseCpuFlags } from '../../src/engine/blas-core.ts';
import { nativeStatus } from './fixtures.ts';

const AVX512 = 'fpu sse2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl';
const cpuinfo = (flags: string): string => `processor\t: 0\nvendor_id\t: AuthenticAMD\nflags\t\t: ${flags}\n\nprocessor\t: 1\nflags\t\t: sse2\n`;

test('blas core: cpu flags decide the AVX-512 kernels', () => {
  assert.deepEqual([...parseCpuFlags(cpuinfo('a b  c'))], ['a', 'b', 'c']);
  assert.equal(parseCpuFlags('no flags here').size, 0);
  assert.equal(coreForFlags(parseCpuFlags(cpuinfo(AVX512))), 'SkylakeX');
  assert.equal(coreForFlags(parseCpuFlags(cpuinfo(`${AVX512} avx512_bf16`))), 'Cooperlake');
  // one subset missing (e.g. a hypervisor that hides avx512bw): no AVX-512 kernels
  assert.equal(coreForFlags(parseCpuFlags(cpuinfo(AVX512.replace('avx512bw', '')))), null);
  assert.equal(coreForFlags(parseCpuFlags(cpuinfo('sse2 avx avx2 fma'))), null);
});

test('blas core: env respects OPENBLAS_CORETYPE, auto overrides it only where AVX-512 exists, names win', () => {
  const avx = (): string => cpuinfo(`${AVX512} avx512_bf16`);
  const old = (): string => cpuinfo('sse2 avx avx2 fma');
  const pinned = { OPENBLAS_CORETYPE: 'Haswell' };
  assert.deepEqual(chooseBlasCore('env', pinned, avx), { core: 'Haswell', source: 'OPENBLAS_CORETYPE' });
  assert.deepEqual(chooseBlasCore('env', {}, avx), { core: null, source: 'library detection' });
  assert.deepEqual(chooseBlasCore('auto', pinned, avx), { core: 'Cooperlake', source: 'cpu flags' });
  assert.deepEqual(chooseBlasCore('auto', pinned, old), { core: 'Haswell', source: 'OPENBLAS_CORETYPE' });
  assert.deepEqual(chooseBlasCore('auto', {}, () => { throw new Error('no /proc'); }), { core: null, source: 'library detection' });
  assert.deepEqual(chooseBlasCore('SkylakeX', pinned, old), { core: 'SkylakeX', source: 'configured' });
  // a child of a process that chose Cooperlake over the pinned Haswell, on a node without AVX-512: the pinned one
  const inherited = { OPENBLAS_CORETYPE: 'Cooperlake', SGMC_OPENBLAS_CORETYPE_ENV: 'Haswell' };
  assert.deepEqual(chooseBlasCore('auto', inherited, old), { core: 'Haswell', source: 'OPENBLAS_CORETYPE' });
  assert.deepEqual(chooseBlasCore('auto', { OPENBLAS_CORETYPE: 'Cooperlake', SGMC_OPENBLAS_CORETYPE_ENV: '' }, old), { core: null, source: 'library detection' });
  assert.deepEqual(chooseBlasCore('auto', inherited, avx), { core: 'Cooperlake', source: 'cpu flags' });
  assert.throws(() => chooseBlasCore('rm -rf', {}, avx), /blasCore: expected env, auto or an OpenBLAS core name, got 'rm -rf'/);
});

const status = nativeStatus();
const skip = !status.ok && !process.env.CI ? `native addon not built here: ${status.why}` : false;
const root = fileURLToPath(new URL('../..', import.meta.url));

/** the versions a fresh process's native engine reports under this environment */
function versionsIn(env: Record<string, string | undefined>): Record<string, string> {
  const script =
    "const { getEngine } = await import('./src/engine/registry.ts');" +
    "const e = await getEngine('native', { threads: 1 }); console.log(JSON.stringify(e.versions()));";
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, OPENBLAS_CORETYPE: undefined, SGMC_BLAS_CORE: undefined, SGMC_OPENBLAS_CORETYPE_ENV: undefined, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

test('blas core: the addon loads the kernels chosen before it', { skip }, () => {
  const pinned = versionsIn({ OPENBLAS_CORETYPE: 'Haswell' });
  assert.equal(pinned.openblasCore, 'Haswell');
  assert.equal(pinned.openblasCoreChoice, 'Haswell (OPENBLAS_CORETYPE)');
  const named = versionsIn({ OPENBLAS_CORETYPE: 'Haswell', SGMC_BLAS_CORE: 'Sandybridge' });
  assert.equal(named.openblasCore, 'Sandybridge');
  assert.equal(named.openblasCoreChoice, 'Sandybridge (configured)');
  // inherited from a parent that overrode the pinned Haswell: 'env' means the environment's own setting
  const restored = versionsIn({ OPENBLAS_CORETYPE: 'Sandybridge', SGMC_OPENBLAS_CORETYPE_ENV: 'Haswell', SGMC_BLAS_CORE: 'env' });
  assert.equal(restored.openblasCore, 'Haswell');
  const auto = versionsIn({ OPENBLAS_CORETYPE: 'Haswell', SGMC_BLAS_CORE: 'auto' });
  const want = chooseBlasCore('auto', { OPENBLAS_CORETYPE: 'Haswell' }, () => spawnSync('cat', ['/proc/cpuinfo'], { encoding: 'utf8' }).stdout);
  assert.equal(auto.openblasCore, want.core);
  assert.equal(auto.openblasCoreChoice, `${want.core} (${want.source})`);
});
