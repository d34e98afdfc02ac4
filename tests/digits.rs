//! The 8x8 digits: the embedded file as scikit-learn ships it, the held-out fifth, the
//! pre-processing's log-det against finite differences, and the 64-D flow trained on them
//! (the fused step against dfdx's tape, and the held-out NLL of `y` against its parts).

use crate::common;

use arflow::data::digits::{bits_per_dim, digits, from_logit, held_out, to_logit, DIM, LEVELS};
use arflow::flow::{Flow, FlowConfig};
use arflow::train::objective::Objective;
use arflow::train::{TrainConfig, Trainer};
use rand::{rngs::StdRng, SeedableRng};

#[test]
fn the_file_holds_1797_images_of_64_pixels_in_0_to_16() {
    let d = digits();
    assert_eq!(d.len(), 1797);
    // The digits' counts, read from the same file by Python's gzip and csv modules.
    let mut counts = [0; 10];
    (0..d.len()).for_each(|i| counts[d.label(i) as usize] += 1);
    assert_eq!(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]);
    // The first image's first row, as the file's first line starts.
    assert_eq!(&d.image(0)[..8], &[0, 0, 5, 13, 9, 1, 0, 0]);
    assert!((0..d.len()).all(|i| d.image(i).iter().all(|&v| (v as usize) < LEVELS)));
    let (test, train) = (d.indices(true), d.indices(false));
    assert_eq!((test.len(), train.len()), (360, 1437));
    assert!(test.iter().all(|i| !train.contains(i)));
}

#[test]
fn a_broken_file_is_refused_with_the_line() {
    use flate2::{write::GzEncoder, Compression};
    use std::io::Write;
    let gz = |text: &str| {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(text.as_bytes()).unwrap();
        e.finish().unwrap()
    };
    let good = vec!["1"; 65].join(",");
    let bad = vec!["17"; 65].join(",");
    assert!(arflow::data::digits::Digits::parse(&gz(&good)).is_ok());
    let err = arflow::data::digits::Digits::parse(&gz(&format!("{good}\n{bad}"))).unwrap_err();
    assert!(err.starts_with("line 2"), "{err}");
    assert!(arflow::data::digits::Digits::parse(b"not gzip").is_err());
}

#[test]
fn the_logit_log_det_is_the_finite_difference_and_the_map_inverts() {
    for y in [1e-3, 0.1, 0.37, 0.5, 0.8, 0.999] {
        let (x, ld) = to_logit(y);
        let h = 1e-6;
        let fd = (to_logit(y + h).0 - to_logit(y - h).0) / (2.0 * h);
        assert!((fd.ln() - ld).abs() < 1e-8, "y {y}: {} vs {ld}", fd.ln());
        assert!((from_logit(x) - y).abs() < 1e-12, "y {y}");
    }
    // -78 nats per image is about 2.33 bits per dimension of the 0..16 data.
    let expected = (-78.0 + 64.0 * 17f64.ln()) / (64.0 * 2f64.ln());
    assert!((bits_per_dim(-78.0) - expected).abs() < 1e-12);
    assert!((bits_per_dim(-78.0) - 2.33).abs() < 0.01);
}

#[test]
fn the_held_out_images_have_their_log_det_and_fixed_noise() {
    let h = held_out();
    assert_eq!(h.x.len(), 360 * DIM);
    // Recomputed image by image: each pixel's y from x, its log-det summed, averaged.
    let mean: f64 =
        h.x.chunks(DIM)
            .map(|img| {
                img.iter()
                    .map(|&x| to_logit(from_logit(x as f64)).1)
                    .sum::<f64>()
            })
            .sum::<f64>()
            / 360.0;
    assert!(
        (mean - h.mean_log_det).abs() < 1e-3 * mean.abs(),
        "{mean} vs {}",
        h.mean_log_det
    );
    // And every pixel lies in its own bin: y in [v/17, (v+1)/17).
    let d = digits();
    for (k, i) in d.indices(true).into_iter().enumerate().take(20) {
        for (p, &v) in d.image(i).iter().enumerate() {
            let y = from_logit(h.x[k * DIM + p] as f64) * LEVELS as f64;
            assert!(
                y >= v as f64 - 1e-4 && y < v as f64 + 1.0 + 1e-4,
                "{y} for {v}"
            );
        }
    }
}

fn digits_flow(seed: u64) -> Flow {
    Flow::new(FlowConfig {
        dim: DIM,
        layers: 2,
        hidden: vec![96, 96],
        seed,
        ..FlowConfig::default()
    })
    .unwrap()
}

#[test]
fn the_fused_step_on_digits_is_dfdxs_tape() {
    let f = digits_flow(3);
    let (rows, _) = digits().training_batch(100, &mut StdRng::seed_from_u64(9));
    common::check_fused("digits", &f, Objective::Digits, &rows, 64);
}

#[test]
fn training_on_digits_lowers_the_held_out_nll_of_y() {
    let config = TrainConfig {
        objective: Objective::Digits,
        batch: 64,
        lr: 1e-3,
        ..TrainConfig::default()
    };
    let mut t = Trainer::new(digits_flow(1), config).unwrap();
    let first = t.test_metric();
    // The metric is the NLL of x less the mean log-det: recomputed from its parts.
    let h = held_out();
    let nll_x = arflow::train::objective::mean_finite_nll(&t.flow.log_prob_points(&h.x));
    assert!((first - (nll_x - h.mean_log_det)).abs() < 1e-9);
    for _ in 0..150 {
        t.step();
    }
    let after = t.test_metric();
    assert!(after < first - 20.0, "{first} -> {after}");
    // A 2-D flow cannot learn 64-D points.
    assert!(Trainer::new(Flow::new(FlowConfig::default()).unwrap(), config).is_err());
}

/// A 4-layer digits flow of `direction` on dfdx's kernels (the paths' engine).
fn dfdx_flow(direction: arflow::flow::Direction) -> Flow {
    let mut f = Flow::new(FlowConfig {
        direction,
        ..digits_flow(4).config.clone()
    })
    .unwrap();
    f.kernels = arflow::flow::made::Kernels::Dfdx;
    f
}

/// Each layer of `path` that takes `per_layer` passes fixes one more coordinate per pass,
/// in its order: after pass `p + 1` the coordinates at positions `0..=p` are final.
fn assert_fixed_in_order(path: &arflow::views::sampling::Path, per_layer: usize) {
    assert_eq!(path.passes(), 2 * per_layer);
    for layer in &path.layers {
        let last = layer.iterates.last().unwrap();
        for (p, it) in layer.iterates.iter().enumerate().take(per_layer - 1) {
            for &i in &layer.order[..=p] {
                assert_eq!(it[i], last[i], "layer {} pass {}", layer.layer, p + 1);
            }
        }
    }
}

#[test]
fn maf_sampling_fills_an_image_coordinate_after_coordinate_and_ends_on_the_sample() {
    use arflow::flow::Direction;
    for direction in [Direction::Maf, Direction::Iaf] {
        let f = dfdx_flow(direction);
        let eps = f.draw_latent(1).as_vec();
        let path = f.sampling_path(&eps);
        assert_fixed_in_order(&path, if direction == Direction::Maf { DIM } else { 1 });
        // The animation's last image is the sample drawn in one call from the same draw.
        assert_eq!(path.to, f.to_data_points(&eps).0);
    }
}

#[test]
fn iaf_scores_an_image_coordinate_after_coordinate_and_ends_on_its_latent_point() {
    use arflow::flow::Direction;
    for direction in [Direction::Maf, Direction::Iaf] {
        let f = dfdx_flow(direction);
        let x = &held_out().x[DIM..2 * DIM];
        let path = f.density_path(x);
        assert_fixed_in_order(&path, if direction == Direction::Iaf { DIM } else { 1 });
        // The layers run from the data's side: T_2^-1, then T_1^-1.
        let layers: Vec<usize> = path.layers.iter().map(|l| l.layer).collect();
        assert_eq!(layers, [2, 1]);
        assert_eq!(path.to, f.to_prior_points(x));
    }
}

#[test]
fn the_jacobian_at_an_image_is_triangular_in_each_layers_order_and_gives_log_det() {
    let f = digits_flow(5);
    let x = &held_out().x[..DIM];
    let p = f.probe(x);
    for s in &p.steps {
        assert_eq!(s.zeros.len(), DIM * (DIM - 1) / 2);
        // Zero to the last bit where the ordering forces it.
        assert!(s.zeros.iter().all(|&(i, j)| s.jacobian[i * DIM + j] == 0.0));
        let log_diag: f64 = (0..DIM).map(|i| s.jacobian[i * DIM + i].abs().ln()).sum();
        assert!(
            (log_diag - s.log_det).abs() < 1e-4 * s.log_det.abs().max(1.0),
            "{log_diag} vs {}",
            s.log_det
        );
    }
    let direct = f.log_prob_points(x)[0] as f64;
    assert!(
        (p.log_p - direct).abs() < 1e-3 * direct.abs().max(1.0),
        "{} vs {direct}",
        p.log_p
    );
}
