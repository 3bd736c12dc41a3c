#!/usr/bin/env -S node --import tsx
/**
 * Stage `run`: run the pending tasks on the configured executor (local pool or SLURM) and write one record per task.
 * Usage: node --import tsx pipeline/run.ts [--config FILE] [--profile NAME] [flags]  (same flags as `dti run`)
 */
import { main } from '../src/cli/main.ts';

process.exitCode = await main(['run', ...process.argv.slice(2)]);
