//! The loss chart's y range shows the training curve, not the blow-ups that were rolled back.

use arflow::draw::charts::robust_range;

#[test]
fn the_loss_range_ignores_rolled_back_blow_ups_and_keeps_the_floor() {
    let mut values: Vec<f32> = (0..200).map(|i| 3.0 - 0.5 * i as f32 / 200.0).collect();
    let (lo, hi) = robust_range(&values, Some(2.4));
    assert!(
        lo <= 2.4 && (2.95..=3.0).contains(&hi),
        "a plain curve is shown whole: {lo}..{hi}"
    );
    values.extend([1.4e22, 500.0, f32::NAN, f32::INFINITY, -1e9]);
    let (lo2, hi2) = robust_range(&values, Some(2.4));
    assert!(
        hi2 < 5.0 && lo2 > 0.0,
        "outliers are left out: {lo2}..{hi2}"
    );
    assert_eq!(robust_range(&[], Some(2.0)), (1.5, 2.5));
}

#[test]
fn short_lists_of_floats_sort_ascending() {
    let mut v = vec![3.0, -1.0, 2.5, 2.5, 1e300, -0.0, 7.0];
    arflow::metrics::sort_floats(&mut v);
    assert_eq!(v, vec![-1.0, -0.0, 2.5, 2.5, 3.0, 7.0, 1e300]);
}

#[test]
fn a_wide_made_is_drawn_thinned_with_the_masks_of_the_units_kept() {
    use arflow::draw::masks::{thinned, SHOWN_UNITS};
    use arflow::masks::{degrees, masks, ordering, HiddenDegrees, Ordering};
    for rule in [HiddenDegrees::Deterministic, HiddenDegrees::Random(3)] {
        let full = degrees(&ordering(5, Ordering::Natural), &[256, 20, 100], rule).unwrap();
        let (kept, kept_masks) = thinned(&full, &masks(&full, 2));
        let widths: Vec<usize> = kept.iter().map(Vec::len).collect();
        assert_eq!(widths, [5, SHOWN_UNITS, 20, SHOWN_UNITS]);
        // The rows and columns kept are the masks the kept degrees define.
        assert_eq!(kept_masks, masks(&kept, 2));
        // Spread over the degrees: every degree of the full layer that is common enough
        // to hold one of the picked ranks is there, lowest and highest included.
        let (lo, hi) = (full[1].iter().min(), full[1].iter().max());
        assert_eq!((kept[1].iter().min(), kept[1].iter().max()), (lo, hi));
    }
}
