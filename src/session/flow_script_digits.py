
# %% [markdown]
# ## The digits' pre-processing
# A pixel `v` in `0..16` is dequantised to `y = (v + u) / 17` with `u ~ U(0, 1)`, squeezed
# to `s = alpha + (1 - 2 alpha) y` and mapped to `x = logit(s)`: the flow models `x`. The
# density of `y` adds the map's log-det, `sum_i ln((1 - 2 alpha) / (s_i (1 - s_i)))`, and
# with `D ln 17` gives bits per dimension of the 0..16 data.

# %%
ALPHA, LEVELS = MODEL["digits"]["alpha"], MODEL["digits"]["levels"]


def to_flow_space(y):
    """Dequantised images `y` in `(0, 1)` `(n, 64)` to the flow's `x` and `ln|dx/dy|` per row."""
    s = ALPHA + (1.0 - 2.0 * ALPHA) * np.asarray(y, dtype=np.float64)
    return np.log(s) - np.log1p(-s), (np.log(1.0 - 2.0 * ALPHA) - np.log(s) - np.log1p(-s)).sum(axis=1)


def to_images(x):
    """The flow's `x` back to images `y` in `[0, 1]` (a sample may leave the interval)."""
    s = 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))
    return np.clip((s - ALPHA) / (1.0 - 2.0 * ALPHA), 0.0, 1.0)


def log_prob_images(y):
    """`log p(y)` of dequantised images: the flow's density of `x` and the map's log-det."""
    x, log_det = to_flow_space(y)
    return log_prob(x) + log_det


def bits_per_dim(nll_nats):
    """Nats per image of `y` to bits per dimension of the 0..16 pixels."""
    return (nll_nats + D * np.log(LEVELS)) / (D * np.log(2.0))

