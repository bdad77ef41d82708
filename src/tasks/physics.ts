/**
 * A control task's physics is written once, as text in the small subset of JavaScript that is also WGSL:
 * `let` bindings, assignments to `state[i]`, arithmetic, comparisons, `||`, and the helpers `cos`, `sin`, `clip`
 * and `choose`. The CPU functions (observe, step, failed) are generated from it here; the GPU backend puts the same
 * text into its episode kernel (eval/gpu/kernels.ts). Both run the same operations in the same order, in f64
 * on the CPU and f32 on the device. Sources are fixed strings of the task files, never data from users.
 */

export interface PhysicsSource {
  /** `const NAME = expr;` lines (literals, other constants and PI). */
  readonly constants: string;
  /** The network's inputs, one expression of `state` each. */
  readonly observe: readonly string[];
  /**
   * Statements that advance `state` one step under the network's raw outputs `action[0]`, `action[1]`, ...
   * (the task maps them to actuators itself: clipping, thresholding).
   */
  readonly step: string;
  /** The step's reward: an expression that may use the step's `let` bindings. */
  readonly reward: string;
  /** True when the state ends the episode early. */
  readonly failed: string;
}

export interface PhysicsFunctions {
  observe(state: Float64Array, obs: Float64Array, offset?: number, stride?: number): void;
  step(state: Float64Array, action: ArrayLike<number>, offset?: number, stride?: number): number;
  failed(state: Float64Array): boolean;
}

/** `clip` keeps NaN (np.clip does): a NaN output drives NaN physics on every backend alike. */
const JS_HELPERS = 'const cos = Math.cos, sin = Math.sin, PI = Math.PI;\nconst clip = (v, lo, hi) => (v < lo ? lo : v > hi ? hi : v);\nconst choose = (condition, ifTrue, ifFalse) => (condition ? ifTrue : ifFalse);';

/** The same helpers in WGSL, f32. */
const WGSL_HELPERS = `const PI = ${Math.PI};
fn clip(v: f32, lo: f32, hi: f32) -> f32 { return select(select(v, hi, v > hi), lo, v < lo); }
fn choose(condition: bool, ifTrue: f32, ifFalse: f32) -> f32 { return select(ifFalse, ifTrue, condition); }`;

/** The CPU functions of a physics source. */
export function physicsFunctions(source: PhysicsSource): PhysicsFunctions {
  // Output o sits at action[offset + o * stride] (lockstep evaluators read straight from node-major rows).
  const at = (i: number) => (i === 0 ? 'offset' : i === 1 ? 'offset + stride' : `offset + ${i} * stride`);
  const step = source.step.replace(/action\[(\d+)\]/g, (_, o: string) => `action[${at(Number(o))}]`);
  const observe = source.observe.map((expr, i) => `obs[${at(i)}] = ${expr};`).join('\n    ');
  const body = `${JS_HELPERS}
${source.constants}
return {
  observe(state, obs, offset = 0, stride = 1) {
    ${observe}
  },
  step(state, action, offset = 0, stride = 1) {
${step}
    return ${source.reward};
  },
  failed(state) {
    return ${source.failed};
  },
};`;
  return new Function(body)() as PhysicsFunctions;
}

/**
 * The physics as WGSL functions over module-scope `state`, `action` and `obs` arrays (which the kernel
 * declares): observe(), physicsStep() -> reward, failed() -> bool.
 */
export function physicsWgsl(source: PhysicsSource): string {
  return `${WGSL_HELPERS}
${source.constants}
fn observe() {
${source.observe.map((expr, i) => `  obs[${i}] = ${expr};`).join('\n')}
}
fn physicsStep() -> f32 {
${source.step}
  return ${source.reward};
}
fn failed() -> bool {
  return ${source.failed};
}`;
}
