//! The tail-aware standard error: the fitted tail shape of known distributions, and the
//! coverage of `mean +- 2 SE` over repeated samples where the plain standard error is
//! optimistic.

use arflow::numeric::stats::{Tail, TailFit};
use arflow::train::metrics::Estimate;
use rand::{rngs::StdRng, Rng, SeedableRng};
use rand_distr::{Exp1, StandardNormal};

/// Generalized Pareto draws of shape `xi`, scale 1, by inverting its CDF.
fn pareto(xi: f64, n: usize, rng: &mut StdRng) -> Vec<f64> {
    (0..n)
        .map(|_| {
            let u: f64 = rng.gen();
            ((1.0 - u).powf(-xi) - 1.0) / xi
        })
        .collect()
}

#[test]
fn the_fitted_tail_shape_is_the_distributions() {
    let mut rng = StdRng::seed_from_u64(7);
    // Probability-weighted moments are nearly unbiased below 1/2 and low past it (0.63 for
    // 0.7), still past 1/2: an infinite variance is still called one.
    for (xi, tol) in [(0.2, 0.03), (0.4, 0.03), (0.7, 0.1)] {
        let mut fits = Vec::new();
        for _ in 0..20 {
            fits.push(Tail::upper(&pareto(xi, 20_000, &mut rng)).unwrap().shape);
        }
        let mean = fits.iter().sum::<f64>() / fits.len() as f64;
        println!("GPD xi = {xi}: fitted {mean:.3}");
        assert!((mean - xi).abs() < tol, "xi {xi}: fitted {mean}");
        assert_eq!(xi > 0.5, fits.iter().all(|&f| f > 0.5));
    }
    let exp: Vec<f64> = (0..20_000).map(|_| rng.sample::<f64, _>(Exp1)).collect();
    let normal: Vec<f64> = (0..20_000)
        .map(|_| rng.sample::<f64, _>(StandardNormal))
        .collect();
    let (e, g) = (Tail::upper(&exp).unwrap(), Tail::upper(&normal).unwrap());
    println!("exponential: fitted {:.3}; normal: {:.3}", e.shape, g.shape);
    assert!(e.shape.abs() < 0.1 && g.shape < 0.0);
    // A light tail's variance is the sample's, to its own noise.
    let fit = TailFit::of(&normal);
    assert!(
        (fit.variance - 1.0).abs() < 0.05 && fit.shape < 0.0,
        "{fit:?}"
    );
    assert!(fit.beyond < 0.01, "{fit:?}");
    assert!(TailFit::of(&normal[..20]).shape.is_nan());
}

/// How often `|mean - truth| <= 2 se` over `repeats` samples of `n`, with the plain and
/// the tail-aware standard error.
fn coverage(draw: impl Fn(&mut StdRng) -> f64, truth: f64, n: usize, repeats: u64) -> (f64, f64) {
    let (mut plain, mut aware) = (0, 0);
    for r in 0..repeats {
        let mut rng = StdRng::seed_from_u64(r);
        let x: Vec<f64> = (0..n).map(|_| draw(&mut rng)).collect();
        let e = Estimate::of(&x);
        let sample = x.iter().map(|v| (v - e.value).powi(2)).sum::<f64>() / (n - 1) as f64;
        let gap = (e.value - truth).abs();
        plain += usize::from(gap <= 2.0 * (sample / n as f64).sqrt());
        aware += usize::from(gap <= 2.0 * e.se);
    }
    (plain as f64 / repeats as f64, aware as f64 / repeats as f64)
}

#[test]
fn the_tail_aware_standard_error_holds_where_the_plain_one_is_optimistic() {
    // A log-normal of sigma 2: finite variance, a tail so long that most samples of 4,000
    // miss what makes it (mean e^2).
    let lognormal = |rng: &mut StdRng| (2.0 * rng.sample::<f64, _>(StandardNormal)).exp();
    let (plain, aware) = coverage(lognormal, 2f64.exp(), 4000, 400);
    println!("log-normal(0, 2), n = 4,000: mean +- 2 SE covers {plain:.3} (plain), {aware:.3}");
    assert!(aware >= 0.92 && aware > plain + 0.03, "{plain} {aware}");
    // A Pareto tail of shape 0.4 (finite variance): the same.
    let gpd = |rng: &mut StdRng| pareto(0.4, 1, rng)[0];
    let (plain, aware) = coverage(gpd, 1.0 / 0.6, 4000, 400);
    println!("GPD(0.4), n = 4,000: covers {plain:.3} (plain), {aware:.3}");
    assert!(aware >= 0.93 && aware > plain, "{plain} {aware}");
    // A light tail: both hold.
    let normal = |rng: &mut StdRng| rng.sample::<f64, _>(StandardNormal);
    let (plain, aware) = coverage(normal, 0.0, 4000, 400);
    println!("normal: covers {plain:.3} (plain), {aware:.3}");
    assert!((0.92..0.98).contains(&aware), "{aware}");
}

/// Past shape 1/2 a typical sample mean is below the true mean (its rare large terms are
/// missing); what the fitted tail expects beyond the largest term is of that size.
#[test]
fn a_heavy_tail_says_how_low_its_mean_typically_is() {
    let mut rng = StdRng::seed_from_u64(11);
    let truth = 1.0 / (1.0 - 0.7);
    let (mut low, mut beyond) = (Vec::new(), Vec::new());
    for _ in 0..200 {
        let e = Estimate::of(&pareto(0.7, 4000, &mut rng));
        low.push(truth - e.value);
        beyond.push(e.beyond);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    let (l, b) = (median(&mut low), median(&mut beyond));
    println!("GPD(0.7), n = 4,000: the sample mean is low by {l:.3} (median); beyond {b:.3}");
    assert!(l > 0.0 && b > l && b < 4.0 * l, "{l} {b}");
    let light = Estimate::of(&pareto(0.1, 4000, &mut rng));
    assert!(light.beyond < 0.005, "{light:?}");
}

#[test]
fn an_infinite_variance_is_called_heavy() {
    let mut rng = StdRng::seed_from_u64(3);
    let heavy = (0..10).filter(|_| Estimate::of(&pareto(0.8, 4000, &mut rng)).heavy());
    assert!(heavy.count() >= 9);
    let light = (0..10).filter(|_| Estimate::of(&pareto(0.1, 4000, &mut rng)).heavy());
    assert_eq!(light.count(), 0);
}
