/**
 * The biped drawn as the reference environment draws it: terrain, hull, the two legs (the far one darker), the
 * lidar rays and the feet that touch the ground, with the camera following the hull. The page cannot run Box2D,
 * so the server sends the episode: the terrain once and, after every step, the 27 numbers of Walker.frame()
 * (src/tasks/biped/walker.ts): hull, upper(-1), lower(-1), upper(+1), lower(+1) as (x, y, angle), ten lidar
 * fractions, two foot contacts.
 */
import { FPS, HULL_POLY, LEG_H, LEG_W, LIDAR_RANGE, LIDAR_RAYS, SCALE, TERRAIN_HEIGHT, TERRAIN_STEP, VIEWPORT_W } from '../../src/tasks/biped/constants.js';

/** Seconds of simulated time per step: the episode plays in real time. */
export const WALKER_SECONDS_PER_STEP = 1 / FPS;
/** Numbers per frame, in Walker.frame()'s order. */
export const WALKER_FRAME_SIZE = 5 * 3 + LIDAR_RAYS + 2;

/** Metres of world across the canvas, as the reference's window shows (600 px at 30 px per metre). */
const VIEW_METRES = VIEWPORT_W / SCALE;
/** The hull sits this far across the view, leaving room ahead of it (the reference scrolls the same way). */
const HULL_AT = 1 / 5;

type Point = readonly [number, number];

/** The corners of a shape given in its body's frame, placed at (x, y) and turned by angle. */
function place(corners: readonly Point[], x: number, y: number, angle: number): Point[] {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return corners.map(([u, v]) => [x + c * u - s * v, y + s * u + c * v] as const);
}

function box(halfW: number, halfH: number): Point[] {
  return [[-halfW, -halfH], [halfW, -halfH], [halfW, halfH], [-halfW, halfH]];
}

const HULL: Point[] = HULL_POLY.map(([x, y]) => [x / SCALE, y / SCALE] as const);
const UPPER = box(LEG_W / 2, LEG_H / 2);
const LOWER = box((0.8 * LEG_W) / 2, LEG_H / 2);

export function drawWalker(ctx: CanvasRenderingContext2D, W: number, H: number, heights: readonly number[], frame: readonly number[]): void {
  const scale = W / VIEW_METRES;
  const left = frame[0] - VIEW_METRES * HULL_AT;
  // The ground's mean height two metres above the bottom edge: the hull and its lidar fit above it.
  const bottom = TERRAIN_HEIGHT - 2;
  const px = (x: number) => (x - left) * scale;
  const py = (y: number) => H - (y - bottom) * scale;
  const polygon = (points: readonly Point[], fill: string, stroke: string, width = 1) => {
    ctx.beginPath();
    points.forEach(([x, y], i) => ctx[i ? 'lineTo' : 'moveTo'](px(x), py(y)));
    ctx.closePath();
    ctx.fillStyle = fill;
    ctx.fill();
    ctx.strokeStyle = stroke;
    ctx.lineWidth = width;
    ctx.stroke();
    ctx.lineWidth = 1;
  };

  ctx.fillStyle = '#e6ecff';
  ctx.fillRect(0, 0, W, H);
  // The terrain: its points from just left of the view to just right of it, filled down to the bottom edge.
  const first = Math.max(0, Math.floor(left / TERRAIN_STEP));
  const last = Math.min(heights.length - 1, Math.ceil((left + VIEW_METRES) / TERRAIN_STEP));
  const ground: Point[] = [];
  for (let i = first; i <= last; i++) ground.push([i * TERRAIN_STEP, heights[i]]);
  if (ground.length > 1) polygon([...ground, [ground.at(-1)![0], bottom - 1], [ground[0][0], bottom - 1]], '#66cc66', '#338833');

  // The lidar: from the hull's origin, down and ahead, as far as each ray reached.
  const lidar = frame.slice(15, 15 + LIDAR_RAYS);
  ctx.strokeStyle = 'rgba(220, 40, 40, 0.6)';
  ctx.beginPath();
  lidar.forEach((fraction, i) => {
    const a = (1.5 * i) / 10;
    ctx.moveTo(px(frame[0]), py(frame[1]));
    ctx.lineTo(px(frame[0] + Math.sin(a) * LIDAR_RANGE * fraction), py(frame[1] - Math.cos(a) * LIDAR_RANGE * fraction));
  });
  ctx.stroke();

  // The legs, far (-1) first so the near one (+1) covers it; a lower leg on the ground has a thick black outline.
  const contact = [frame[25], frame[26]];
  for (const [k, far] of [[0, true], [1, false]] as const) {
    const upper = 3 + 6 * k;
    const lower = upper + 3;
    const colour = far ? '#7a5ab3' : '#a98be0';
    polygon(place(UPPER, frame[upper], frame[upper + 1], frame[upper + 2]), colour, '#4d3380');
    polygon(place(LOWER, frame[lower], frame[lower + 1], frame[lower + 2]), colour, contact[k] ? '#000000' : '#4d3380', contact[k] ? 3 : 1);
  }
  polygon(place(HULL, frame[0], frame[1], frame[2]), '#8066e6', '#4d3380');
}
