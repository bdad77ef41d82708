/**
 * Draws a plan as a layered graph: bias and inputs on the left, outputs on the right, hidden nodes in columns
 * by depth (the longest path from an input). Only enabled connections exist in a plan, so disabled ones are
 * never drawn. Nodes are coloured and labelled by activation. With an image's hundreds of inputs, only the
 * inputs the network reads are drawn (the digits view maps where they are).
 */
import { ACTIVATION_NAMES } from '../../src/network/activations.js';
import type { Plan } from '../../src/network/plan.js';

export const ACTIVATION_COLOURS: Record<number, string> = {
  1: '#8a94a6', 2: '#e8a33d', 3: '#4f9fdc', 4: '#9b6bd6', 5: '#2fae7a',
  6: '#7cc47c', 7: '#d9534f', 8: '#c77dba', 9: '#f07f3c', 10: '#3bb3c3',
};
const SYMBOLS: Record<number, string> = { 1: '/', 2: '⌐', 3: 'sin', 4: 'G', 5: 'th', 6: 'σ', 7: '−', 8: '|x|', 9: 'R', 10: 'cos' };

const SVG = 'http://www.w3.org/2000/svg';

/** Depth of every slot: 0 for bias and inputs, 1 + deepest source otherwise; outputs share the last column. */
export function depths(plan: Plan): Int32Array {
  const depth = new Int32Array(plan.nNodes);
  let deepest = 0;
  const firstOutput = plan.nNodes - plan.nOutput;
  for (let slot = plan.nInput + 1; slot < firstOutput; slot++) {
    let d = 0;
    for (let k = plan.inStart[slot]; k < plan.inStart[slot + 1]; k++) d = Math.max(d, depth[plan.inSrc[k]]);
    depth[slot] = d + 1;
    deepest = Math.max(deepest, d + 1);
  }
  for (let slot = firstOutput; slot < plan.nNodes; slot++) depth[slot] = deepest + 1;
  return depth;
}

function el(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Enabled connections leaving each slot. */
export function outgoingCounts(plan: Plan): Int32Array {
  const counts = new Int32Array(plan.nNodes);
  for (let k = 0; k < plan.inStart[plan.nNodes]; k++) counts[plan.inSrc[k]]++;
  return counts;
}

/** Past this many inputs (an image's pixels) only the inputs the network reads are drawn. */
const MANY_INPUTS = 32;

export function drawNetwork(svg: SVGSVGElement, plan: Plan, inputNames: readonly string[], outputNames: readonly string[]): void {
  const W = 640, H = 360, pad = 70;
  const depth = depths(plan);
  const columns = depth[plan.nNodes - 1] + 1;
  const byColumn: number[][] = Array.from({ length: columns }, () => []);
  const outgoing = outgoingCounts(plan);
  const drawn = (slot: number) => plan.nInput <= MANY_INPUTS || slot === 0 || slot > plan.nInput || outgoing[slot] > 0;
  for (let slot = 0; slot < plan.nNodes; slot++) if (drawn(slot)) byColumn[depth[slot]].push(slot);
  // A crowded column makes every node smaller, and a column's labels show only where they fit.
  const crowd = Math.max(...byColumn.map((slots) => slots.length));
  const r = Math.max(2.5, Math.min(9, (H - 40) / crowd / 2.4));
  const x = new Float64Array(plan.nNodes);
  const y = new Float64Array(plan.nNodes);
  byColumn.forEach((slots, c) => slots.forEach((slot, i) => {
    x[slot] = pad + ((W - 2 * pad) * c) / Math.max(1, columns - 1);
    y[slot] = 20 + ((H - 40) * (i + 0.5)) / slots.length;
  }));
  svg.replaceChildren();
  const edges = el('g', { stroke: '#9aa4b2', 'stroke-width': 1, 'stroke-opacity': 0.7, fill: 'none' });
  for (let slot = 0; slot < plan.nNodes; slot++) {
    for (let k = plan.inStart[slot]; k < plan.inStart[slot + 1]; k++) {
      const s = plan.inSrc[k];
      const mx = (x[s] + x[slot]) / 2;
      edges.appendChild(el('path', { d: `M${x[s]},${y[s]} C${mx},${y[s]} ${mx},${y[slot]} ${x[slot]},${y[slot]}` }));
    }
  }
  svg.appendChild(edges);
  const nodes = el('g', { 'font-size': 9, 'text-anchor': 'middle' });
  for (let slot = 0; slot < plan.nNodes; slot++) {
    if (!drawn(slot)) continue;
    const isHead = slot <= plan.nInput;
    const isOutput = slot >= plan.nNodes - plan.nOutput;
    const act = plan.activation[slot];
    const colour = isHead ? '#fff' : ACTIVATION_COLOURS[act] ?? '#000';
    const g = el('g', { class: 'node', 'data-activation': isHead ? 'input' : ACTIVATION_NAMES[act] });
    g.appendChild(el('circle', { cx: x[slot], cy: y[slot], r, fill: colour, stroke: '#1d232b', 'stroke-width': isOutput ? 2 : 1 }));
    if (!isHead && r >= 6) g.appendChild(el('text', { x: x[slot], y: y[slot] + 3, fill: '#fff' }, SYMBOLS[act] ?? '?'));
    const label = slot === 0 ? 'bias' : isHead ? inputNames[slot - 1] : isOutput ? outputNames[slot - (plan.nNodes - plan.nOutput)] : null;
    if (label && (H - 40) / byColumn[depth[slot]].length >= 10) g.appendChild(el('text', { x: x[slot] + (isOutput ? 14 : -14), y: y[slot] + 3, 'text-anchor': isOutput ? 'start' : 'end', fill: '#1d232b' }, label));
    g.appendChild(el('title', {}, isHead ? (label ?? '') : `node ${plan.nodeIds[slot]}: ${ACTIVATION_NAMES[act]}`));
    nodes.appendChild(g);
  }
  svg.appendChild(nodes);
}

export function drawLegend(box: HTMLElement): void {
  box.replaceChildren(...Object.entries(ACTIVATION_NAMES).map(([id, name]) => {
    const span = document.createElement('span');
    span.style.setProperty('--c', ACTIVATION_COLOURS[Number(id)]);
    span.textContent = `${SYMBOLS[Number(id)]} ${name}`;
    return span;
  }));
}
