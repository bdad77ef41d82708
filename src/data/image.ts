/**
 * The image operations the WANN reference applies to MNIST (`classify_gym.py`: `cv2.resize` to 16x16, then
 * `deskew`), written out so the inputs match the reference's without OpenCV. Pure and browser-safe.
 * Images are row-major, x = column index, y = row index, as in OpenCV.
 */

/** For each destination index along one axis: the two source taps and the weight of the second. */
function linearTaps(srcN: number, dstN: number): { i0: Int32Array; i1: Int32Array; t: Float64Array } {
  const i0 = new Int32Array(dstN);
  const i1 = new Int32Array(dstN);
  const t = new Float64Array(dstN);
  const scale = srcN / dstN;
  for (let d = 0; d < dstN; d++) {
    // OpenCV's half-pixel mapping; it keeps the fraction in float32, so we round it the same way.
    const f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    let w = f - s;
    // Replicate border: OpenCV clamps the tap (and drops the fraction) past either edge.
    if (s < 0) { s = 0; w = 0; }
    if (s >= srcN - 1) { s = srcN - 1; w = 0; }
    i0[d] = s;
    i1[d] = Math.min(s + 1, srcN - 1);
    t[d] = w;
  }
  return { i0, i1, t };
}

/**
 * Bilinear resize like `cv2.resize(img, (dstW, dstH))` (INTER_LINEAR): destination pixel d samples source
 * coordinate (d + 0.5) * src/dst - 0.5, indices clamped at the edges. Done as OpenCV does it, a horizontal
 * pass per source row and then a vertical blend of two such rows, so the rounding is the same too.
 */
export function resizeBilinear(
  src: ArrayLike<number>, srcW: number, srcH: number, dstW: number, dstH: number,
): Float64Array {
  const xs = linearTaps(srcW, dstW);
  const ys = linearTaps(srcH, dstH);
  const out = new Float64Array(dstW * dstH);
  const row = (sy: number, dx: number): number => {
    const base = sy * srcW;
    return src[base + xs.i0[dx]] * (1 - xs.t[dx]) + src[base + xs.i1[dx]] * xs.t[dx];
  };
  for (let dy = 0; dy < dstH; dy++) {
    const b1 = ys.t[dy];
    for (let dx = 0; dx < dstW; dx++) {
      out[dy * dstW + dx] = row(ys.i0[dy], dx) * (1 - b1) + row(ys.i1[dy], dx) * b1;
    }
  }
  return out;
}

/** Spatial and central moments up to order 2, as `cv2.moments` returns them for a float image. */
export interface Moments {
  m00: number; m10: number; m01: number;
  /** Centroid (m10/m00, m01/m00); 0 for an empty image, as in OpenCV. */
  cx: number; cy: number;
  mu20: number; mu11: number; mu02: number;
}

/**
 * Moments of a w x h image. Accumulated row by row and the central ones derived from the raw ones, the way
 * OpenCV does, so `deskew`'s skew and its |mu02| < 1e-2 test see the reference's numbers.
 */
export function moments(img: ArrayLike<number>, w: number, h: number): Moments {
  let m00 = 0, m10 = 0, m01 = 0, m20 = 0, m11 = 0, m02 = 0;
  for (let y = 0; y < h; y++) {
    let x0 = 0, x1 = 0, x2 = 0;
    for (let x = 0; x < w; x++) {
      const v = img[y * w + x];
      x0 += v; x1 += x * v; x2 += x * x * v;
    }
    m00 += x0; m10 += x1; m01 += y * x0; m20 += x2; m11 += y * x1; m02 += y * y * x0;
  }
  const inv = m00 !== 0 ? 1 / m00 : 0;
  const cx = m10 * inv;
  const cy = m01 * inv;
  return { m00, m10, m01, cx, cy, mu20: m20 - cx * m10, mu11: m11 - cx * m01, mu02: m02 - cy * m01 };
}

/** Bilinear sample at (x, y) with pixels outside the image read as 0 (warpAffine's constant border). */
function sampleZero(img: Float64Array, w: number, h: number, x: number, y: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const at = (xi: number, yi: number): number => (xi >= 0 && xi < w && yi >= 0 && yi < h ? img[yi * w + xi] : 0);
  const top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx;
  const bottom = fy === 0 ? 0 : at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx;
  return top * (1 - fy) + bottom * fy;
}

/**
 * The reference's `deskew` on a size x size image: skew = mu11/mu02 (the image comes back unchanged, as a
 * copy, when |mu02| < 1e-2), then `warpAffine(img, [[1, skew, -0.5*size*skew], [0, 1, 0]],
 * WARP_INVERSE_MAP | INTER_LINEAR)`, i.e. dst(x, y) = src(x + skew*y - size/2*skew, y), 0 outside.
 * The reference builds the matrix with np.float32, so skew and shift are rounded to float32 here too.
 * Deliberate difference: OpenCV's warpAffine snaps sample coordinates to 1/32 pixel (INTER_TAB_SIZE) and
 * uses tabulated weights; we sample at the exact coordinate, so values can differ by up to ~1/64 of a step.
 */
export function deskew(img: Float64Array, size: number): Float64Array {
  const m = moments(img, size, size);
  if (Math.abs(m.mu02) < 1e-2) return img.slice();
  const skewD = m.mu11 / m.mu02;
  const skew = Math.fround(skewD);
  const shift = Math.fround(-0.5 * size * skewD);
  const out = new Float64Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) out[y * size + x] = sampleZero(img, size, size, x + skew * y + shift, y);
  }
  return out;
}
