#!/usr/bin/env -S node --import tsx
/**
 * The whole pipeline as separate stage processes, orchestrated with zx: fetch -> splits -> graphs -> run -> report.
 * Each stage is its own process (a crash or memory blow-up stays in its stage) and reads the same config and flags;
 * stages skip work already done (verified downloads, unchanged fold files, cached eigenbases, valid records).
 * `dti all` does the same in one process. Usage: node --import tsx pipeline/all.ts [--config FILE] [flags]
 */
import { $ } from 'zx';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/dti.js', import.meta.url));
const flags = process.argv.slice(2);
const stages = ['fetch', 'splits', 'graphs', 'run', 'report'];

for (const stage of stages) {
  // argument arrays: zx quotes every element, nothing is concatenated into a shell string
  const r = await $({ stdio: 'inherit', nothrow: true })`${process.execPath} ${bin} ${stage} ${flags}`;
  if (r.exitCode !== 0) {
    console.error(`pipeline: stage '${stage}' failed with exit code ${r.exitCode}`);
    process.exit(r.exitCode ?? 1);
  }
}
