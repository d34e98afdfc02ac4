# %% [markdown]
# __TITLE__
#
# __PROVENANCE__
#
# The flow maps data `x` to a latent `eps = T^-1(x)` with a standard normal prior:
# `log p(x) = log N(eps; 0, I) + sum_k log|det d u_(k-1) / d u_k|`. Each layer `T_k` is
# autoregressive: a MADE (a feed-forward net whose weights are masked so that output `i`
# sees only the inputs before `i` in the layer's ordering) gives each coordinate the
# parameters of a monotone map. A MAF layer computes the density in one MADE pass and
# samples in `D` sequential passes; an IAF layer the other way round.
#
# The NumPy part needs nothing else and computes in float64 (the page computed in
# float32); the PyTorch part, used when `torch` imports, rebuilds the same flow as
# `nn.Module`s that train further with `loss.backward()`. Run the file to check both
# against the numbers the page computed when it exported.

# %%
import base64
import json
import sys

import numpy as np

MODEL = json.loads(r"""__MODEL__""")

C = MODEL["constants"]
D = MODEL["dim"]


def floats(text, shape):
    """The page's float32 numbers (little-endian, base64) as a float64 array."""
    return np.frombuffer(base64.b64decode(text), dtype="<f4").astype(np.float64).reshape(shape)


# %% [markdown]
# ## MADE: degrees and masks
# Input `i` has degree `m0(i)`, its 1-based place in the layer's ordering; hidden unit `k`
# has a degree `m(k)`. A hidden weight `j -> k` exists iff `m(k) >= m(j)`; an output
# weight iff the output's degree is strictly greater. The MADE has `P` outputs per
# coordinate in `P` blocks of `D` (output `j` belongs to coordinate `j mod D`).

# %%
def made_masks(degrees, blocks):
    """The masks (out x in, 0/1) of a MADE with these degrees: hidden `>=`, output `>`."""
    masks = [(np.array(b)[:, None] >= np.array(a)[None, :]).astype(np.float64) for a, b in zip(degrees, degrees[1:])]
    outputs = np.tile(np.array(degrees[0]), blocks)
    masks.append((outputs[:, None] > np.array(degrees[-1])[None, :]).astype(np.float64))
    return masks


def blocks_per_coordinate():
    return 2 if MODEL["transform"] == "affine" else 3 * MODEL["bins"] - 1


LAYERS = []
for spec in MODEL["layers"]:
    masks = made_masks(spec["degrees"], blocks_per_coordinate())
    weights = []
    for mask, w in zip(masks, spec["weights"]):
        weights.append((floats(w["weight"], mask.shape), floats(w["bias"], (mask.shape[0],)), mask))
    LAYERS.append({"order": spec["order"], "degrees": spec["degrees"], "made": weights})
BASE = None
if MODEL["base"] is not None:
    BASE = (floats(MODEL["base"]["mean"], (D,)), floats(MODEL["base"]["log_std"], (D,)))


def made(layer, u):
    """One MADE pass: the raw outputs `(n, P D)` for inputs `u` `(n, D)` (ReLU hidden units)."""
    h = u
    for i, (w, b, mask) in enumerate(layer["made"]):
        h = h @ (w * mask).T + b
        if i < len(layer["made"]) - 1:
            h = np.maximum(h, 0.0)
    return h


# %% [markdown]
# ## The element-wise maps
# Affine: `y = u a + t`, `a = exp(ln a)` from the MADE's first block through the chosen
# scale. Spline: a monotone rational-quadratic spline of `K` bins on `[-B, B]` (the
# identity outside) from `3K - 1` numbers: `K` widths and `K` heights (softmax, with a
# floor) and the `K - 1` interior derivatives (softplus, with a floor; 1 at both ends).

# %%
def softplus(v):
    return np.logaddexp(0.0, v)


def log_scale(s):
    kind = MODEL["scale"]
    if kind == "exp":
        return s
    if kind == "tanh":
        return C["tanh_bound"] * np.tanh(s / C["tanh_bound"])
    return np.log(softplus(s + C["softplus_shift"]) + C["softplus_floor"])


def knots(raw):
    """Knots `-B, ..., B` from raw sizes `(n, K)`."""
    k, bound = raw.shape[1], C["spline_bound"]
    share = np.exp(raw - raw.max(axis=1, keepdims=True))
    share /= share.sum(axis=1, keepdims=True)
    sizes = (C["min_bin"] + (1.0 - k * C["min_bin"]) * share) * 2.0 * bound
    at = np.concatenate([np.full((raw.shape[0], 1), -bound), -bound + np.cumsum(sizes, axis=1)], axis=1)
    at[:, -1] = bound
    return at


def spline(v, raw, inverse):
    """One coordinate's spline at `v` `(n,)` from its raw numbers `(n, 3K - 1)`: the map
    (or its inverse) and `log|dy/dx|` (or `log|dx/dy|`)."""
    k, bound = (raw.shape[1] + 1) // 3, C["spline_bound"]
    xs, ys = knots(raw[:, :k]), knots(raw[:, k : 2 * k])
    inner = C["min_derivative"] + softplus(raw[:, 2 * k :] + C["derivative_shift"])
    d = np.concatenate([np.ones((len(v), 1)), inner, np.ones((len(v), 1))], axis=1)
    src = ys if inverse else xs
    b = np.clip((src <= v[:, None]).sum(axis=1), 1, k) - 1
    r = np.arange(len(v))
    x0, y0, w, h = xs[r, b], ys[r, b], xs[r, b + 1] - xs[r, b], ys[r, b + 1] - ys[r, b]
    s, d0, d1 = h / w, d[r, b], d[r, b + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        if inverse:
            e = v - y0
            c2 = d1 + d0 - 2.0 * s
            a, bb, c = h * (s - d0) + e * c2, h * d0 - e * c2, -s * e
            root = np.sqrt(np.maximum(bb * bb - 4.0 * a * c, 0.0))
            xi = np.where(c == 0.0, 0.0, np.where(bb >= 0.0, 2.0 * c / (-bb - root), (-bb + root) / (2.0 * a)))
        else:
            xi = (v - x0) / w
    xi = np.clip(xi, 0.0, 1.0)
    q = xi * (1.0 - xi)
    den = s + (d1 + d0 - 2.0 * s) * q
    log_slope = np.log(s * s * (d1 * xi * xi + 2.0 * s * q + d0 * (1.0 - xi) ** 2)) - 2.0 * np.log(den)
    out = x0 + xi * w if inverse else y0 + h * (s * xi * xi + d0 * q) / den
    inside = (v >= -bound) & (v <= bound)
    return np.where(inside, out, v), np.where(inside, -log_slope if inverse else log_slope, 0.0)


def transform(v, raw, inverse):
    """Every coordinate's map `y = tau(v; raw)` (or its inverse) and `log|det|` per row."""
    if MODEL["transform"] == "affine":
        ls, t = log_scale(raw[:, :D]), raw[:, D : 2 * D]
        return ((v - t) * np.exp(-ls), -ls.sum(axis=1)) if inverse else (v * np.exp(ls) + t, ls.sum(axis=1))
    out, log_det = np.empty_like(v), np.zeros(len(v))
    for i in range(D):
        out[:, i], ld = spline(v[:, i], raw[:, i::D], inverse)
        log_det += ld
    return out, log_det


# %% [markdown]
# ## A layer both ways
# `direct(v) = tau(v; MADE(v))` is one MADE pass. Its inverse solves for `u` with
# `tau(u; MADE(u)) = y` in `D` passes: after pass `p` the first `p` coordinates in the
# ordering are exact. MAF: the direct pass maps data to latent (densities in one pass);
# IAF: it maps latent to data (samples in one pass).

# %%
def direct(layer, v):
    return transform(v, made(layer, v), inverse=False)


def solve(layer, y):
    u = y.copy()
    for _ in range(D):
        u, log_det = transform(y, made(layer, u), inverse=True)
    return u, log_det


def layer_to_latent(layer, x):
    return direct(layer, x) if MODEL["direction"] == "maf" else solve(layer, x)


def layer_to_data(layer, u):
    return solve(layer, u) if MODEL["direction"] == "maf" else direct(layer, u)


# %% [markdown]
# ## The flow: densities, the latent and samples

# %%
def log_normal(eps):
    return -0.5 * (eps * eps).sum(axis=1) - 0.5 * eps.shape[1] * np.log(2.0 * np.pi)


def to_latent(x):
    """`eps = T^-1(x)` and the `log|det|` of each step on the way (the last layer first,
    then the learnable base's `-sum ln sigma` if there is one)."""
    u, log_dets = np.asarray(x, dtype=np.float64), []
    for layer in reversed(LAYERS):
        u, ld = layer_to_latent(layer, u)
        log_dets.append(ld)
    if BASE is not None:
        u = (u - BASE[0]) * np.exp(-BASE[1])
        log_dets.append(np.full(len(u), -BASE[1].sum()))
    return u, log_dets


def log_prob(x):
    """`log p(x)` per row."""
    eps, log_dets = to_latent(x)
    return log_normal(eps) + sum(log_dets)


def to_data(eps):
    """`x = T(eps)` and `log q(x)` per row."""
    u = np.asarray(eps, dtype=np.float64)
    log_q = log_normal(u)
    if BASE is not None:
        u = BASE[0] + np.exp(BASE[1]) * u
        log_q -= BASE[1].sum()
    for layer in LAYERS:
        u, ld = layer_to_data(layer, u)
        log_q -= ld
    return u, log_q


def sample(n, seed=0):
    """`n` samples `x = T(eps)`, `eps ~ N(0, I)` drawn with NumPy's generator `seed`."""
    return to_data(np.random.default_rng(seed).standard_normal((n, D)))[0]
__DIGITS__
# %% [markdown]
# ## The same flow in PyTorch (when `torch` imports)
# `MaskedLinear` multiplies its weight by a `mask` buffer; `MADE` stacks them with ReLUs;
# a `MAF` layer's `forward` returns `(z, log_det)` in one pass and its `backward` solves
# coordinate by coordinate; an `IAF` layer swaps the two. `NormalizingFlowModel` chains
# the layers from the data to the latent (the page's last layer first) on a standard
# normal prior, a learnable base being its last element-wise affine step.

# %%
try:
    import torch
    from torch import nn
except ImportError:
    torch = None

if torch is not None:

    class MaskedLinear(nn.Linear):
        def __init__(self, mask):
            super().__init__(mask.shape[1], mask.shape[0])
            self.register_buffer("mask", torch.as_tensor(mask, dtype=torch.get_default_dtype()))

        def forward(self, x):
            return nn.functional.linear(x, self.mask * self.weight, self.bias)

    class MADE(nn.Module):
        def __init__(self, masks):
            super().__init__()
            parts = []
            for i, mask in enumerate(masks):
                parts.append(MaskedLinear(mask))
                if i < len(masks) - 1:
                    parts.append(nn.ReLU())
            self.net = nn.Sequential(*parts)

        def forward(self, x):
            return self.net(x)

    def t_transform(v, raw, inverse):
        """`transform` on tensors (the spline through NumPy's formulas, written for torch)."""
        if MODEL["transform"] == "affine":
            s, t = raw[:, :D], raw[:, D : 2 * D]
            kind, bound = MODEL["scale"], C["tanh_bound"]
            if kind == "exp":
                ls = s
            elif kind == "tanh":
                ls = bound * torch.tanh(s / bound)
            else:
                ls = torch.log(nn.functional.softplus(s + C["softplus_shift"]) + C["softplus_floor"])
            return ((v - t) * torch.exp(-ls), -ls.sum(dim=1)) if inverse else (v * torch.exp(ls) + t, ls.sum(dim=1))
        outs, log_det = [], torch.zeros(len(v), dtype=v.dtype)
        for i in range(D):
            o, ld = t_spline(v[:, i], raw[:, i::D], inverse)
            outs.append(o)
            log_det = log_det + ld
        return torch.stack(outs, dim=1), log_det

    def t_knots(raw):
        k, bound = raw.shape[1], C["spline_bound"]
        sizes = (C["min_bin"] + (1.0 - k * C["min_bin"]) * torch.softmax(raw, dim=1)) * 2.0 * bound
        at = -bound + torch.cumsum(sizes, dim=1)
        start = torch.full((raw.shape[0], 1), -bound, dtype=raw.dtype)
        end = torch.full((raw.shape[0], 1), bound, dtype=raw.dtype)
        return torch.cat([start, at[:, :-1], end], dim=1)

    def t_spline(v, raw, inverse):
        k, bound = (raw.shape[1] + 1) // 3, C["spline_bound"]
        xs, ys = t_knots(raw[:, :k]), t_knots(raw[:, k : 2 * k])
        inner = C["min_derivative"] + nn.functional.softplus(raw[:, 2 * k :] + C["derivative_shift"])
        one = torch.ones((len(v), 1), dtype=raw.dtype)
        d = torch.cat([one, inner, one], dim=1)
        src = ys if inverse else xs
        b = (torch.clamp((src <= v[:, None]).sum(dim=1), 1, k) - 1)[:, None]
        pick = lambda t, j: t.gather(1, b + j)[:, 0]  # noqa: E731
        x0, y0, w, h = pick(xs, 0), pick(ys, 0), pick(xs, 1) - pick(xs, 0), pick(ys, 1) - pick(ys, 0)
        s, d0, d1 = h / w, pick(d, 0), pick(d, 1)
        if inverse:
            e = v - y0
            c2 = d1 + d0 - 2.0 * s
            a, bb, c = h * (s - d0) + e * c2, h * d0 - e * c2, -s * e
            root = torch.sqrt(torch.clamp(bb * bb - 4.0 * a * c, min=0.0))
            xi = torch.where(bb >= 0.0, 2.0 * c / (-bb - root), (-bb + root) / (2.0 * a))
            xi = torch.where(c == 0.0, torch.zeros_like(xi), xi)
        else:
            xi = (v - x0) / w
        xi = torch.clamp(xi, 0.0, 1.0)
        q = xi * (1.0 - xi)
        den = s + (d1 + d0 - 2.0 * s) * q
        log_slope = torch.log(s * s * (d1 * xi * xi + 2.0 * s * q + d0 * (1.0 - xi) ** 2)) - 2.0 * torch.log(den)
        out = x0 + xi * w if inverse else y0 + h * (s * xi * xi + d0 * q) / den
        inside = (v >= -bound) & (v <= bound)
        return torch.where(inside, out, v), torch.where(inside, -log_slope if inverse else log_slope, torch.zeros_like(v))

    class MAF(nn.Module):
        """An autoregressive layer: `forward(x) -> (z, log_det)` is one MADE pass (towards the
        latent), `backward(z) -> (x, log_det)` the coordinate-by-coordinate solve."""

        def __init__(self, masks):
            super().__init__()
            self.made = MADE(masks)

        def direct(self, v):
            return t_transform(v, self.made(v), inverse=False)

        def solve(self, y):
            u = y
            for _ in range(D - 1):
                u = t_transform(y, self.made(u), inverse=True)[0]
            return t_transform(y, self.made(u), inverse=True)

        def forward(self, x):
            return self.direct(x)

        def backward(self, z):
            return self.solve(z)

    class IAF(MAF):
        """MAF with its directions swapped: sampling is one pass, the density a solve."""

        def forward(self, x):
            return self.solve(x)

        def backward(self, z):
            return self.direct(z)

    class LearnedBase(nn.Module):
        """The learnable base `z = mu + sigma eps` as the last step towards the latent."""

        def __init__(self):
            super().__init__()
            self.mean = nn.Parameter(torch.zeros(D))
            self.log_std = nn.Parameter(torch.zeros(D))

        def forward(self, z):
            return (z - self.mean) * torch.exp(-self.log_std), -self.log_std.sum().expand(len(z))

        def backward(self, eps):
            return self.mean + torch.exp(self.log_std) * eps, self.log_std.sum().expand(len(eps))

    class NormalizingFlowModel(nn.Module):
        """A prior and a sequence of flows, data to latent: `forward(x)` returns
        `(zs, prior_logprob, log_det)`; `backward(z)` returns `(xs, log_det)`."""

        def __init__(self, prior, flows):
            super().__init__()
            self.prior = prior
            self.flows = nn.ModuleList(flows)

        def forward(self, x):
            log_det, zs = torch.zeros(len(x), dtype=x.dtype), [x]
            for flow in self.flows:
                x, ld = flow.forward(x)
                log_det = log_det + ld
                zs.append(x)
            return zs, self.prior.log_prob(x).sum(dim=1), log_det

        def backward(self, z):
            log_det, xs = torch.zeros(len(z), dtype=z.dtype), [z]
            for flow in reversed(self.flows):
                z, ld = flow.backward(z)
                log_det = log_det + ld
                xs.append(z)
            return xs, log_det

        def log_prob(self, x):
            _, prior_logprob, log_det = self.forward(x)
            return prior_logprob + log_det

        def sample(self, n):
            return self.backward(self.prior.sample((n,)))[0][-1]

    def torch_model(dtype=torch.float64):
        """The flow as a `NormalizingFlowModel` with the page's weights."""
        kind = MAF if MODEL["direction"] == "maf" else IAF
        flows = []
        for layer in reversed(LAYERS):
            flow = kind([mask for _, _, mask in layer["made"]])
            with torch.no_grad():
                for linear, (w, b, _) in zip(flow.made.net[::2], layer["made"]):
                    linear.weight.copy_(torch.as_tensor(w))
                    linear.bias.copy_(torch.as_tensor(b))
            flows.append(flow)
        if BASE is not None:
            base = LearnedBase()
            with torch.no_grad():
                base.mean.copy_(torch.as_tensor(BASE[0]))
                base.log_std.copy_(torch.as_tensor(BASE[1]))
            flows.append(base)
        zero = torch.zeros(D, dtype=dtype)
        prior = torch.distributions.Normal(zero, torch.ones(D, dtype=dtype))
        return NormalizingFlowModel(prior, flows).to(dtype)


# %% [markdown]
# ## The check: this file against the page
# The page computed the log-densities of a few points and the samples of a few fixed
# latent draws when it exported, in float32. This file computes them in float64 from the
# same float32 weights, so the two differ by the page's rounding alone: a few float32
# steps per layer, well inside 1e-5 relative (`|a - b| <= 1e-5 max(1, |b|)`).

# %%
def compare(what, ours, page, tolerance=1e-5):
    ours, page = np.asarray(ours, dtype=np.float64), np.asarray(page, dtype=np.float64)
    worst = float(np.max(np.abs(ours - page) / np.maximum(1.0, np.abs(page))))
    ok = bool(np.all(np.isfinite(ours))) and worst <= tolerance
    print(f"{'ok  ' if ok else 'FAIL'} {what}: {ours.size} numbers, largest relative difference {worst:.2e} (at most {tolerance:.0e})")
    return ok


def check():
    page = MODEL["check"]
    x, eps = np.array(page["x"]), np.array(page["eps"])
    ok = compare("NumPy log p(x) against the page's", log_prob(x), page["log_prob"])
    ok &= compare("NumPy samples T(eps) against the page's", to_data(eps)[0], page["samples"])
    if torch is None:
        print("PyTorch: not installed here, not compared")
        return ok
    model = torch_model()
    tx = torch.as_tensor(x)
    lp = model.log_prob(tx)
    ok &= compare("PyTorch log p(x) against the page's", lp.detach().numpy(), page["log_prob"])
    xs, _ = model.backward(torch.as_tensor(eps))
    ok &= compare("PyTorch samples against the page's", xs[-1].detach().numpy(), page["samples"])
    (-lp.mean()).backward()
    dead = [n for n, p in model.named_parameters() if p.grad is None or not torch.any(p.grad != 0)]
    print(f"{'ok  ' if not dead else 'FAIL'} PyTorch: the mean log-density's gradient reaches {sum(1 for _ in model.parameters()) - len(dead)} of {sum(1 for _ in model.parameters())} parameter tensors")
    return ok and not dead


# %%
if __name__ == "__main__":
    sys.exit(0 if check() else 1)
