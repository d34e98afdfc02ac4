//! Sums and orderings of floats that read-outs at every storey share.

/// `ln sum_i exp(v_i)` over the finite values, in f64.
pub fn log_sum_exp(values: impl Iterator<Item = f64> + Clone) -> f64 {
    let m = values
        .clone()
        .filter(|v| v.is_finite())
        .fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    m + values
        .filter(|v| v.is_finite())
        .map(|v| (v - m).exp())
        .sum::<f64>()
        .ln()
}

/// Sorts short lists of finite numbers (medians and quantiles of a few hundred values) by
/// insertion: the standard library's sort adds about 4 KB of code per element type to the
/// page's wasm, this a few hundred bytes.
pub fn sort_floats(v: &mut [f64]) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && v[j - 1] > v[j] {
            v.swap(j - 1, j);
            j -= 1;
        }
    }
}
