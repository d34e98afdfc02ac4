//! The MAF/IAF cost sweep over the dimension: its blocks, the passes each flow needs, the
//! medians and ranges of its rounds, and the flows it times (the settings' at each `D`).

use arflow::flow::Direction;
use arflow::session::dimension_cost::{flow_at, Spread, Sweep, ROUNDS};
use arflow::session::settings::Settings;

#[test]
fn a_spread_is_the_median_and_the_range_and_overlap_means_within_noise() {
    let s = Spread::of(&[5.0, 1.0, 3.0, 4.0, 2.0]);
    assert_eq!((s.median, s.low, s.high), (3.0, 1.0, 5.0));
    assert_eq!(Spread::of(&[1.0, 4.0, 2.0, 3.0]).median, 2.5);
    let far = Spread::of(&[10.0, 11.0, 12.0]);
    assert!(!s.overlaps(&far) && !far.overlaps(&s));
    let near = Spread::of(&[4.5, 6.0, 7.0]);
    assert!(s.overlaps(&near) && near.overlaps(&s));
}

#[test]
fn the_sweep_times_both_directions_at_every_dimension_in_rounds() {
    let settings = Settings::default();
    // A clock that advances 1 ms a reading: each block then "takes" 1 ms.
    let mut t = 0.0;
    let mut now = || {
        t += 1.0;
        t
    };
    let mut sweep = Sweep::new(&settings.flow_config(), &[2, 8]).unwrap();
    assert!(sweep.result().is_none());
    let mut calls = 0;
    while !sweep.work(&mut now) {
        calls += 1;
        assert!(sweep.result().is_none());
    }
    // 2 dims x 2 directions x 2 operations, each a warm-up and ROUNDS timed rounds.
    assert_eq!(calls + 1, 8 * (ROUNDS + 1));
    assert!(sweep.work(&mut now), "done stays done");
    let rows = sweep.result().unwrap();
    let k = settings.layers;
    let passes: Vec<(usize, Direction, [usize; 2])> = rows
        .iter()
        .map(|r| (r.dim, r.direction, r.passes))
        .collect();
    assert_eq!(
        passes,
        vec![
            (2, Direction::Maf, [k, 2 * k]),
            (2, Direction::Iaf, [2 * k, k]),
            (8, Direction::Maf, [k, 8 * k]),
            (8, Direction::Iaf, [8 * k, k]),
        ]
    );
    assert!(rows
        .iter()
        .all(|r| r.density.median > 0.0 && r.density.low <= r.density.high));
    // The flows are the settings' at D, every hidden width at least 2 D.
    let f = flow_at(&settings.flow_config(), 64, Direction::Iaf);
    assert_eq!((f.dim, f.layers, f.direction), (64, k, Direction::Iaf));
    assert!(f.hidden.iter().all(|&w| w >= 128));
    assert_eq!(
        flow_at(&settings.flow_config(), 2, Direction::Maf).hidden,
        settings.flow_config().hidden
    );
}

#[test]
fn the_figures_cross_to_the_page_whole_and_the_claims_follow_the_ranges() {
    use arflow::session::dimension_cost::{claims, from_flat, to_flat, DimensionCost};
    let s = |m: f64, l: f64, h: f64| Spread {
        median: m,
        low: l,
        high: h,
    };
    let rows = vec![
        DimensionCost {
            dim: 2,
            direction: Direction::Maf,
            passes: [4, 8],
            density: s(2.0, 1.8, 2.4),
            sample: s(2.2, 2.0, 2.6),
        },
        DimensionCost {
            dim: 2,
            direction: Direction::Iaf,
            passes: [8, 4],
            density: s(2.3, 2.1, 2.5),
            sample: s(2.1, 1.9, 2.2),
        },
        DimensionCost {
            dim: 64,
            direction: Direction::Maf,
            passes: [4, 256],
            density: s(40.0, 39.0, 45.0),
            sample: s(2400.0, 2300.0, 2600.0),
        },
        DimensionCost {
            dim: 64,
            direction: Direction::Iaf,
            passes: [256, 4],
            density: s(2500.0, 2400.0, 2700.0),
            sample: s(45.0, 44.0, 50.0),
        },
    ];
    assert_eq!(from_flat(&to_flat(&rows)).unwrap(), rows);
    let c = claims(&rows);
    assert_eq!(c.len(), 2);
    assert!(
        c[0].maf_within_noise && c[0].iaf_within_noise,
        "D = 2: the ranges overlap"
    );
    assert!(!c[1].maf_within_noise && !c[1].iaf_within_noise);
    assert_eq!((c[1].maf_ratio, c[1].iaf_ratio), (60.0, 2500.0 / 45.0));
    // A message that does not read is refused.
    let flat = to_flat(&rows);
    assert!(from_flat(&flat[..9]).is_err());
    assert!(from_flat(&[]).is_err());
    let mut bad = flat.clone();
    bad[4] = f64::NAN;
    assert!(from_flat(&bad).is_err());
}
