#!/usr/bin/env -S node --import tsx
/**
 * Stage `fetch`: download and verify the datasets (cache, mirrors, bundled copies).
 * Usage: node --import tsx pipeline/fetch.ts [--config FILE] [--profile NAME] [flags]  (same flags as `dti fetch`)
 */
import { main } from '../src/cli/main.ts';

process.exitCode = await main(['fetch', ...process.argv.slice(2)]);
