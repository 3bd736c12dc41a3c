/** The inner training view: the fold's training Y and W with the validation cells zeroed (copies). */
import { mat, type Mat } from '../core/matrix.ts';

export function innerView(view: { Y: Mat; W: Mat }, validation: Int32Array): { Y: Mat; W: Mat } {
  const Y = mat(view.Y.rows, view.Y.cols, view.Y.data);
  const W = mat(view.W.rows, view.W.cols, view.W.data);
  const n = Y.data.length;
  for (const c of validation) {
    if (c < 0 || c >= n) throw new RangeError(`validation cell ${c} is outside the ${Y.rows} x ${Y.cols} matrix`);
    Y.data[c] = 0;
    W.data[c] = 0;
  }
  return { Y, W };
}
