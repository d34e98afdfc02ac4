//! What the page draws of a large drawn set: at most the asked number of points, the
//! newest strokes in full and an even sample of the rest, so that a frame's cost does not
//! grow with the set (200,000 points took a second a frame; issue 30, item 3). And a
//! stroke extends the set's split instead of redoing it, to the same set.

#![cfg(not(target_arch = "wasm32"))]

use arflow::data::points::{PointSet, Stamp, MAX_COORD, MAX_POINTS};
use arflow::data::{unflatten, Point};
use arflow::session::lab::Lab;
use arflow::session::settings::Settings;

fn lab_with(n: usize) -> Lab {
    let mut lab = Lab::new(Settings::default()).unwrap();
    let values: Vec<f32> = (0..2 * n).map(|i| (i as f32 * 0.618).sin() * 3.0).collect();
    lab.set_points(&values).unwrap();
    lab
}

#[test]
fn a_large_set_is_drawn_as_its_newest_points_and_an_even_sample() {
    let small = lab_with(1_000);
    assert_eq!(small.drawn_shown(4_000), small.drawn_flat());
    let lab = lab_with(199_999);
    let all = lab.drawn_flat();
    let shown = lab.drawn_shown(4_000);
    assert!(
        shown.len() / 2 <= 4_000 && shown.len() / 2 > 3_900,
        "{}",
        shown.len()
    );
    // The newest 2,000 points, in full, at the end.
    assert_eq!(shown[shown.len() - 4_000..], all[all.len() - 4_000..]);
    // The rest: every k-th older point, from the first.
    let older = &all[..all.len() - 4_000];
    let every = (older.len() / 2).div_ceil(2_000);
    let sample: Vec<f32> = older.chunks(2).step_by(every).flatten().copied().collect();
    assert_eq!(shown[..shown.len() - 4_000], sample[..]);
}

fn wavy(n: usize) -> Vec<Point> {
    (0..n)
        .map(|i| {
            [
                (i as f32 * 0.618).sin() * 3.0,
                (i as f32 * 0.377).cos() * 2.0,
            ]
        })
        .collect()
}

#[test]
fn an_extended_set_is_the_set_of_all_its_points() {
    let all = wavy(6_000);
    for (start, steps) in [
        (20, [1, 4, 5, 13]),
        (23, [2, 3, 7, 40]),
        (4_999, [1, 6, 11, 977]),
    ] {
        let mut set = PointSet::new(all[..start].to_vec()).unwrap();
        let mut n = start;
        for more in steps {
            set = set.extended(&all[n..n + more]).unwrap();
            n += more;
            assert_eq!(
                set,
                PointSet::new(all[..n].to_vec()).unwrap(),
                "{start} + … {more}"
            );
        }
    }
    // Refused as `new` refuses, naming the point by its place in the whole set.
    let set = PointSet::new(all[..30].to_vec()).unwrap();
    let e = set.extended(&[[0.0, 1.0], [f32::NAN, 0.0]]).unwrap_err();
    assert!(e.to_string().contains("point 32 is not finite"), "{e}");
    let e = set.extended(&[[2.0 * MAX_COORD, 0.0]]).unwrap_err();
    assert!(e.to_string().contains("point 31 at (2000"), "{e}");
    let big = PointSet::new(wavy(MAX_POINTS)).unwrap();
    assert!(big.extended(&[[0.0, 0.0]]).is_err());
}

#[test]
fn the_split_holds_out_one_in_five_whatever_the_order() {
    for n in [20, 21, 24, 25, 1_000, 99_999] {
        let held = PointSet::new(wavy(n)).unwrap().test().len();
        assert!(held == n / 5 || held == n / 5 + 1, "{n}: {held}");
    }
    // Five clusters taking turns (row i in cluster i % 5), or one after another: each
    // cluster keeps close to a fifth of its points out, none all of them.
    let n = 20_000;
    for turns in [true, false] {
        let cluster = |i: usize| if turns { i % 5 } else { i * 5 / n };
        let points: Vec<Point> = (0..n)
            .map(|i| [cluster(i) as f32, (i as f32 * 0.31).sin()])
            .collect();
        let set = PointSet::new(points).unwrap();
        for c in 0..5 {
            let held = set.test().iter().filter(|p| p[0] == c as f32).count() as f64;
            let share = held / (n / 5) as f64;
            assert!(
                (share - 0.2).abs() < 0.02,
                "turns {turns}, cluster {c}: {share}"
            );
        }
    }
}

#[test]
fn strokes_give_the_set_that_setting_their_points_gives() {
    let drawn_lab = |values: &[f32]| {
        let mut lab = Lab::new(Settings::default()).unwrap();
        lab.set_points(values).unwrap();
        lab.set("data", "drawn").unwrap();
        lab
    };
    let mut lab = drawn_lab(&lab_with(5_000).drawn_flat());
    for i in 0..40 {
        let at = [(i as f32 * 0.1).sin(), (i as f32 * 0.1).cos()];
        lab.stamp(Stamp::Dab, at, at, 0.3).unwrap();
    }
    let drawn = lab.drawn_flat();
    assert!(drawn.len() / 2 > 5_000);
    let again = drawn_lab(&drawn);
    let set = |l: &Lab| l.trainer().points().map(|p| (**p).clone());
    assert_eq!(set(&lab), set(&again));
    assert_eq!(set(&lab), Some(PointSet::new(unflatten(&drawn)).unwrap()));
}
