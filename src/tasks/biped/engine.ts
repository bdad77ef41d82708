/**
 * The physics engine under the walker: Box2D 2.4.1 compiled to WebAssembly (box2d-wasm 7.0.0), chosen for
 * speed (docs/biped.md has the side-by-side with planck.js). Loaded once per thread, asynchronously (a
 * WebAssembly module cannot be instantiated synchronously in every host); `loadEngine` is awaited by
 * loadTask before any episode runs, and `engine()` is the loaded module after that.
 *
 * Always the same build (the SIMD one where the host validates SIMD, as Node 20 does), so an episode gives the
 * same bits on every thread and machine that runs this package.
 */
import type Box2DFactoryType from 'box2d-wasm';

export type Box2DModule = typeof Box2D & EmscriptenModule;

let loaded: Box2DModule | null = null;
let loading: Promise<Box2DModule> | null = null;

/** The engine, once loadEngine has finished in this thread. */
export function engine(): Box2DModule {
  if (!loaded) throw new Error('the Box2D engine is not loaded in this thread (loadTask("biped") loads it)');
  return loaded;
}

/** Loads Box2D once per thread. In Node the .wasm is read from the package and handed over as bytes. */
export function loadEngine(): Promise<Box2DModule> {
  loading ??= (async () => {
    const isNode = typeof process !== 'undefined' && Boolean(process.versions?.node);
    if (!isNode) throw new Error('biped: the browser build loads Box2D through the viewer (web/)');
    const { createRequire } = await import('node:module');
    const { readFileSync } = await import('node:fs');
    const require = createRequire(import.meta.url);
    // Emscripten would fetch() the .wasm by path under Node 18+, which fails: read it and pass the bytes.
    const file = require.resolve('box2d-wasm/dist/umd/Box2D.simd.wasm');
    const factory = require('box2d-wasm/dist/umd/Box2D.simd.js') as typeof Box2DFactoryType;
    loaded = (await factory({ wasmBinary: readFileSync(file) } as never)) as Box2DModule;
    return loaded;
  })();
  return loading;
}
