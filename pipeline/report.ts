#!/usr/bin/env -S node --import tsx
/**
 * Stage `report`: tables and plots from the valid task records (<outdir>/report/).
 * Usage: node --import tsx pipeline/report.ts [--config FILE] [--profile NAME] [flags]  (same flags as `dti report`)
 */
import { main } from '../src/cli/main.ts';

process.exitCode = await main(['report', ...process.argv.slice(2)]);
