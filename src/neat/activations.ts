/**
 * Activation functions, numbered as in the WANN reference (`applyAct` in wann_src/ind.py). Ids are part of
 * the champion format, so they never change meaning.
 *
 * Each formula is written once, as an expression over a variable name; the scalar `activate`, the
 * specialised networks (network.ts) and the lockstep lanes (eval/lockstep.ts) are all generated from it,
 * so they cannot drift apart. Formulas are fixed strings of this file, never data.
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

/** The reference's formula for each id, as an expression of `x` (a JavaScript variable name). */
export const ACTIVATION_FORMULAS: Readonly<Record<number, (x: string) => string>> = {
  1: (x) => x,
  2: (x) => `(${x} > 0 ? 1 : 0)`,
  3: (x) => `Math.sin(Math.PI * ${x})`,
  4: (x) => `Math.exp(-(${x} * ${x}) / 2)`,
  5: (x) => `Math.tanh(${x})`,
  6: (x) => `((Math.tanh(${x} / 2) + 1) / 2)`,
  7: (x) => `(-${x})`,
  8: (x) => `Math.abs(${x})`,
  9: (x) => `(${x} > 0 ? ${x} : 0)`,
  10: (x) => `Math.cos(Math.PI * ${x})`,
};

/** Every id this implementation knows (the reference's pool for control tasks). */
export const ACTIVATION_IDS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

export function isActivationId(id: unknown): id is number {
  return typeof id === 'number' && Number.isInteger(id) && id >= 1 && id <= 10;
}

/** The formula of `id` applied to the expression `x`; throws for an unknown id. */
export function activationSource(id: number, x: string): string {
  const formula = ACTIVATION_FORMULAS[id];
  if (!formula) throw new Error(`unknown activation id ${id}`);
  return formula(x);
}

/** Applies activation `id` to `x`, with the reference's exact formulas. */
export const activate = new Function('id', 'x', `switch (id) {
${ACTIVATION_IDS.map((id) => `  case ${id}: return ${activationSource(id, 'x')};`).join('\n')}
  default: throw new Error('unknown activation id ' + id);
}`) as (id: number, x: number) => number;
