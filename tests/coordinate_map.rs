//! The transform panel's numbers: the map of one coordinate at a probed point goes through
//! the probe's own path (its point is where the layer sends the coordinate), its log slope
//! is the log of a finite-difference slope of the curve, the coordinates' log slopes add
//! up to the layer's `log|det|`, a spline's curve passes through its knots, and the
//! coordinate first in the ordering is conditioned on nothing.

use crate::common::scramble;
use arflow::flow::{Direction, Flow, FlowConfig, Transform};
use arflow::views::coordinate_map::coordinate_map;

fn flow(direction: Direction, transform: Transform) -> Flow {
    let mut f = Flow::new(FlowConfig {
        direction,
        transform,
        layers: 3,
        hidden: vec![16, 16],
        seed: 5,
        ..FlowConfig::default()
    })
    .unwrap();
    scramble(&mut f, 3.0);
    f
}

#[test]
fn the_map_follows_the_probe_and_its_slopes_make_the_log_det() {
    for direction in [Direction::Maf, Direction::Iaf] {
        for transform in [Transform::Affine, Transform::Spline] {
            let f = flow(direction, transform);
            let name = format!("{direction:?} {transform:?}");
            let probe = f.probe(&[0.7, -1.2]);
            for layer in 1..=3 {
                let step = probe.steps.iter().find(|s| s.layer == layer).unwrap();
                let mut total = 0.0;
                for coord in 0..2 {
                    let m = coordinate_map(&f, &probe, layer, coord);
                    // MAF reads x (the step's input) and writes z; IAF reads z and writes x.
                    let (from, to) = match direction {
                        Direction::Maf => (&step.input, &step.output),
                        Direction::Iaf => (&step.output, &step.input),
                    };
                    assert!((m.point[0] - from[coord]).abs() < 1e-6, "{name}");
                    assert!(
                        (m.point[1] - to[coord]).abs() < 1e-4,
                        "{name}: {:?} vs {to:?}",
                        m.point
                    );
                    // The slope against the curve's own neighbours.
                    let i = m
                        .curve
                        .partition_point(|p| p[0] < m.point[0])
                        .clamp(1, m.curve.len() - 1);
                    let (a, b) = (m.curve[i - 1], m.curve[i]);
                    let fd = ((b[1] - a[1]) / (b[0] - a[0])).ln();
                    assert!(
                        (fd - m.log_slope).abs() < 0.05,
                        "{name} layer {layer}: {fd} vs {}",
                        m.log_slope
                    );
                    total += m.log_slope as f64;
                    let order = f.config.layer_ordering(layer - 1);
                    assert_eq!(m.given.is_empty(), order[0] == coord, "{name}");
                    if transform == Transform::Spline {
                        assert_eq!(m.knots.len(), 9);
                        let tau = f.layers[layer - 1].transformer;
                        let raw =
                            arflow::numeric::tensor::values(&f.layers[layer - 1].conditioner(
                                arflow::numeric::tensor::matrix(f.device(), m.at.clone(), 2),
                            ));
                        for k in &m.knots {
                            let y = tau.map_one(k[0], &raw, coord, 2).0;
                            assert!((y - k[1]).abs() < 1e-4, "{name}: knot {k:?} maps to {y}");
                        }
                    } else {
                        assert!(m.knots.is_empty());
                    }
                }
                // The layer's log|det| in the density's direction: MAF's direct map, minus
                // IAF's.
                let want = match direction {
                    Direction::Maf => step.log_det,
                    Direction::Iaf => -step.log_det,
                };
                assert!(
                    (total - want).abs() < 1e-4,
                    "{name} layer {layer}: {total} vs {want}"
                );
            }
        }
    }
}

#[test]
fn a_map_that_leaves_the_frame_is_cut_at_its_edge_not_flattened_along_it() {
    use arflow::draw::coordinate_map::clip_to_band;
    // A straight line of slope 3 through the frame [-5, 5], sampled coarsely.
    let curve: Vec<[f32; 2]> = (-10..=10)
        .map(|i| [i as f32 * 0.5, 1.5 * i as f32])
        .collect();
    let pieces = clip_to_band(&curve, -5.0, 5.0);
    assert_eq!(pieces.len(), 1);
    let line = &pieces[0];
    // It ends exactly where it meets the edges, and every point is on the line.
    assert_eq!(line.first().copied(), Some((-5.0 / 3.0, -5.0)));
    assert_eq!(line.last().copied(), Some((5.0 / 3.0, 5.0)));
    assert!(line
        .iter()
        .all(|&(x, y)| (y - 3.0 * x).abs() < 1e-5 && y.abs() <= 5.0));
    // Out and back in: two pieces; one step across the whole band: its chord.
    let wave = [[0.0, 0.0], [1.0, 8.0], [2.0, 0.0], [3.0, -8.0]];
    let pieces = clip_to_band(&wave, -5.0, 5.0);
    assert_eq!(pieces.len(), 2);
    assert_eq!(pieces[0], vec![(0.0, 0.0), (0.625, 5.0)]);
    assert_eq!(pieces[1], vec![(1.375, 5.0), (2.0, 0.0), (2.625, -5.0)]);
    let jump = clip_to_band(&[[0.0, 10.0], [1.0, -10.0]], -5.0, 5.0);
    assert_eq!(jump, vec![vec![(0.25, 5.0), (0.75, -5.0)]]);
}
