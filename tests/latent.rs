//! The latent and uniform view: `Phi(T^-1(x))` is uniform when the flow is the exact map of
//! the data, and far from it for an untrained flow on moons; the KS distance against a
//! direct computation; the warped grid of an identity flow is the regular grid.

use crate::common;

use arflow::data::{flatten, DataSet};
use arflow::flow::scale::Scale;
use arflow::flow::{Direction, Flow, FlowConfig, LayerOrder};
use arflow::numeric::grid::{grid_lines, Window};
use arflow::views::latent::{histogram, ks_uniform, normal_cdf, LatentView};
use rand::{rngs::StdRng, SeedableRng};
use rand_distr::{Distribution, Normal};

#[test]
fn the_exact_map_of_gaussian_data_sends_it_to_the_uniform_square() {
    let (m, s) = ([1.0f32, -0.5], [0.5f32, 2.0]);
    let f = common::gaussian_map(m, s);
    // The threshold is a 95 % bound for uniform u: of 400 independent data sets of 1,000
    // points about 20 exceed it (binomial, sd 4.4); 8 to 34 is 2.75 sd either side, so the
    // threshold is neither too loose nor too tight.
    let mut above = 0;
    let mut largest: f64 = 0.0;
    for seed in 0..400 {
        let mut rng = StdRng::seed_from_u64(seed);
        let x: Vec<f32> = (0..1000)
            .flat_map(|_| {
                [
                    Normal::new(m[0], s[0]).unwrap().sample(&mut rng),
                    Normal::new(m[1], s[1]).unwrap().sample(&mut rng),
                ]
            })
            .collect();
        let view = LatentView::new(&f, &x);
        // The map is exact: z is the standardised data.
        for (p, z) in x.chunks(2).zip(view.z.chunks(2)) {
            assert!(
                (z[0] - (p[0] - m[0]) / s[0]).abs() < 1e-5
                    && (z[1] - (p[1] - m[1]) / s[1]).abs() < 1e-5
            );
        }
        let threshold = view.ks_threshold();
        assert!(
            (threshold - 1.48 / 1000f64.sqrt()).abs() < 0.001,
            "{threshold}"
        );
        above += usize::from(view.ks_max() >= threshold);
        largest = largest.max(view.ks_max());
    }
    println!("exact Gaussian map: {above} of 400 data sets above the 95 % threshold (largest KS {largest:.4})");
    assert!(
        (8..=34).contains(&above),
        "{above} of 400 above the threshold"
    );
}

#[test]
fn an_untrained_flow_on_moons_is_far_from_uniform() {
    let f = Flow::new(FlowConfig::default()).unwrap();
    let x = flatten(&DataSet::Moons.sample_seeded(1000, 2));
    let view = LatentView::new(&f, &x);
    println!("untrained flow on moons: KS {:.4}", view.ks_max());
    assert!(
        view.ks_max() > 3.0 * view.ks_threshold(),
        "KS {}",
        view.ks_max()
    );
}

#[test]
fn the_ks_distance_and_the_histogram_agree_with_direct_counts() {
    // Four points at 0.1, 0.2, 0.3, 0.9: the empirical CDF is 3/4 at 0.3+, distance 0.45.
    assert!((ks_uniform(&[0.9, 0.1, 0.3, 0.2]) - 0.45).abs() < 1e-12);
    assert!((ks_uniform(&[0.5]) - 0.5).abs() < 1e-12);
    assert!((normal_cdf(0.0) - 0.5).abs() < 1e-15);
    assert!((normal_cdf(1.959963984540054) - 0.975).abs() < 1e-12);
    assert!(normal_cdf(-40.0) >= 0.0 && normal_cdf(-9.0) > 0.0);
    let h = histogram(&[0.1, 0.1, 0.6, 2.0], 0.0, 1.0, 2);
    assert_eq!(h, vec![1.0, 0.5]);
}

#[test]
fn the_warped_grid_of_an_identity_flow_is_the_regular_grid() {
    for scale in Scale::ALL {
        for direction in [Direction::Maf, Direction::Iaf] {
            let mut f = Flow::new(FlowConfig {
                layers: 3,
                scale,
                direction,
                order: LayerOrder::Alternate,
                ..FlowConfig::default()
            })
            .unwrap();
            let zeros = vec![0.0; f.parameters_len()];
            f.set_parameters(&zeros).unwrap();
            let lines = grid_lines(Window::square(3.0), 7, 25);
            assert_eq!(lines.len(), 2 * 7 * 25 * 2);
            let stages = f.trace(&lines);
            assert_eq!(stages.len(), 4);
            for stage in &stages {
                let worst = stage
                    .iter()
                    .zip(&lines)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f32::max);
                assert!(worst < 1e-5, "{scale:?} {direction:?}: {worst}");
            }
        }
    }
}

/// Under reverse KL the model's own samples `x = T(eps)` map back to `eps` whatever the
/// model, so a uniformity verdict on them is blind; the view maps exact draws of the target
/// instead, and an untrained flow is far from uniform there.
#[test]
fn under_reverse_kl_the_latent_view_maps_the_target_not_the_models_samples() {
    use arflow::session::{lab::Lab, settings::Settings};
    for hash in [
        "#objective=reverse&target=u1",
        "#objective=reverse&target=u3",
    ] {
        let (settings, notes) = Settings::from_hash(hash);
        assert!(notes.is_empty(), "{hash}: {notes:?}");
        let mut lab = Lab::new(settings).unwrap();
        let view = lab.latent_view();
        // The blind verdict: the model's samples, mapped back, are the latent draws.
        let own = LatentView::new(&lab.trainer().flow, &lab.samples());
        assert!(
            own.ks_max() < own.ks_threshold(),
            "{hash}: own samples read {:.4} >= {:.4}",
            own.ks_max(),
            own.ks_threshold()
        );
        println!(
            "{hash}, untrained: KS {:.4} on target draws, {:.4} on its own samples (bound {:.4})",
            view.ks_max(),
            own.ks_max(),
            view.ks_threshold()
        );
        assert!(
            view.x.len() >= 2 * 100,
            "{hash}: {} points",
            view.x.len() / 2
        );
        assert!(
            view.ks_max() > 3.0 * view.ks_threshold(),
            "{hash}: an untrained flow reads {:.4} on the target (bound {:.4})",
            view.ks_max(),
            view.ks_threshold()
        );
        if hash.ends_with("u1") {
            // Training towards the target brings its draws closer to uniform.
            // A clock that moves 1 ms a read: the lab evaluates on its own schedule.
            let mut t = 0.0;
            let mut clock = || {
                t += 1.0;
                t
            };
            while lab.trainer().step_count() < 600 {
                lab.train(20.0, &mut clock);
            }
            let trained = lab.latent_view();
            println!("{hash}, 600 steps: KS {:.4}", trained.ks_max());
            assert!(trained.ks_max() < view.ks_max() / 2.0);
        }
    }
}
