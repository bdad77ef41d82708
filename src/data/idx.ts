/**
 * The IDX format of the MNIST files (yann.lecun.com/exdb/mnist): two zero bytes, a type code, the number of
 * dimensions, then one big-endian u32 per dimension and the values in row-major order. Only unsigned bytes
 * (type 0x08) are read, which is what every MNIST file holds.
 */

export interface IdxArray {
  /** The size of each dimension, outermost first (images: [n, rows, cols]; labels: [n]). */
  dims: number[];
  /** The values, row-major; a view into the buffer given to parseIdx. */
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

/**
 * Parses an IDX file of unsigned bytes with `wantDims` dimensions; `name` names it in errors. Every check
 * fails with one line: the magic number, the dimension count, each size, and a body neither short nor long.
 */
export function parseIdx(buf: Uint8Array, name: string, wantDims: number): IdxArray {
  if (buf.length < 4) throw new Error(`${name}: not an IDX file (${buf.length} bytes, shorter than its 4-byte magic number)`);
  if (buf[0] !== 0 || buf[1] !== 0) throw new Error(`${name}: not an IDX file (magic number starts ${hex(buf[0])} ${hex(buf[1])}, expected 00 00)`);
  if (buf[2] !== UNSIGNED_BYTE) throw new Error(`${name}: IDX type ${hex(buf[2])}, expected 08 (unsigned bytes)`);
  if (buf[3] !== wantDims) throw new Error(`${name}: ${buf[3]} dimensions, expected ${wantDims}`);
  const headerBytes = 4 + 4 * wantDims;
  if (buf.length < headerBytes) throw new Error(`${name}: truncated header (${buf.length} bytes, expected ${headerBytes})`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dims = Array.from({ length: wantDims }, (_, d) => view.getUint32(4 + 4 * d, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const body = buf.length - headerBytes;
  if (body !== count) {
    const what = body < count ? 'truncated' : 'trailing bytes';
    throw new Error(`${name}: ${what}: header says ${dims.join(' x ')} = ${count} values, the file holds ${body}`);
  }
  return { dims, data: buf.subarray(headerBytes) };
}

/** An IDX file of unsigned bytes, for tests and tools: the inverse of parseIdx. */
export function encodeIdx(dims: readonly number[], data: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  out[2] = UNSIGNED_BYTE;
  out[3] = dims.length;
  const view = new DataView(out.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

function hex(b: number | undefined): string {
  return (b ?? 0).toString(16).padStart(2, '0');
}
