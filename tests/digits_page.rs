//! The digits in a session, as the page uses them: the data space in the hash with its
//! defaults, the model's images computed a few at a time, the loss and the test metric in
//! the same units, the best model kept and brought back, the sequential view's paths and
//! the samples file.

use arflow::data::digits::{digits, from_logit, held_out, DIM};
use arflow::session::lab::Lab;
use arflow::session::settings::Settings;
use arflow::session::space::Space;
use arflow::train::objective::Objective;

fn digits_lab(extra: &str) -> Lab {
    let (lab, notes) = Lab::from_hash(&format!("space=digits&layers=2&hidden=64{extra}"));
    assert!(notes.is_empty(), "{notes:?}");
    lab
}

#[test]
fn the_data_space_brings_its_defaults_and_keeps_what_the_user_chose() {
    let mut s = Settings::default();
    s.set("lr", "0.01").unwrap();
    s.set("space", "digits").unwrap();
    let d = Space::Digits.defaults();
    assert_eq!(
        (s.layers, &s.hidden, s.batch),
        (d.layers, &d.hidden, d.batch)
    );
    assert_eq!(s.lr, 0.01, "a learning rate the user chose stays");
    assert_eq!(s.objective(), Objective::Digits);
    assert_eq!(s.flow_config().dim, DIM);
    s.set("space", "toy").unwrap();
    assert_eq!(s.hidden, Space::Toy.defaults().hidden);
    assert_eq!(s.flow_config().dim, 2);
    // A link's own values win over the space's defaults, whatever their order in it.
    let (s, notes) = Settings::from_hash("hidden=64,64&layers=3&space=digits");
    assert!(notes.is_empty());
    assert_eq!(
        (s.layers, s.hidden.as_slice(), s.space),
        (3, &[64, 64][..], Space::Digits)
    );
    // The digits cannot compare objectives: the link is corrected, not refused.
    let (s, notes) = Settings::from_hash("space=digits&compare=1");
    assert!(!s.compare && notes.len() == 1, "{notes:?}");
    assert_eq!(Settings::from_hash(&s.to_hash()).0, s);
}

#[test]
fn the_models_images_come_a_few_at_a_time_and_are_the_flows_samples() {
    let mut lab = digits_lab("");
    assert!(!lab.has_map() && lab.model_images().is_none());
    assert!(!lab.grid_settled(128));
    // A budget of nothing still makes progress: one image per call.
    let mut calls = 1;
    while !lab.grid_work(128, 0.0, &mut || 0.0, true) {
        calls += 1;
    }
    let images = lab.model_images().unwrap().to_vec();
    assert_eq!(calls, images.len() / DIM);
    assert!(lab.grid_settled(128));
    let latent = lab.display_latent();
    assert_eq!(images, lab.trainer().flow.to_data_points(latent).0);
    // A step makes them stale; the data shown are held-out images at their bins' centres.
    lab.step_once();
    assert!(!lab.grid_settled(128));
    let d = digits();
    let held: Vec<Vec<f32>> = d
        .indices(true)
        .iter()
        .map(|&i| {
            d.image(i)
                .iter()
                .map(|&v| (v as f32 + 0.5) / 17.0)
                .collect()
        })
        .collect();
    for shown in lab.data_flat().chunks(DIM) {
        assert!(held.iter().any(|h| h.as_slice() == shown));
    }
    // The samples file: a header and a line per image of pixel values.
    let csv = lab.samples_csv();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + images.len() / DIM);
    let first: Vec<f64> = lines[1].split(',').map(|v| v.parse().unwrap()).collect();
    assert_eq!(first.len(), DIM);
    for (v, x) in first.iter().zip(&images) {
        assert!((v - from_logit(*x as f64)).abs() < 1e-6);
    }
}

#[test]
fn the_training_loss_is_the_nll_of_y_like_the_test_metric() {
    let mut lab = digits_lab("&lr=0.003");
    for _ in 0..60 {
        lab.step_once();
    }
    let h = &lab.trainer().history;
    let recent: Vec<f64> = h.loss.points().iter().rev().take(20).map(|p| p.1).collect();
    let train = recent.iter().sum::<f64>() / recent.len() as f64;
    let test = h.latest.unwrap().1;
    // Of y, both are near each other; the NLL of the logits would sit a log-det away.
    assert!((train - test).abs() < 15.0, "train {train}, test {test}");
    assert!(held_out().mean_log_det.abs() > 60.0);
}

#[test]
fn the_best_model_is_kept_and_brought_back_exactly() {
    let mut lab = digits_lab("&lr=0.003");
    for _ in 0..100 {
        lab.step_once();
    }
    let (step, best) = lab.trainer().best().unwrap();
    assert_eq!(lab.trainer().history.best_test(), Some((step, best)));
    // Already the best: nothing to go back to.
    assert_eq!(lab.restore_best(), None);
    // A worse model (the parameters pushed off), then back to the best, exactly.
    let flow = lab.trainer().flow.clone();
    let mut trainer = arflow::train::Trainer::new(flow, lab.settings().train_config()).unwrap();
    let first = trainer.test_metric();
    let good = trainer.flow.parameters();
    let worse: Vec<f32> = good.iter().map(|p| p * 1.2).collect();
    trainer.flow.set_parameters(&worse).unwrap();
    let now = trainer.test_metric();
    assert!(now > first, "{now} vs {first}");
    assert_eq!(
        trainer.history.rollbacks, 0,
        "a worse model, not a divergence"
    );
    assert_eq!(trainer.best(), Some((0, first)));
    assert_eq!(trainer.restore_best(), Some(0));
    assert_eq!(trainer.flow.parameters(), good);
    assert_eq!(trainer.history.latest.unwrap().1, first);
}

#[test]
fn the_sequential_paths_end_on_the_shown_sample_and_on_the_images_latent_point() {
    let mut lab = digits_lab("&flow=iaf");
    while !lab.grid_work(128, f64::INFINITY, &mut || 0.0, true) {}
    let [sample, density] = lab.sequences().unwrap();
    assert_eq!((sample.passes(), density.passes()), (2, 2 * DIM));
    let image = &lab.model_images().unwrap()[..DIM];
    for (a, b) in sample.to.iter().zip(image) {
        assert!((a - b).abs() < 1e-4, "{a} vs {b}");
    }
    let z = lab.trainer().flow.to_prior_points(&density.from);
    for (a, b) in density.to.iter().zip(&z) {
        assert!((a - b).abs() < 1e-4, "{a} vs {b}");
    }
    // The density path starts from the first image shown, through the logit.
    let y = &lab.data_flat()[..DIM];
    for (x, y) in density.from.iter().zip(y) {
        assert!((from_logit(*x as f64) - *y as f64).abs() < 1e-5);
    }
    // The latent view: the held-out images.
    let view = lab.latent_view();
    assert_eq!(view.x, held_out().x[..view.x.len()]);
    assert_eq!(view.ks.len(), DIM);
}

#[test]
fn a_digits_model_file_and_undo_bring_the_same_model_back() {
    let mut lab = digits_lab("&lr=0.003");
    for _ in 0..20 {
        lab.step_once();
    }
    let file = lab.model_json(true, true);
    let params = lab.trainer().flow.parameters();
    let metric = lab.progress().metric;
    let (mut other, _) = Lab::from_hash("");
    other.import_model(&file).unwrap();
    assert_eq!(other.settings(), lab.settings());
    assert_eq!(other.trainer().flow.parameters(), params);
    assert_eq!(other.progress().metric, metric);
    // Back to the toy space throws the digits model away; undo brings it back.
    other.set("space", "toy").unwrap();
    assert_eq!(other.trainer().flow.dim(), 2);
    assert!(other.undo());
    assert_eq!(other.trainer().flow.parameters(), params);
    assert_eq!(other.settings().space, Space::Digits);
}

#[test]
fn only_a_fixed_training_set_can_be_overfitted() {
    use arflow::data::target::Target;
    use arflow::data::DataSet;
    assert!(Objective::Digits.can_overfit());
    assert!(Objective::ForwardKl(DataSet::Drawn).can_overfit());
    // Fresh draws at every step: a held-out NLL above its best is noise there.
    for o in [
        Objective::ForwardKl(DataSet::Moons),
        Objective::ForwardKlEnergy(Target::U3),
        Objective::ReverseKl(Target::U1),
        Objective::ReverseKlData(DataSet::Moons),
    ] {
        assert!(!o.can_overfit(), "{o:?}");
    }
}

/// A budget that holds several images computes them as one batch (faster per image than
/// one by one), sized by the time the last batch took per image, and the set is the same.
#[test]
fn the_models_images_come_in_batches_the_budget_holds() {
    let mut lab = digits_lab("");
    // A clock that ticks 1 ms a reading: a batch "takes" 1 ms whatever its size.
    let mut clock = 0.0;
    let mut tick = || {
        clock += 1.0;
        clock
    };
    let mut calls = 1;
    while !lab.grid_work(128, 10.0, &mut tick, true) {
        calls += 1;
    }
    let images = lab.model_images().unwrap().to_vec();
    assert!(
        calls <= 2,
        "{calls} calls for {} images",
        images.len() / DIM
    );
    assert_eq!(
        images,
        lab.trainer().flow.to_data_points(lab.display_latent()).0
    );
}
