//! The settings table: every field refuses what its kind does not allow, with a message that
//! names it, and a refused value changes nothing; every allowed value round-trips.

use arflow::flow::transformer::Transformer;
use arflow::session::fields::{Kind, FIELDS};
use arflow::session::hash::MAX_NOTES;
use arflow::session::settings::Settings;
use arflow::session::values::{number_text, QUOTED_CHARS};

/// Values a field of this kind must refuse.
fn bad_values(kind: Kind) -> Vec<String> {
    let mut v = vec!["nonsense".to_string()];
    match kind {
        Kind::Choice(_) => v.push("MAF ".repeat(2)),
        Kind::Whole { min, max } => {
            v.extend([format!("{}", max + 1), "1.5".into(), "-1".into()]);
            if min > 0 {
                v.push(format!("{}", min - 1));
            }
        }
        Kind::Number { zero, min, max } => {
            v.extend(["NaN".into(), "inf".into(), "-1".into(), "".into()]);
            v.extend([min / 2.0, max * 2.0, 1e-320, 1e300].map(|x| x.to_string()));
            if !zero {
                v.push("0".into());
            }
        }
        Kind::Widths { depth, width } => {
            v.extend([
                "0".into(),
                format!("{}", width + 1),
                "8,,8".into(),
                "".into(),
            ]);
            v.push(vec!["4"; depth + 1].join(","));
        }
        Kind::Flag => v.extend(["2".into(), "yes".into()]),
        Kind::Names(all) => v.extend([
            "nothing".into(),
            format!("{},bogus", all[0]),
            all[0].to_uppercase(),
        ]),
    }
    v
}

/// Values a field of this kind must take.
fn good_values(kind: Kind) -> Vec<String> {
    match kind {
        Kind::Choice(options) => options.iter().map(|(n, _)| n.to_string()).collect(),
        Kind::Whole { min, .. } => vec![format!("{}", min.max(1))],
        Kind::Number { zero, min, max } => {
            let inside = if (min..=max).contains(&0.25) {
                0.25
            } else {
                (min + max) / 2.0
            };
            let mut v = vec![number_text(&inside), number_text(&min), number_text(&max)];
            if zero {
                v.push("0".into());
            }
            v
        }
        Kind::Widths { depth, width } => vec![
            "none".into(),
            vec![width.to_string(); depth].join(","),
            "3".into(),
        ],
        Kind::Flag => vec!["0".into(), "1".into()],
        Kind::Names(all) => vec![String::new(), all[0].to_string(), all.join(",")],
    }
}

#[test]
fn every_field_refuses_bad_values_by_name_and_changes_nothing() {
    for f in FIELDS {
        for bad in bad_values(f.kind) {
            let mut s = Settings::default();
            let before = s.clone();
            let err = s.set(f.name, &bad).unwrap_err().to_string();
            assert!(
                err.starts_with(&format!("{}: ", f.label)),
                "{}={bad:?}: message {err:?} does not name the field",
                f.name
            );
            assert_eq!(s, before, "{}={bad:?} changed the settings", f.name);
        }
    }
}

#[test]
fn every_allowed_value_is_taken_and_round_trips_through_the_hash() {
    for f in FIELDS {
        for good in good_values(f.kind) {
            let mut s = Settings::default();
            assert_eq!(s.set(f.name, &good).unwrap(), f.change, "{}={good}", f.name);
            assert_eq!(s.get(f.name).unwrap(), good, "{}", f.name);
            let (back, notes) = Settings::from_hash(&s.to_hash());
            assert_eq!((back, notes), (s, vec![]), "{}={good}", f.name);
        }
    }
}

#[test]
fn the_hash_lists_every_field_once_in_table_order() {
    let hash = Settings::default().to_hash();
    let keys: Vec<&str> = hash
        .split('&')
        .map(|p| p.split('=').next().unwrap())
        .collect();
    let names: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
    assert_eq!(keys, names);
    let err = Settings::default().set("colour", "red").unwrap_err();
    assert_eq!(err.to_string(), "unknown setting 'colour'");
}

#[test]
fn the_scale_follows_the_flow_type_until_it_is_chosen() {
    use arflow::flow::scale::Scale;
    use arflow::flow::Direction;
    let mut s = Settings::default();
    assert_eq!(s.scale, Direction::Maf.default_scale());
    s.set("flow", "iaf").unwrap();
    assert_eq!((s.direction, s.scale), (Direction::Iaf, Scale::Tanh));
    s.set("flow", "maf").unwrap();
    assert_eq!(s.scale, Scale::Softplus);
    s.set("scale", "exp").unwrap();
    s.set("flow", "iaf").unwrap();
    assert_eq!(s.scale, Scale::Exp, "a chosen scale stays");
    // In a link, an explicit scale wins wherever it stands; without one, IAF's default.
    let (s, _) = Settings::from_hash("#scale=softplus&flow=iaf");
    assert_eq!(s.scale, Scale::Softplus);
    let (s, _) = Settings::from_hash("#data=8gaussians&flow=iaf");
    assert_eq!(s.scale, Scale::Tanh);
}

#[test]
fn numbers_are_written_back_in_their_shortest_form() {
    let mut s = Settings::default();
    for (typed, written) in [
        ("0.00010", "1e-4"),
        ("2.5e-5", "2.5e-5"),
        ("1E1", "10"),
        ("0.003", "0.003"),
    ] {
        s.set("lr", typed).unwrap();
        assert_eq!(s.get("lr").unwrap(), written);
    }
    s.set("clip", "-0").unwrap();
    assert_eq!(s.get("clip").unwrap(), "0", "-0 is 0");
    assert!(s.to_hash().contains("&clip=0&"));
    s.set("hidden", "none").unwrap();
    assert_eq!(s.get("hidden").unwrap(), "none");
    assert!(s.hidden.is_empty());
}

#[test]
fn no_input_makes_a_long_message() {
    let long = "9".repeat(100);
    let mut s = Settings::default();
    for f in FIELDS {
        if let Err(e) = s.set(f.name, &long) {
            let e = e.to_string();
            assert!(e.contains(&format!("'{}…'", &long[..QUOTED_CHARS])), "{e}");
            assert!(e.chars().count() < 200, "{e}");
        }
    }
    // A 100 KB hash of bad pairs: a few notes, then how many more.
    let hash: String =
        (0..12_500).map(|i| format!("k{i}=v&")).collect::<String>() + &"x".repeat(100_000);
    let (_, notes) = Settings::from_hash(&hash);
    assert_eq!(notes.len(), MAX_NOTES);
    assert_eq!(
        notes[MAX_NOTES - 1],
        format!("link: and {} more corrections", 12_501 - (MAX_NOTES - 1))
    );
    assert!(notes.iter().all(|n| n.chars().count() < 200), "{notes:?}");
}

/// A value with a right-to-left override (`#seed=%E2%80%AEevil`) or other characters that
/// reorder or hide text is echoed without them, so the rest of the message line reads as
/// written; the echo still names what was refused.
#[test]
fn no_input_reorders_a_message() {
    for (hash, shown) in [
        ("seed=%E2%80%AEevil", "'evil'"),
        ("seed=%E2%81%A6x%E2%81%A9%E2%80%8F1%0D%0A", "'x1'"),
        ("\u{202E}data=moons", "'data'"),
    ] {
        let (_, notes) = Settings::from_hash(hash);
        assert_eq!(notes.len(), 1, "{hash}: {notes:?}");
        let n = &notes[0];
        assert!(n.contains(shown), "{hash}: {n}");
        assert!(
            !n.chars().any(|c| c.is_control()
                || ('\u{2066}'..='\u{2069}').contains(&c)
                || ('\u{202A}'..='\u{202E}').contains(&c)
                || c == '\u{200F}'),
            "{hash}: {n:?}"
        );
    }
    assert_eq!(arflow::error::echo("ab\u{202E}cdef", 3), "abc…");
    assert_eq!(arflow::error::echo("abc", 3), "abc");
}

#[test]
fn the_transform_settings_build_the_flow_they_name() {
    let (s, notes) =
        Settings::from_hash("#transform=spline&bins=5&learnbase=1&layers=3&tlayer=3&coord=x2");
    assert!(notes.is_empty(), "{notes:?}");
    let t = s.trainer().unwrap();
    let flow = &t.flow;
    assert!(flow.base.is_some());
    for layer in &flow.layers {
        assert_eq!(layer.transformer, Transformer::Spline { bins: 5 });
        // 3K - 1 = 14 numbers per coordinate, in blocks of D = 2.
        assert_eq!(layer.made.layers.last().unwrap().mask.rows, 28);
    }
    assert_eq!((s.tlayer, s.coord), (3, 1));
    // Fewer layers pull the transform panel's layer down with them, as the masks panel's.
    let mut s = s;
    s.set("layers", "2").unwrap();
    assert_eq!(s.tlayer, 2);
    assert!(s.set("tlayer", "3").is_err());
    // The scale stays in the hash under the spline (it returns with the affine map).
    s.set("scale", "exp").unwrap();
    s.set("transform", "affine").unwrap();
    assert_eq!(
        s.trainer().unwrap().flow.layers[0].transformer,
        Transformer::Affine(arflow::flow::scale::Scale::Exp)
    );
}

#[test]
fn the_panels_a_presentation_leaves_out_are_a_set_in_the_tables_order() {
    let mut s = Settings::default();
    s.set("hide", " loss, density,loss ").unwrap();
    assert_eq!(s.get("hide").unwrap(), "density,loss");
    assert_eq!(s.hide, ["density", "loss"]);
    let err = s.set("hide", "density,legend").unwrap_err().to_string();
    assert!(
        err.contains("panels left out") && err.contains("'legend'"),
        "{err}"
    );
    assert_eq!(
        s.hide,
        ["density", "loss"],
        "a refused value changes nothing"
    );
    s.set("hide", "").unwrap();
    assert!(s.hide.is_empty());
    assert!(s.to_hash().contains("present=0") || !s.to_hash().contains("present"));
}
