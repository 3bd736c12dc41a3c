/**
 * Errors meant for the user: they name the file, line, column or config field at fault and, where possible, a hint.
 * Library code throws these; the CLI prints `message` without a stack trace and exits non-zero.
 */
export interface Where {
  file?: string;
  line?: number;
  column?: number;
  field?: string;
  hint?: string;
}

export class InputError extends Error {
  readonly where: Where;
  constructor(problem: string, where: Where = {}) {
    super(InputError.format(problem, where));
    this.name = 'InputError';
    this.where = where;
  }

  static format(problem: string, w: Where): string {
    const loc: string[] = [];
    if (w.file) loc.push(w.file);
    if (w.line !== undefined) loc.push(`line ${w.line}`);
    if (w.column !== undefined) loc.push(`column ${w.column}`);
    if (w.field) loc.push(`field ${w.field}`);
    const head = loc.length ? `${loc.join(', ')}: ` : '';
    return `${head}${problem}${w.hint ? ` (hint: ${w.hint})` : ''}`;
  }
}

/** Several problems found at once (e.g. every schema violation of a config). */
export class InputErrors extends Error {
  readonly errors: InputError[];
  constructor(title: string, errors: InputError[]) {
    super(`${title}\n${errors.map((e) => `  - ${e.message}`).join('\n')}`);
    this.name = 'InputErrors';
    this.errors = errors;
  }
}

export const isUserError = (e: unknown): e is InputError | InputErrors =>
  e instanceof InputError || e instanceof InputErrors;
