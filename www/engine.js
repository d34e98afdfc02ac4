// Picks the page's wasm build. Two are built from the same source (scripts/build-web.sh):
// pkg/ with SIMD128, which every current browser runs, and pkg/relaxed/ with relaxed
// SIMD's fused multiply-add as well, which is about 1.5x faster for training, grids and
// sampling where the browser has it. `?engine=simd128` in the address forces the first
// (the page passes its choice on to the worker the same way).

// (module (func (param v128 v128 v128) (result v128)
//   local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd))
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b,
  0x03, 0x02, 0x01, 0x00,
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b,
]);

const BUILDS = {
  relaxed: { url: '../pkg/relaxed/arflow.js', label: 'SIMD128 + relaxed FMA' },
  simd128: { url: '../pkg/arflow.js', label: 'SIMD128' },
};

function wanted() {
  const asked = new URLSearchParams(self.location.search).get('engine');
  if (asked in BUILDS) return asked;
  return WebAssembly.validate(RELAXED_PROBE) ? 'relaxed' : 'simd128';
}

// Imports and instantiates the chosen build: `{ name, label, module, memory }`, where
// `module` exports App (and bench) and `memory` is its wasm memory. A relaxed build that
// fails to load falls back to SIMD128.
export async function loadEngine() {
  let name = wanted();
  let module;
  let exports;
  try {
    module = await import(BUILDS[name].url);
    exports = await module.default();
  } catch (e) {
    if (name === 'simd128') throw e;
    name = 'simd128';
    module = await import(BUILDS[name].url);
    exports = await module.default();
  }
  return { name, label: BUILDS[name].label, module, memory: exports.memory };
}
