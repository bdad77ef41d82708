/**
 * Activation functions, numbered as in the WANN reference (`applyAct` in wann_src/ind.py).
 * Ids are part of the champion format, so they never change meaning.
 */
export const ACTIVATION_NAMES: Readonly<Record<number, string>> = {
  1: 'linear',
  2: 'step',
  3: 'sin',
  4: 'gaussian',
  5: 'tanh',
  6: 'sigmoid',
  7: 'inverse',
  8: 'abs',
  9: 'relu',
  10: 'cos',
};

/** Every id this implementation knows (the reference's pool for control tasks). */
export const ACTIVATION_IDS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

export function isActivationId(id: unknown): id is number {
  return typeof id === 'number' && Number.isInteger(id) && id >= 1 && id <= 10;
}

/** Applies activation `id` to `x`, with the reference's exact formulas. */
export function activate(id: number, x: number): number {
  switch (id) {
    case 1: return x;
    case 2: return x > 0 ? 1 : 0;
    case 3: return Math.sin(Math.PI * x);
    case 4: return Math.exp(-(x * x) / 2);
    case 5: return Math.tanh(x);
    case 6: return (Math.tanh(x / 2) + 1) / 2;
    case 7: return -x;
    case 8: return Math.abs(x);
    case 9: return x > 0 ? x : 0;
    case 10: return Math.cos(Math.PI * x);
    default: throw new Error(`unknown activation id ${id}`);
  }
}
