/**
 * Forward passes derived from a plan. The plan stays the single source of truth; these turn it into a
 * function `(input, w, output)` that writes the network's outputs at shared weight w.
 *
 * - `interpreted`: the plain interpreter (plan.ts `forward`) over a reused scratch array.
 * - `specialized`: the plan written out as straight-line JavaScript, one local per node, activations inlined,
 *   compiled once per distinct network. Only numbers from the plan's typed arrays reach the generated source,
 *   and each is checked to be an integer in range, so nothing can be injected through it. Sums run in the
 *   interpreter's order from the same 0, so both give bit-identical results (tests check it).
 */
import { activationSource } from './activations.js';
import { forward, forwardWeighted, type Plan } from './plan.js';

export type NetworkFn = (input: ArrayLike<number>, w: number, output: Float64Array) => void;

/**
 * Per-network forward passes; `lockstep` (rollout/lockstep.ts) interprets all of a network's episodes at once,
 * `episode` (rollout/episode.ts) compiles the specialised network into the episode loop itself.
 */
export type NetworkKind = 'interpreted' | 'specialized';
export const NETWORK_KINDS: readonly NetworkKind[] = ['interpreted', 'specialized'];
export type ForwardKind = NetworkKind | 'lockstep' | 'episode';
export const FORWARD_KINDS: readonly ForwardKind[] = ['interpreted', 'specialized', 'lockstep', 'episode'];

export function interpreted(plan: Plan): NetworkFn {
  const values = new Float64Array(plan.nNodes);
  const first = plan.nNodes - plan.nOutput;
  return (input, w, output) => {
    forward(plan, w, input, values);
    for (let o = 0; o < plan.nOutput; o++) output[o] = values[first + o];
  };
}

/** The interpreter with per-connection weights (in plan order, see planWeights), scaled by the shared weight. */
export function weightedNetwork(plan: Plan, weights: Float64Array): NetworkFn {
  const values = new Float64Array(plan.nNodes);
  const first = plan.nNodes - plan.nOutput;
  return (input, w, output) => {
    forwardWeighted(plan, weights, w, input, values);
    for (let o = 0; o < plan.nOutput; o++) output[o] = values[first + o];
  };
}

function checkedIndex(value: number, limit: number): number {
  if (!Number.isInteger(value) || value < 0 || value >= limit) throw new Error(`plan index ${value} out of range`);
  return value;
}

/** The generated function body for a plan (exposed for tests and for caching by source). */
export function specializedSource(plan: Plan): string {
  const { nInput, nNodes, nOutput, activation, inStart, inSrc } = plan;
  const lines: string[] = ['const v0 = 1;'];
  for (let i = 0; i < nInput; i++) lines.push(`const v${i + 1} = input[${i}];`);
  for (let slot = nInput + 1; slot < nNodes; slot++) {
    const terms = ['0'];
    for (let k = inStart[slot]; k < inStart[slot + 1]; k++) terms.push(`v${checkedIndex(inSrc[k], slot)}`);
    lines.push(`const s${slot} = w * (${terms.join(' + ')});`);
    lines.push(`const v${slot} = ${activationSource(activation[slot], `s${slot}`)};`);
  }
  for (let o = 0; o < nOutput; o++) lines.push(`output[${o}] = v${nNodes - nOutput + o};`);
  return lines.join('\n');
}

/**
 * Compiled code by source, bounded so long runs do not grow it: an elite or a child whose mutation changed
 * nothing compiles to the same source as before and reuses the function (and V8's optimised code for it).
 * Used for specialised networks here and for compiled episode loops (rollout/episode.ts).
 */
export class CompiledCache<F> {
  private readonly functions = new Map<string, F>();
  constructor(private readonly limit: number) {}

  get(source: string, compile: (source: string) => F): F {
    let fn = this.functions.get(source);
    if (!fn) {
      fn = compile(source);
      if (this.functions.size >= this.limit) this.functions.delete(this.functions.keys().next().value!);
      this.functions.set(source, fn);
    }
    return fn;
  }
}

const networks = new CompiledCache<NetworkFn>(4096);

export function specialized(plan: Plan): NetworkFn {
  return networks.get(specializedSource(plan), (source) => new Function('input', 'w', 'output', source) as NetworkFn);
}

/**
 * The largest plan (nodes + connections) written out as code. Beyond it V8 runs out of stack compiling or
 * calling the generated function (seen between 80,000 and 200,000), so bigger networks run on the
 * interpreter, which gives the same numbers (tested), more slowly.
 */
export const COMPILE_LIMIT = 20_000;

export function compilable(plan: Plan): boolean {
  return plan.nNodes + plan.nConn <= COMPILE_LIMIT;
}

export function networkFn(plan: Plan, kind: NetworkKind = 'specialized'): NetworkFn {
  return kind === 'specialized' && compilable(plan) ? specialized(plan) : interpreted(plan);
}
