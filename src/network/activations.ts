/**
 * Activation functions, numbered as in the WANN reference (`applyAct` in wann_src/ind.py). Ids are part of
 * the champion format, so they never change meaning.
 *
 * Each formula is written once per language, side by side, as an expression over a variable name; the
 * scalar `activate`, the specialised networks (network.ts), the lane kernels (network/lanes.ts) and the GPU
 * kernels (eval/gpu/kernels.ts, WGSL) are all generated from this table, so they cannot drift apart.
 * Formulas are fixed strings of this file, never data.
 */
interface ActivationDef {
  name: string;
  /** The reference's formula as an expression of `x` (a JavaScript variable name). */
  js: (x: string) => string;
  /**
   * The same formula in WGSL, f32, for the GPU kernels. tanh's argument is clamped to +-15 (where tanh is
   * +-1 in f32): some drivers compute it as a ratio of exponentials that overflows to NaN beyond about 44.
   */
  wgsl: (x: string) => string;
}

/** One entry per activation: its name and its formula, in each language a forward pass is generated in. */
const ACTIVATIONS: Readonly<Record<number, ActivationDef>> = {
  1: { name: 'linear', js: (x) => x, wgsl: (x) => x },
  2: { name: 'step', js: (x) => `(${x} > 0 ? 1 : 0)`, wgsl: (x) => `select(0.0, 1.0, ${x} > 0.0)` },
  3: { name: 'sin', js: (x) => `Math.sin(Math.PI * ${x})`, wgsl: (x) => `sin(PI * ${x})` },
  4: { name: 'gaussian', js: (x) => `Math.exp(-(${x} * ${x}) / 2)`, wgsl: (x) => `exp(-(${x} * ${x}) / 2.0)` },
  5: { name: 'tanh', js: (x) => `Math.tanh(${x})`, wgsl: (x) => `tanh(clamp(${x}, -15.0, 15.0))` },
  6: { name: 'sigmoid', js: (x) => `((Math.tanh(${x} / 2) + 1) / 2)`, wgsl: (x) => `((tanh(clamp(${x} / 2.0, -15.0, 15.0)) + 1.0) / 2.0)` },
  7: { name: 'inverse', js: (x) => `(-${x})`, wgsl: (x) => `(-${x})` },
  8: { name: 'abs', js: (x) => `Math.abs(${x})`, wgsl: (x) => `abs(${x})` },
  9: { name: 'relu', js: (x) => `(${x} > 0 ? ${x} : 0)`, wgsl: (x) => `max(${x}, 0.0)` },
  10: { name: 'cos', js: (x) => `Math.cos(Math.PI * ${x})`, wgsl: (x) => `cos(PI * ${x})` },
};

export const ACTIVATION_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(ACTIVATIONS).map(([id, def]) => [id, def.name]),
);

/** Every id this implementation knows (the reference's pool for control tasks). */
export const ACTIVATION_IDS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

export function isActivationId(id: unknown): id is number {
  return typeof id === 'number' && Number.isInteger(id) && id >= 1 && id <= 10;
}

/** The formula of `id` applied to the expression `x`; throws for an unknown id. */
export function activationSource(id: number, x: string, language: 'js' | 'wgsl' = 'js'): string {
  const def = ACTIVATIONS[id];
  if (!def) throw new Error(`unknown activation id ${id}`);
  return def[language](x);
}

/** Applies activation `id` to `x`, with the reference's exact formulas. */
export const activate = new Function('id', 'x', `switch (id) {
${ACTIVATION_IDS.map((id) => `  case ${id}: return ${activationSource(id, 'x')};`).join('\n')}
  default: throw new Error('unknown activation id ' + id);
}`) as (id: number, x: number) => number;
