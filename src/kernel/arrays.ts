/**
 * Small array helpers for the ports' hot paths.
 */

/**
 * An array of `n` copies of `value`, packed: what `new Array(n).fill(value)` gives, built by
 * push, because TurboFan does not inline Array.prototype.fill and each vmalloc then left its
 * optimised code for the C++ builtin to fill its pages array.
 */
export function filledArray<T>(n: number, value: T): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(value);
  return out;
}
