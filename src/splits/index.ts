/** Split stage: CVS1/2/3 folds, fold files, training views and validation splits. */
export { makeFolds, DEFAULT_SEEDS, SETTINGS, seedsFor, type FoldOptions } from './folds.ts';
export { writeFolds, readFolds, parseFolds, formatFolds } from './io.ts';
export { trainingView, trainCells, validationSplit } from './views.ts';
export { GENERATORS, GENERATOR_NAMES, getGenerator, matlabRandperm, type PermutationGenerator } from './generators.ts';
