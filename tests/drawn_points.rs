//! What the page draws of a large drawn set: at most the asked number of points, the
//! newest strokes in full and an even sample of the rest, so that a frame's cost does not
//! grow with the set (200,000 points took a second a frame; issue 30, item 3).

#![cfg(not(target_arch = "wasm32"))]

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
