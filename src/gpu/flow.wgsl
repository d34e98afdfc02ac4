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
// The edges of f32: exp(x) overflows for x > LN_F32_MAX, and |v| > F32_MAX (or a NaN) is
// an overflow. WGSL lets an implementation assume no overflow happens, so the shader checks
// for it itself: an overflowed point's outputs are OVERFLOWED, which the read-back turns
// into NaN (zero density, counted), as the CPU's are. (WGSL has no NaN constant.)
const LN_F32_MAX: f32 = {LN_F32_MAX};
const F32_MAX: f32 = {F32_MAX};
const OVERFLOWED: f32 = {OVERFLOWED};

// Two activation buffers side by side: a masked layer reads one half and writes the other.
var<private> h: array<f32, 2 * MAX_WIDTH>;
var<private> u: array<f32, MAX_DIM>;
var<private> y: array<f32, MAX_DIM>;
var<private> ls: array<f32, MAX_DIM>;
var<private> t: array<f32, MAX_DIM>;
var<private> overflowed: bool;

// exp(x), noting an overflow instead of relying on the GPU's.
fn safe_exp(x: f32) -> f32 {
  if (x > LN_F32_MAX) {
    overflowed = true;
    return F32_MAX;
  }
  return exp(x);
}

// v, noting it if it is beyond f32's range or NaN.
fn checked(v: f32) -> f32 {
  if (!(abs(v) <= F32_MAX)) { overflowed = true; }
  return v;
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
      h[dst + j] = v;
    }
    let swap = src;
    src = dst;
    dst = swap;
  }
  let scale = shape[rec + 1u];
  for (var i = 0u; i < d; i++) {
    ls[i] = checked(log_scale(scale, h[src + i]));
    t[i] = checked(h[src + d + i]);
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
      u[i] = checked(u[i] * safe_exp(ls[i]) + t[i]);
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
  u[first] = checked((y[first] - t[first]) * safe_exp(-ls[first]));
  for (var step = 1u; step < d; step++) {
    conditioner(rec, d);
    if (step + 1u < d) {
      for (var i = 0u; i < d; i++) { u[i] = checked((y[i] - t[i]) * safe_exp(-ls[i])); }
    }
  }
  for (var i = 0u; i < d; i++) {
    u[i] = checked((y[i] - t[i]) * safe_exp(-ls[i]));
    ld -= ls[i];
  }
  return ld;
}

fn log_normal(d: u32) -> f32 {
  var sq = 0.0;
  for (var i = 0u; i < d; i++) { sq += u[i] * u[i]; }
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
    for (var i = 0u; i < d; i++) { u[i] = points[p * d + i]; }
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
