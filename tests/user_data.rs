//! The user's own data: the CSV parser under random bytes and near-valid files (it never
//! panics, every refusal of a line names it, valid files parse to the exact values), the
//! fit into the view, the split and resampling of a point set, the brush's stamps, and a
//! lab that keeps its points after a failed import and learns drawn blobs.

#![cfg(not(target_arch = "wasm32"))]

use arflow::data::csv_file::{self, BadRows, CsvError, FIT_HALF_WIDTH, MAX_BYTES, NAMED_LINES};
use arflow::data::points::{erase, PointSet, Stamp, MAX_POINTS, MIN_POINTS};
use arflow::data::Point;
use arflow::session::lab::Lab;
use arflow::session::settings::Settings;
use proptest::prelude::*;
use rand::{rngs::StdRng, SeedableRng};

fn finite_f32() -> impl Strategy<Value = f32> {
    any::<u32>()
        .prop_map(f32::from_bits)
        .prop_filter("finite", |v| v.is_finite())
}

/// A corrupted field and why the parser should refuse it.
fn corruption() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("abc"),
        Just(""),
        Just("nan"),
        Just("inf"),
        Just("1e39"),
        Just("1.2.3"),
        Just("--4"),
        Just("0x10"),
        Just("1,5"),
    ]
}

proptest! {
    // Failures are printed with their smallest input, not saved into the source tree.
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic_and_every_line_refusal_names_real_lines(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        skip in any::<bool>(),
    ) {
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
        let policy = if skip { BadRows::Skip } else { BadRows::Refuse };
        match csv_file::parse(&bytes, policy) {
            Ok(p) => prop_assert!(p.points.iter().flatten().all(|v| v.is_finite())),
            Err(CsvError::Rows(bad, total)) => {
                prop_assert!(!skip);
                prop_assert!(!bad.is_empty() && bad.len() <= NAMED_LINES && total >= bad.len());
                prop_assert!(bad.iter().all(|b| (1..=lines).contains(&b.line) && !b.reason.is_empty()));
                prop_assert!(bad.windows(2).all(|w| w[0].line < w[1].line));
            }
            Err(CsvError::Binary(l) | CsvError::OneColumn(l)) => prop_assert!((1..=lines).contains(&l)),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn near_valid_files_parse_exactly_or_name_their_bad_lines(
        points in proptest::collection::vec((finite_f32(), finite_f32()), 1..60),
        sep in prop_oneof![Just(','), Just(';'), Just('\t')],
        header in any::<bool>(),
        crlf in any::<bool>(),
        blanks in proptest::collection::vec(any::<bool>(), 60),
        bad in proptest::collection::vec(proptest::option::weighted(0.15, corruption()), 60),
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = String::new();
        let mut line = 0;
        if header {
            text += &format!("x{sep} y{eol}");
            line += 1;
        }
        let (mut good, mut bad_lines) = (Vec::new(), Vec::new());
        for (i, &(a, b)) in points.iter().enumerate() {
            if blanks[i] {
                text += &format!("  {eol}");
                line += 1;
            }
            line += 1;
            match bad[i] {
                // The first line corrupted in its first field could read as a header.
                Some(junk) if line != 1 || header => {
                    text += &format!("{a}{sep}{junk}{eol}");
                    bad_lines.push(line);
                }
                _ => {
                    text += &format!("{a}{sep} {b}{eol}");
                    good.push([a, b]);
                }
            }
        }
        match csv_file::parse(text.as_bytes(), BadRows::Refuse) {
            Ok(p) => {
                prop_assert!(bad_lines.is_empty(), "{bad_lines:?} passed");
                prop_assert_eq!(&p.points, &good);
                prop_assert_eq!(p.separator, sep);
                prop_assert_eq!(p.header.is_some(), header);
            }
            Err(CsvError::Rows(named, total)) => {
                prop_assert_eq!(total, bad_lines.len());
                let lines: Vec<usize> = named.iter().map(|b| b.line).collect();
                prop_assert_eq!(&lines[..], &bad_lines[..bad_lines.len().min(NAMED_LINES)]);
            }
            Err(e) => prop_assert!(good.is_empty(), "{e}"),
        }
        match csv_file::parse(text.as_bytes(), BadRows::Skip) {
            Ok(p) => {
                prop_assert_eq!(&p.points, &good);
                prop_assert_eq!(p.skipped, bad_lines.len());
            }
            Err(e) => prop_assert!(good.is_empty(), "{e}"),
        }
    }

    #[test]
    fn written_points_read_back_bit_for_bit(points in proptest::collection::vec((finite_f32(), finite_f32()), 1..200)) {
        let points: Vec<Point> = points.into_iter().map(|(a, b)| [a, b]).collect();
        let parsed = csv_file::parse(csv_file::write(&points).as_bytes(), BadRows::Refuse).unwrap();
        prop_assert_eq!(parsed.points, points);
        prop_assert_eq!(parsed.header, Some(["x1".to_string(), "x2".to_string()]));
    }
}

fn message(bytes: &[u8]) -> String {
    csv_file::parse(bytes, BadRows::Refuse)
        .unwrap_err()
        .to_string()
}

#[test]
fn each_kind_of_bad_file_gets_its_own_message() {
    assert_eq!(message(b""), "the file is empty");
    assert_eq!(message(b"\n \r\n\t\n"), "the file is empty");
    assert!(message(b"1\n2\n3\n").starts_with("line 1 has one column"));
    assert!(message(b"x\n1\n").starts_with("line 1 has one column"));
    assert!(message(b"1,2\n3,\x004\n").contains("line 2 holds bytes that are not text"));
    assert!(message(b"1,2\n\xff\xfe,3\n").contains("not a text file"));
    assert!(message(b"x,y\n").starts_with("the file holds no points"));
    let big = vec![b'1'; MAX_BYTES + 1];
    assert!(message(&big).contains("at most 20 MB"), "{}", message(&big));
    let rows = "1,2\n".repeat(MAX_POINTS + 1);
    assert!(message(rows.as_bytes()).contains("200001 rows"));
    let m = message(b"x,y\n1,2\nnan,3\n4,inf\n5,1e39\n6,7,8\n");
    for part in [
        "4 lines could not be read",
        "line 3: 'nan' is not a number",
        "line 4: 'inf' is not a number",
        "line 5: '1e39' is too large for a 32-bit number",
        "line 6: 3 columns, not 2",
        "nothing was imported",
    ] {
        assert!(m.contains(part), "{part} in {m}");
    }
    let many: String = (0..25).map(|i| format!("{i},x\n")).collect();
    let m = message(format!("a,b\n{many}").as_bytes());
    assert!(m.contains("25 lines") && m.contains("and 15 more"), "{m}");
}

#[test]
fn quoted_fields_a_bom_and_windows_lines_read() {
    let p = csv_file::parse(
        b"\xef\xbb\xbf\"x\";\"y\"\r\n\"1.5\";-2\r\n3e-2;+4\r\n",
        BadRows::Refuse,
    )
    .unwrap();
    assert_eq!(p.points, vec![[1.5, -2.0], [0.03, 4.0]]);
    assert_eq!(p.separator, ';');
    // A quoted name may hold the separator, and one that does not separate this file
    // (issue 30, item 11: both were refused as "3 columns").
    for text in [&b"\"x, cm\",\"y, cm\"\n1,2\n"[..], b"\"a;b\",c\n1,2\n"] {
        let p = csv_file::parse(text, BadRows::Refuse).unwrap();
        assert_eq!(p.points, vec![[1.0, 2.0]]);
        assert_eq!(p.separator, ',');
    }
    let p = csv_file::parse(b"\"x, cm\",\"y\"\n1,2\n", BadRows::Refuse).unwrap();
    assert_eq!(p.header.unwrap(), ["x, cm".to_string(), "y".to_string()]);
}

#[test]
fn the_fit_centres_the_box_and_scales_its_longer_side_to_the_window() {
    let pts = vec![[100.0, 10.0], [300.0, 50.0], [200.0, 30.0]];
    let f = csv_file::fit(&pts);
    assert_eq!(f.centre, [200.0, 30.0]);
    let moved = f.apply(&pts);
    assert!(
        (moved[0][0] + FIT_HALF_WIDTH).abs() < 1e-5 && (moved[1][0] - FIT_HALF_WIDTH).abs() < 1e-5
    );
    assert!((moved[1][1] - 20.0 * f.factor).abs() < 1e-5 && moved[2] == [0.0, 0.0]);
    assert_eq!(csv_file::fit(&[[2.0, 3.0]; 5]).factor, 1.0);
}

fn square(n: usize) -> Vec<Point> {
    (0..n).map(|i| [(i % 10) as f32, (i / 10) as f32]).collect()
}

#[test]
fn a_point_set_holds_out_a_fifth_and_resamples_the_rest() {
    let set = PointSet::new(square(100)).unwrap();
    assert_eq!((set.train().len(), set.test().len()), (80, 20));
    let mut all: Vec<Point> = set.train().iter().chain(set.test()).copied().collect();
    all.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let mut want = square(100);
    want.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(all, want);
    assert_eq!(
        PointSet::new(square(100)).unwrap(),
        set,
        "the split is fixed"
    );
    let mut rng = StdRng::seed_from_u64(1);
    assert!(set
        .sample(500, 0.0, &mut rng)
        .iter()
        .all(|p| set.train().contains(p)));
    let jittered = set.sample(20_000, 0.5, &mut rng);
    let mean_x = jittered.iter().map(|p| p[0] as f64).sum::<f64>() / 20_000.0;
    let train_x = set.train().iter().map(|p| p[0] as f64).sum::<f64>() / 80.0;
    assert!((mean_x - train_x).abs() < 0.1, "{mean_x} {train_x}");
    assert!(PointSet::new(square(MIN_POINTS - 1)).is_err());
    assert!(PointSet::new(vec![[f32::NAN, 0.0]; 30]).is_err());
}

#[test]
fn stamps_put_their_points_where_they_say() {
    let mut rng = StdRng::seed_from_u64(3);
    let ring = Stamp::Ring.points([0.0; 2], [1.0, -1.0], 0.3, &mut rng);
    assert_eq!(ring.len(), Stamp::Ring.count());
    let r = ring
        .iter()
        .map(|p| ((p[0] - 1.0).hypot(p[1] + 1.0)) as f64)
        .sum::<f64>()
        / ring.len() as f64;
    assert!((r - 1.5).abs() < 0.05, "{r}");
    let line = Stamp::Line.points([-2.0, 0.0], [2.0, 0.0], 0.3, &mut rng);
    assert!(line
        .iter()
        .all(|p| p[0] > -2.5 && p[0] < 2.5 && p[1].abs() < 0.5));
    let blob = Stamp::Blob.points([0.0; 2], [-1.0, 2.0], 0.25, &mut rng);
    let mean = [0, 1].map(|i| blob.iter().map(|p| p[i]).sum::<f32>() / blob.len() as f32);
    assert!(
        (mean[0] + 1.0).abs() < 0.15 && (mean[1] - 2.0).abs() < 0.15,
        "{mean:?}"
    );
    let kept = erase(&blob, [-1.0, 2.0], 0.3);
    assert!(kept.iter().all(|p| (p[0] + 1.0).hypot(p[1] - 2.0) > 0.3));
    assert!(kept.len() < blob.len());
}

#[test]
fn a_failed_import_keeps_the_points_and_a_good_one_replaces_them() {
    let mut lab = Lab::new(Settings::default()).unwrap();
    let first: String = (0..30).map(|i| format!("{i},{}\n", i * 2)).collect();
    let words = lab.import_csv(first.as_bytes(), false, false).unwrap();
    assert!(words.starts_with("Imported 30 points"), "{words}");
    let before = lab.drawn_flat();
    for bad in [
        &b""[..],
        b"1\n2\n",
        b"1,2\nx,3\n",
        b"\x00\x01",
        b"1,2\n3,4\n",
    ] {
        assert!(lab.import_csv(bad, false, true).is_err());
        assert_eq!(lab.drawn_flat(), before);
    }
    let skipped = format!("{first}oops,1\n");
    let words = lab.import_csv(skipped.as_bytes(), true, true).unwrap();
    assert!(
        words.contains("1 bad lines skipped") && words.contains("moved into the view"),
        "{words}"
    );
    let xs: Vec<f32> = lab.drawn_flat().iter().step_by(2).copied().collect();
    assert!(xs.iter().all(|x| x.abs() <= FIT_HALF_WIDTH + 1e-5));
}

#[test]
fn your_points_need_points_and_have_no_entropy_floor() {
    let mut lab = Lab::new(Settings::default()).unwrap();
    let err = lab.set("data", "drawn").unwrap_err().to_string();
    assert!(err.contains("draw at least 20 points"), "{err}");
    lab.stamp(Stamp::Blob, [0.0; 2], [-2.0, 0.0], 0.2).unwrap();
    lab.set("data", "drawn").unwrap();
    assert!(lab.status().floor.is_none());
    assert_eq!(lab.drawn_counts(), (150, 150));
    // The MAF/IAF timings train the twin flows on the same points.
    let mut t = 0.0;
    let mut clock = || {
        t += 1.0;
        t
    };
    crate::common::costs(&lab, &mut clock);
    // Fewer than the minimum: the set to train on stays.
    lab.set_points(&[0.0; 10]).unwrap();
    assert_eq!(lab.drawn_counts(), (5, 150));
    // Refusals count what they refuse: numbers that are not pairs, points past the cap.
    let odd = lab.set_points(&[0.0; 7]).unwrap_err().to_string();
    assert!(odd.contains("7 numbers, not pairs"), "{odd}");
    let many = vec![0.5; 2 * (MAX_POINTS + 1)];
    let too_many = lab.set_points(&many).unwrap_err().to_string();
    let want = format!("{} points; at most {MAX_POINTS}", MAX_POINTS + 1);
    assert!(too_many.contains(&want), "{too_many}");
    assert_eq!(lab.drawn_counts(), (5, 150));
    // A link to someone's points falls back to moons with a note.
    let mut other = Lab::new(Settings::default()).unwrap();
    let notes = other.load(&lab.settings().to_hash());
    assert!(
        notes.iter().any(|n| n.contains("this page does not have")),
        "{notes:?}"
    );
}

#[test]
fn a_flow_learns_two_drawn_blobs_as_two_modes() {
    let mut lab = Lab::new(Settings::default()).unwrap();
    lab.stamp(Stamp::Blob, [0.0; 2], [-2.0, 1.0], 0.2).unwrap();
    lab.stamp(Stamp::Blob, [0.0; 2], [2.0, -1.0], 0.2).unwrap();
    lab.set("data", "drawn").unwrap();
    lab.set("lr", "5e-3").unwrap();
    for _ in 0..1500 {
        lab.step_once();
    }
    let d = lab.density_now(64).clone();
    // The cell nearest (x, y): row-major from the window's corner.
    let at = |x: f32, y: f32| {
        let near = |n: usize, c: &dyn Fn(usize) -> f32, v: f32| {
            (0..n)
                .min_by(|&a, &b| (c(a) - v).abs().total_cmp(&(c(b) - v).abs()))
                .unwrap()
        };
        let (i, j) = (
            near(d.grid.nx, &|i| d.grid.x(i), x),
            near(d.grid.ny, &|j| d.grid.y(j), y),
        );
        d.log_p[j * d.grid.nx + i]
    };
    for (mode, between) in [((-2.0, 1.0), (0.0, 0.0)), ((2.0, -1.0), (0.0, 0.0))] {
        assert!(
            at(mode.0, mode.1) > at(between.0, between.1) + 1.0,
            "{} {}",
            at(mode.0, mode.1),
            at(between.0, between.1)
        );
    }
    assert!(at(-2.0, 1.0) > at(2.0, 1.0) + 1.0 && at(2.0, -1.0) > at(-2.0, -1.0) + 1.0);
}

/// A header's column names and a refused value are echoed cut short and without the
/// characters that reorder a line: a 1 MB name makes no 1 MB message (issue 30, item 7).
#[test]
fn column_names_and_bad_values_are_echoed_short_and_plain() {
    let mut lab = Lab::new(Settings::default()).unwrap();
    let name = "\u{202E}".to_string() + &"n".repeat(1 << 20);
    let rows: String = (0..30).map(|i| format!("{i},{}\n", i * 2)).collect();
    let words = lab
        .import_csv(format!("{name},y\n{rows}").as_bytes(), false, false)
        .unwrap();
    assert!(words.chars().count() < 200, "{} characters", words.len());
    assert!(words.contains("'nnnn") && words.contains("…'") && !words.contains('\u{202E}'));
    let err = lab
        .import_csv(
            format!("{rows}1,\u{202E}{}\n", "7".repeat(5000)).as_bytes(),
            false,
            false,
        )
        .unwrap_err()
        .to_string();
    assert!(
        err.chars().count() < 300 && !err.contains('\u{202E}'),
        "{err}"
    );
}
