/** Summary statistics of the assessment protocols, in one place (the figures the docs quote depend on their exact arithmetic). */

/** Mean and population standard deviation (divided by n, as NumPy's std), summed in the values' order. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, r) => a + (r - mean) ** 2, 0) / values.length);
  return { mean, std };
}
