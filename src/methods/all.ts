/** Imports every method module once; each registers itself with `registerMethod`. Adding a method = one file + one line here. */
import './sgmc.ts';
import './sgmc-z.ts';
import './dmf.ts';
import './fm.ts';
import './sgmc-dti-recipe.ts';
import './grmf.ts';
import './cmf.ts';
import './mgrnnm.ts';
import './mean.ts';
import './bias.ts';

export { getMethod, methodNames } from './registry.ts';
