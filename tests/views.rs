//! The session's mechanism views against direct computations: the slice's axis follows the
//! last layer's ordering, its curves are normalised (with the truth where the density is
//! known), the map value under a probe is the grid's cell, the stage densities run from the
//! prior to the model's density, and the MAF/IAF costs measure a twin of the other
//! direction with the passes swapped.

use arflow::flow::Direction;
use arflow::numeric::grid::{Grid, Window};
use arflow::session::lab::Lab;
use arflow::session::views::{GRID_LINES, MIN_SLICE_CELLS, STAGE_RES};
use std::time::Instant;

fn lab(hash: &str) -> Lab {
    let (mut lab, notes) = Lab::from_hash(hash);
    assert!(notes.is_empty(), "{notes:?}");
    lab.apply();
    lab
}

fn clock() -> impl FnMut() -> f64 {
    let t0 = Instant::now();
    move || t0.elapsed().as_secs_f64() * 1000.0
}

#[test]
fn the_slice_fixes_the_coordinate_the_last_layer_treats_first() {
    // Alternating from T_1 reversed: T_4 is natural, x1 first.
    assert_eq!(lab("").slice_axis(), 0);
    assert_eq!(lab("slice=1").slice_axis(), 1);
    assert_eq!(lab("layers=3").slice_axis(), 1);
    assert_eq!(lab("order=same&layers=3").slice_axis(), 0);
}

#[test]
fn slices_are_normalised_with_the_truth_where_it_is_known() {
    for (hash, truth) in [
        ("", true),
        ("data=rings", true),
        ("data=pinwheel", false),
        ("objective=reverse", true),
    ] {
        let mut l = lab(hash);
        let mut tick = clock();
        while !l.grid_work(64, f64::INFINITY, &mut tick, true) {}
        let s = l.slice(0.5);
        for c in [&s.model, &s.model_marginal]
            .into_iter()
            .chain(s.truth.as_ref().map(|_| &s.truth))
        {
            // Normalised over the whole line, of which the view holds nearly all here.
            let c = c.as_ref().expect("a curve");
            let last = *c.cdf.last().unwrap();
            assert!(
                c.mass() > 0.97 && c.mass() < 1.0 + 1e-3,
                "{hash}: {}",
                c.mass()
            );
            assert!(
                last <= 1.0 && (c.below + c.mass() - last).abs() < 1e-4,
                "{hash}"
            );
        }
        assert_eq!(s.truth.is_some(), truth, "{hash}");
        // Exact, binned draws, or the target's.
        let data = s.data_marginal.as_ref().map(|c| c.mass());
        assert!((data.unwrap() - 1.0).abs() < 1e-3, "{hash}: {data:?}");
    }
}

/// The largest flow's slice keeps to its panel's budget: its model marginal (16 cells of
/// a whole line each, hundreds of densities) would cost far more, so it has none; the
/// conditional has its fewest cells.
#[test]
fn the_largest_flows_slice_has_no_model_marginal() {
    let mut l = lab("layers=12&hidden=256,256,256,256");
    let s = l.slice(0.5);
    assert!(s.model_marginal.is_none());
    let cells = s.model.as_ref().expect("a conditional").at.len();
    assert_eq!(cells, MIN_SLICE_CELLS);
    assert!(lab("").slice(0.5).model_marginal.is_some());
}

#[test]
fn the_map_value_under_a_probe_is_the_grids_cell() {
    let mut l = lab("flow=iaf");
    let mut tick = clock();
    assert!(l.map_value([0.1, 0.2]).is_none(), "no map yet");
    while !l.grid_settled(128) {
        l.grid_work(128, f64::INFINITY, &mut tick, true);
    }
    let (centre, value) = l.map_value([0.1, 0.2]).unwrap();
    let grid = Grid::new(Window::default(), 128, 128).unwrap();
    let (i, j) = (65, 60);
    assert_eq!(centre, [grid.x(i), grid.y(j)]);
    assert_eq!(value, l.density().unwrap().log_p[j * 128 + i]);
    let probe = l.probe(centre);
    assert!((probe.log_p - value as f64).abs() < 1e-5 * (value.abs() as f64).max(1.0));
    assert!(l.map_value([4.5, 0.0]).is_none());
}

#[test]
fn the_stage_densities_run_from_the_prior_to_the_model() {
    let l = lab("layers=3&flow=iaf");
    let stages = l.stage_densities().unwrap();
    assert_eq!(stages.len(), 4);
    let grid = stages[0].grid;
    assert!(
        grid.nx >= 8 && grid.nx <= STAGE_RES && grid.ny == grid.nx,
        "{grid:?}"
    );
    let prior: Vec<f32> = grid
        .points()
        .chunks(2)
        .map(|p| -0.5 * (p[0] * p[0] + p[1] * p[1]) - (2.0 * std::f32::consts::PI).ln())
        .collect();
    let worst = |a: &[f32], b: &[f32]| {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max)
    };
    assert!(worst(&stages[0].log_p, &prior) < 1e-5);
    let model = l.trainer().flow.density(&grid);
    assert!(worst(&stages[3].log_p, &model.log_p) < 1e-4);
    let warped = l.warped_grid().unwrap();
    assert_eq!(warped.stages.len(), 4);
    assert_eq!(warped.per_line, 41);
    assert_eq!(warped.stages[0].len(), 2 * 2 * GRID_LINES * 41);
    // The largest flow gets neither (each would cost seconds), and a coarse slice.
    let mut big = lab("layers=12&hidden=256,256,256,256");
    assert!(big.warped_grid().is_none() && big.stage_densities().is_none());
    assert_eq!(big.slice(0.0).model.unwrap().p.len(), MIN_SLICE_CELLS);
    let mid = lab("layers=8&hidden=128,128");
    let w = mid.warped_grid().unwrap();
    assert!(w.per_line >= 5 && w.per_line < 41, "{}", w.per_line);
}

#[test]
fn the_cost_panel_measures_a_twin_of_the_other_direction() {
    let l = lab("layers=3");
    let [maf, iaf] = crate::common::costs(&l, &mut clock());
    assert_eq!(
        (maf.direction, iaf.direction),
        (Direction::Maf, Direction::Iaf)
    );
    assert_eq!((maf.passes_density, maf.passes_sample), (3, 6));
    assert_eq!((iaf.passes_density, iaf.passes_sample), (6, 3));
    assert_eq!((maf.products, iaf.products), ([3, 3], [3, 3]));
    for c in [maf, iaf] {
        assert!(
            c.density_ms > 0.0 && c.sample_ms > 0.0 && c.steps_per_second > 0.0,
            "{c:?}"
        );
    }
    // Printed, not asserted: the ratio of the sequential direction to the single pass.
    println!(
        "density ms/1000: MAF {:.2} IAF {:.2}; samples: MAF {:.2} IAF {:.2}; steps/s MAF {:.0} IAF {:.0}",
        maf.density_ms, iaf.density_ms, maf.sample_ms, iaf.sample_ms, maf.steps_per_second, iaf.steps_per_second
    );
}

/// The worker measures the costs a piece at a time, between its messages: where a training
/// step takes longer than a piece may (a clock of 100 ms a reading: every step), each piece
/// holds one step at most, and the time between pieces (a second each here) is not counted.
#[test]
fn the_costs_are_measured_in_pieces_of_at_most_one_long_step() {
    use arflow::session::cost::CostJob;
    let l = lab("layers=2&hidden=8,8");
    let t = std::cell::Cell::new(0.0);
    let mut tick = || {
        t.set(t.get() + 100.0);
        t.get()
    };
    let mut job = CostJob::new(l.settings(), l.point_set());
    let mut pieces = 0;
    while !job.work(&mut tick).unwrap() {
        pieces += 1;
        assert!(job.result().is_none(), "no result before the last piece");
        t.set(t.get() + 1000.0);
    }
    // Per flow and round: its evaluations, the untimed step, then one timed step a piece.
    assert_eq!(pieces + 1, 2 * 2 * 4);
    let [maf, iaf] = job.result().unwrap();
    assert_eq!(
        (maf.direction, iaf.direction),
        (Direction::Maf, Direction::Iaf)
    );
    for c in [maf, iaf] {
        // Two steps of 100 ms each.
        assert_eq!(c.steps_per_second, 10.0, "{c:?}");
    }
}
