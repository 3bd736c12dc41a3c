/** Every executor; each file registers itself. */
import './local.ts';
import './slurm.ts';
export { getExecutor, executorNames } from './registry.ts';
