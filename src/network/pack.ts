/**
 * Many plans packed into a handful of flat typed arrays, so a batch crosses to a worker thread (or a GPU
 * buffer) as a few transferred buffers instead of thousands of small objects. Unpacking makes views, not copies.
 */
import type { Plan } from './plan.js';

export interface PackedPlans {
  /** Per plan: nInput, nOutput, nNodes, nConn, node offset, connection offset. */
  header: Int32Array;
  nodeIds: Int32Array;
  activation: Uint8Array;
  /** Each plan's inStart (nNodes + 1 entries), relative to that plan's first connection. */
  inStart: Int32Array;
  inSrc: Int32Array;
  inConn: Int32Array;
}

const H = 6;

export function packPlans(plans: readonly Plan[]): PackedPlans {
  let nodes = 0;
  let conns = 0;
  for (const p of plans) { nodes += p.nNodes; conns += p.inSrc.length; }
  const packed: PackedPlans = {
    header: new Int32Array(plans.length * H),
    nodeIds: new Int32Array(nodes),
    activation: new Uint8Array(nodes),
    inStart: new Int32Array(nodes + plans.length),
    inSrc: new Int32Array(conns),
    inConn: new Int32Array(conns),
  };
  let n = 0;
  let c = 0;
  plans.forEach((p, i) => {
    packed.header.set([p.nInput, p.nOutput, p.nNodes, p.nConn, n, c], i * H);
    packed.nodeIds.set(p.nodeIds, n);
    packed.activation.set(p.activation, n);
    packed.inStart.set(p.inStart, n + i);
    packed.inSrc.set(p.inSrc, c);
    packed.inConn.set(p.inConn, c);
    n += p.nNodes;
    c += p.inSrc.length;
  });
  return packed;
}

export function unpackPlans(packed: PackedPlans): Plan[] {
  const plans: Plan[] = [];
  for (let i = 0; i * H < packed.header.length; i++) {
    const [nInput, nOutput, nNodes, nConn, n, c] = packed.header.subarray(i * H, i * H + H);
    const inStart = packed.inStart.subarray(n + i, n + i + nNodes + 1);
    plans.push({
      nInput, nOutput, nNodes, nConn,
      nodeIds: packed.nodeIds.subarray(n, n + nNodes),
      activation: packed.activation.subarray(n, n + nNodes),
      inStart,
      inSrc: packed.inSrc.subarray(c, c + inStart[nNodes]),
      inConn: packed.inConn.subarray(c, c + inStart[nNodes]),
    });
  }
  return plans;
}

export function transferList(packed: PackedPlans): ArrayBuffer[] {
  return [packed.header, packed.nodeIds, packed.activation, packed.inStart, packed.inSrc, packed.inConn].map((a) => a.buffer as ArrayBuffer);
}
