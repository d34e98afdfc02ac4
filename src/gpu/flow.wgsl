// arflow's flow on the GPU: one invocation per point, the same arithmetic as
// src/eval/plan.rs per row. Filled in by src/gpu/layout.rs's `shader`: {MAX_WIDTH}, {MAX_DIM},
// {WORKGROUP} and the scale constants (src/flow/scale.rs). The buffers are described in
// src/gpu/layout.rs (Packed, Job).

struct Job {
  n: u32,
  mode: u32,   // 0 log p at points, 1 push latent points, 2 log p on a grid
  nx: u32,
  pad: u32,
  x0: f32,
  y1: f32,
  dx: f32,
  dy: f32,
}

@group(0) @binding(0) var<storage, read> shape: array<u32>;
@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read> points: array<f32>;
@group(0) @binding(3) var<storage, read_write> outputs: array<f32>;
@group(0) @binding(4) var<uniform> job: Job;

const MAX_WIDTH: u32 = {MAX_WIDTH}u;
const MAX_DIM: u32 = {MAX_DIM}u;
const TANH_BOUND: f32 = {TANH_BOUND};
const SOFTPLUS_FLOOR: f32 = {SOFTPLUS_FLOOR};
const SOFTPLUS_SHIFT: f32 = {SOFTPLUS_SHIFT};
const HALF_LOG_TWO_PI: f32 = {HALF_LN_2PI};
// No value ever leaves f32's range, so no test depends on an inf or a NaN (WGSL lets an
// implementation assume that none occurs, and an overflowed result is indeterminate): every
// value a point carries (inputs, activations, MADE outputs, u, y) stays below BOUND = 2^64
// in magnitude (past it the prior's z^2 overflows anyway), every parameter below 2^50 (the
// packer refuses others) and every row is at most 1,024 wide, so a MADE sum stays below
// 2^124; exp takes arguments up to EXP_MAX, the largest f32 whose exp is finite, and a
// product v * exp(s) is checked against F32_MAX / exp(s) before it is formed. A point that
// would pass a bound is flagged and carries zeros from there: its outputs are OVERFLOWED,
// which the read-back turns into NaN (zero density, counted), as the CPU's are. All three
// bounds are exactly representable. (WGSL has no NaN constant.)
const BOUND: f32 = {BOUND};
const EXP_MAX: f32 = {EXP_MAX};
const F32_MAX: f32 = {F32_MAX};
const OVERFLOWED: f32 = {OVERFLOWED};

// Two activation buffers side by side: a masked layer reads one half and writes the other.
var<private> h: array<f32, 2 * MAX_WIDTH>;
var<private> u: array<f32, MAX_DIM>;
var<private> y: array<f32, MAX_DIM>;
var<private> ls: array<f32, MAX_DIM>;
var<private> t: array<f32, MAX_DIM>;
var<private> overflowed: bool;

// exp(x), or 1 with the point flagged where it would pass F32_MAX.
fn safe_exp(x: f32) -> f32 {
  if (x > EXP_MAX) {
    overflowed = true;
    return 1.0;
  }
  return exp(x);
}

// v, or 0 with the point flagged when |v| >= BOUND.
fn bounded(v: f32) -> f32 {
  if (abs(v) >= BOUND) {
    overflowed = true;
    return 0.0;
  }
  return v;
}

// v * e for a finite v and 0 <= e <= F32_MAX, or 0 with the point flagged where the
// product would pass F32_MAX.
fn scaled(v: f32, e: f32) -> f32 {
  if (e > 1.0 && abs(v) > F32_MAX / e) {
    overflowed = true;
    return 0.0;
  }
  return v * e;
}

// ln(1 + x), accurate for small x (WGSL has no log1p).
fn log1p(x: f32) -> f32 {
  let v = 1.0 + x;
  if (v == 1.0) { return x; }
  return log(v) * (x / (v - 1.0));
}

// ln a from the raw MADE output s, as flow::Scale::log_scale.
fn log_scale(scale: u32, s: f32) -> f32 {
  if (scale == 0u) { return s; }
  // tanh may be computed through exp: past |x| = 10 it is +-1 in f32 anyway.
  if (scale == 1u) { return tanh(clamp(s / TANH_BOUND, -10.0, 10.0)) * TANH_BOUND; }
  let v = s + SOFTPLUS_SHIFT;
  return log(max(v, 0.0) + log1p(exp(-abs(v))) + SOFTPLUS_FLOOR);
}

// One MADE pass of layer record `rec` on u: (ln a, t) into ls and t.
fn conditioner(rec: u32, d: u32) {
  for (var i = 0u; i < d; i++) { h[i] = u[i]; }
  let count = shape[rec + 3u];
  var src = 0u;
  var dst = MAX_WIDTH;
  for (var l = 0u; l < count; l++) {
    let m = rec + 4u + 4u * l;
    let inp = shape[m];
    let out = shape[m + 1u];
    let w = shape[m + 2u];
    let b = shape[m + 3u];
    for (var j = 0u; j < out; j++) {
      var acc = 0.0;
      let row = w + j * inp;
      for (var i = 0u; i < inp; i++) { acc += params[row + i] * h[src + i]; }
      var v = params[b + j] + acc;
      if (l + 1u < count) { v = max(v, 0.0); }
      h[dst + j] = bounded(v);
    }
    let swap = src;
    src = dst;
    dst = swap;
  }
  let scale = shape[rec + 1u];
  for (var i = 0u; i < d; i++) {
    ls[i] = log_scale(scale, h[src + i]);
    t[i] = h[src + d + i];
  }
}

// Layer record `rec` on u, towards the prior (`towards_prior`) or the data; returns its
// log|det|. A direct pass is y = u a + t; a solve runs D passes, the first from the output
// biases alone, then u = (y - t) / a.
fn layer_pass(rec: u32, d: u32, towards_prior: bool) -> f32 {
  let iaf = shape[rec] == 1u;
  var ld = 0.0;
  if (iaf != towards_prior) {
    conditioner(rec, d);
    for (var i = 0u; i < d; i++) {
      // |v e| <= F32_MAX and |t| < 2^64, far below half an ulp of F32_MAX: the sum is finite.
      u[i] = bounded(scaled(u[i], safe_exp(ls[i])) + t[i]);
      ld += ls[i];
    }
    return ld;
  }
  let count = shape[rec + 3u];
  let bias = shape[rec + 4u + 4u * (count - 1u) + 3u];
  let scale = shape[rec + 1u];
  for (var i = 0u; i < d; i++) {
    y[i] = u[i];
    ls[i] = log_scale(scale, params[bias + i]);
    t[i] = params[bias + d + i];
  }
  let first = shape[rec + 2u];
  u[first] = bounded(scaled(y[first] - t[first], safe_exp(-ls[first])));
  for (var step = 1u; step < d; step++) {
    conditioner(rec, d);
    if (step + 1u < d) {
      for (var i = 0u; i < d; i++) { u[i] = bounded(scaled(y[i] - t[i], safe_exp(-ls[i]))); }
    }
  }
  for (var i = 0u; i < d; i++) {
    u[i] = bounded(scaled(y[i] - t[i], safe_exp(-ls[i])));
    ld -= ls[i];
  }
  return ld;
}

fn log_normal(d: u32) -> f32 {
  var sq = 0.0;
  for (var i = 0u; i < d; i++) {
    // |u| < 2^64, so u^2 is finite; the sum is checked before it is formed.
    let q = u[i] * u[i];
    if (q > F32_MAX - sq) { overflowed = true; }
    sq = min(sq, F32_MAX - q) + q;
  }
  return -0.5 * sq - f32(d) * HALF_LOG_TWO_PI;
}

@compute @workgroup_size({WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let p = gid.x;
  if (p >= job.n) { return; }
  let d = shape[0];
  let k = shape[1];
  overflowed = false;
  if (job.mode == 2u) {
    u[0] = job.x0 + (f32(p % job.nx) + 0.5) * job.dx;
    u[1] = job.y1 - (f32(p / job.nx) + 0.5) * job.dy;
  } else {
    for (var i = 0u; i < d; i++) { u[i] = bounded(points[p * d + i]); }
  }
  if (job.mode == 1u) {
    var lq = log_normal(d);
    for (var l = 0u; l < k; l++) { lq -= layer_pass(shape[2u + l], d, false); }
    for (var i = 0u; i < d; i++) { outputs[p * d + i] = select(u[i], OVERFLOWED, overflowed); }
    outputs[job.n * d + p] = select(lq, OVERFLOWED, overflowed);
    return;
  }
  var total = 0.0;
  for (var l = k; l > 0u; l--) { total += layer_pass(shape[2u + l - 1u], d, true); }
  outputs[p] = select(log_normal(d) + total, OVERFLOWED, overflowed);
}
