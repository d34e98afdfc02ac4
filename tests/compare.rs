//! The compare view: two flows from one initialisation learn one target by the two
//! objectives, take turns by time, and are scored on both divergences; the scores agree
//! with exact sums on a fine grid, the mode count with the model's mass around each mode,
//! and a page's lab takes the pair over from a worker's.

use arflow::data::target::Target;
use arflow::data::{eight_gaussians_centres, DataSet};
use arflow::numeric::grid::{Grid, Window};
use arflow::session::lab::Lab;
use arflow::train::metrics::kl_on_grid;
use arflow::train::objective::Objective;
use std::time::Instant;

/// The page's preset: 8gaussians, a small MAF, where reverse KL drops modes.
const PRESET: &str = "objective=forward&data=8gaussians&compare=1&layers=2&hidden=8,8";

fn lab(hash: &str) -> Lab {
    let (lab, notes) = Lab::from_hash(hash);
    assert!(notes.is_empty(), "{notes:?}");
    lab
}

/// Trains (on the wall clock, as the worker does) until the lab's trainer has `steps`.
fn train(lab: &mut Lab, steps: u64) {
    let start = Instant::now();
    let mut now = || start.elapsed().as_secs_f64() * 1000.0;
    lab.evaluate();
    while lab.trainer().step_count() < steps {
        lab.train(40.0, &mut now);
    }
}

#[test]
fn the_two_flows_start_bit_identical_with_the_other_objective() {
    for (hash, rival) in [
        (PRESET, Objective::ReverseKlData(DataSet::EightGaussians)),
        (
            "objective=reverse&target=u3&compare=1",
            Objective::ForwardKlEnergy(Target::U3),
        ),
        (
            "data=moons&compare=1&flow=iaf",
            Objective::ReverseKlData(DataSet::Moons),
        ),
    ] {
        let lab = lab(hash);
        let comparison = lab.comparison().expect("a compare view");
        assert_eq!(comparison.rival.config().objective, rival, "{hash}");
        let (a, b) = (
            lab.trainer().flow.parameters(),
            comparison.rival.flow.parameters(),
        );
        assert_eq!(a.len(), b.len());
        assert!(
            a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()),
            "{hash}"
        );
        let both = lab.shown_parameters();
        assert_eq!(both.len(), 2 * a.len(), "the page is sent both flows");
    }
    assert!(lab("data=moons").comparison().is_none());
}

/// Both divergences of both models summed on a fine grid wide enough to hold the models'
/// tails (which `KL(q || p*)` weighs heavily, far from every mode).
fn grid_kls(lab: &Lab) -> [[f64; 2]; 2] {
    let grid = Grid::new(Window::square(12.0), 1200, 1200).unwrap();
    let exact = grid.tabulate(|p| {
        DataSet::EightGaussians
            .exact_log_probs(p)
            .into_iter()
            .map(|v| v as f32)
            .collect()
    });
    let comparison = lab.comparison().unwrap();
    comparison.models(lab.trainer()).map(|t| {
        let model = grid.tabulate(|p| t.flow.log_prob_points(p));
        assert!(
            (model.mass() - 1.0).abs() < 2e-3,
            "model mass on the grid {}",
            model.mass()
        );
        [kl_on_grid(&exact, &model), kl_on_grid(&model, &exact)]
    })
}

/// The modes holding at least 5 % of the model's mass on the grid (each cell counts for
/// its nearest centre), and whether any is near the threshold.
fn grid_modes(lab: &Lab, m: usize) -> (usize, bool) {
    let grid = Grid::new(Window::square(4.3), 300, 300).unwrap();
    let t = lab.comparison().unwrap().models(lab.trainer())[m];
    let model = grid.tabulate(|p| t.flow.log_prob_points(p));
    let centres = eight_gaussians_centres().map(|c| [c[0] / 1.414, c[1] / 1.414]);
    let mut mass = [0.0f64; 8];
    for (p, &l) in grid.points().chunks(2).zip(&model.log_p) {
        let d = |c: &[f64; 2]| (p[0] as f64 - c[0]).powi(2) + (p[1] as f64 - c[1]).powi(2);
        let k = (0..8).min_by(|&a, &b| d(&centres[a]).total_cmp(&d(&centres[b])));
        mass[k.unwrap()] += (l as f64).exp();
    }
    let total: f64 = mass.iter().sum();
    let shares = mass.map(|m| m / total);
    let near = shares.iter().any(|s| (0.035..0.065).contains(s));
    (shares.iter().filter(|&&s| s >= 0.05).count(), near)
}

#[test]
fn on_the_preset_each_objective_wins_its_own_divergence_and_the_scores_are_true() {
    let mut lab = lab(PRESET);
    train(&mut lab, 3000);
    // The step button scores both models at their current parameters.
    lab.step_once();
    let comparison = lab.comparison().unwrap();
    let s = comparison.scores.expect("scored");
    assert_eq!(s.step, lab.trainer().step_count());
    assert_eq!(s.steps[1], comparison.rival.step_count());
    // Time-shared: the reverse-KL step (two passes to sample) is dearer, so fewer of them.
    assert!(s.steps[1] > 300 && s.steps[1] < s.steps[0], "{:?}", s.steps);
    let kl = s.kl.map(|m| m.map(|e| e.value));
    assert!(kl[0][0] < kl[1][0], "forward model wins KL(p*||q): {kl:?}");
    assert!(kl[1][1] < kl[0][1], "reverse model wins KL(q||p*): {kl:?}");
    let modes = s.modes.expect("8gaussians counts modes");
    assert_eq!(modes[0], 8, "forward KL covers every mode");
    assert!(modes[1] < 8, "reverse KL drops modes: {modes:?}");
    // Every score against the exact sum on a fine grid (the estimates are from 4,000
    // draws: within four standard errors, plus the grid's own error).
    let exact = grid_kls(&lab);
    for m in 0..2 {
        for (k, e) in s.kl[m].iter().enumerate() {
            let tol = 4.0 * e.se + 0.02 * exact[m][k].abs().max(1.0);
            assert!(
                (e.value - exact[m][k]).abs() < tol,
                "model {m} divergence {k}: {} +- {} vs grid {}",
                e.value,
                e.se,
                exact[m][k]
            );
        }
        let (count, near) = grid_modes(&lab, m);
        if !near {
            assert_eq!(modes[m], count, "model {m}: modes from draws vs the grid");
        }
    }
}

#[test]
fn forward_kl_on_an_energy_learns_from_its_exact_draws() {
    let mut lab = lab("objective=reverse&target=u3&compare=1&layers=2&hidden=16,16");
    lab.evaluate();
    let first = lab.comparison().unwrap().scores.unwrap();
    train(&mut lab, 600);
    let last = lab.comparison().unwrap().scores.unwrap();
    // Model 0 is the forward-KL model: the rival here.
    assert!(last.steps[0] > 100, "{:?}", last.steps);
    assert!(
        last.kl[0][0].value < first.kl[0][0].value - 0.3,
        "KL(p*||q) of the forward model: {} -> {}",
        first.kl[0][0].value,
        last.kl[0][0].value
    );
    assert!(last.modes.is_none());
    let rival = &lab.comparison().unwrap().rival;
    let nll = rival.history.latest.expect("the rival evaluates itself").1;
    assert!(nll.is_finite(), "test NLL on held-out target draws: {nll}");
}

#[test]
fn a_page_lab_takes_the_pair_over_from_a_worker_lab() {
    let mut worker = lab(PRESET);
    let mut page = lab(PRESET);
    train(&mut worker, 400);
    let sent = worker.take_update();
    page.absorb(&worker.shown_parameters(), sent).unwrap();
    train(&mut worker, 700);
    page.absorb(&worker.shown_parameters(), worker.take_update())
        .unwrap();
    let (w, p) = (worker.comparison().unwrap(), page.comparison().unwrap());
    assert_eq!(p.rival.flow.parameters(), w.rival.flow.parameters());
    assert_eq!(
        page.trainer().flow.parameters(),
        worker.trainer().flow.parameters()
    );
    assert_eq!(p.scores, w.scores);
    assert_eq!(p.series, w.series);
    // A page without the compare view refuses a pair's message, and changes nothing.
    let mut single = lab("objective=forward&data=8gaussians&layers=2&hidden=8,8");
    let before = single.trainer().flow.parameters();
    let err = single
        .absorb(&worker.shown_parameters(), worker.whole_update())
        .unwrap_err();
    assert!(err.to_string().starts_with("worker message: "), "{err}");
    assert_eq!(single.trainer().flow.parameters(), before);
    // Carrying on from what was absorbed trains both.
    page.resume();
    train(&mut page, 800);
    let rival_steps = |l: &Lab| l.comparison().unwrap().rival.step_count();
    assert!(rival_steps(&page) > rival_steps(&worker));
}

#[test]
fn only_targets_with_a_positive_density_can_be_compared() {
    let (lab, notes) = Lab::from_hash("data=pinwheel&compare=1&layers=3");
    assert!(lab.comparison().is_none());
    assert_eq!(lab.settings().layers, 3, "the rest of the link is kept");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("pinwheel"), "{notes:?}");
    let mut lab = Lab::from_hash("data=checkerboard").0;
    let err = lab.set("compare", "1").unwrap_err().to_string();
    assert!(err.starts_with("compare objectives: "), "{err}");
    assert!(!lab.settings().compare);
    let mut lab = Lab::from_hash("data=moons&compare=1").0;
    let err = lab.set("data", "2spirals").unwrap_err().to_string();
    assert!(err.contains("2spirals"), "{err}");
    assert_eq!(lab.settings().data, DataSet::Moons);
    lab.set("objective", "reverse").unwrap();
    lab.set("target", "u2").unwrap();
    assert_eq!(
        lab.comparison().unwrap().rival.config().objective,
        Objective::ForwardKlEnergy(Target::U2)
    );
}

/// A diverging pair (learning rate 10) rolls both flows back and the scores say how often
/// (the table shows it: the status line's warning is the page flow's alone).
#[test]
fn a_diverging_pair_rolls_back_both_and_counts_it() {
    let mut lab = lab("data=8gaussians&compare=1&layers=2&hidden=8,8&lr=10");
    train(&mut lab, 400);
    lab.step_once();
    let s = lab.comparison().unwrap().scores.unwrap();
    assert!(s.rollbacks.iter().all(|&r| r > 0), "{:?}", s.rollbacks);
    let models = lab.comparison().unwrap().models(lab.trainer());
    assert_eq!(s.rollbacks, models.map(|t| t.history.rollbacks));
}

/// The compare view's pictures stay within the panel budget: the default flow gets maps of
/// 46 cells a side, the largest flow the page allows its samples only.
#[test]
fn the_compare_view_is_bounded_in_cost() {
    let mut small = lab("data=moons&compare=1");
    let view = small.compare_view().unwrap();
    let maps = view.densities.as_ref().expect("the default flow is mapped");
    assert_eq!(maps[0].grid.nx, 46);
    assert_eq!(view.samples[0].len(), view.samples[1].len());
    assert!(!view.levels.is_empty() && view.target.grid.nx == 100);
    let mut large = lab("data=moons&compare=1&layers=12&hidden=256,256,256,256");
    let view = large.compare_view().unwrap();
    assert!(view.densities.is_none(), "too large to map live");
    assert_eq!(view.samples[0].len(), 2 * 5);
    assert!(lab("data=moons").compare_view().is_none());
}

/// Each call brings one model's picture up to date, the older one, and keeps the other's,
/// so a call costs one map, not two; a second call without a step makes both current, and
/// equal to a fresh lab's pictures of the same parameters.
#[test]
fn the_compare_view_refreshes_one_model_a_call() {
    let hash = "data=8gaussians&compare=1&layers=2&hidden=8,8";
    let mut page = lab(hash);
    let first = page.compare_view().unwrap();
    assert!(first.current, "the first call makes both");
    for _ in 0..5 {
        page.step_once();
    }
    let mut refreshed = Vec::new();
    for _ in 0..2 {
        let view = page.compare_view().unwrap();
        let maps = view.densities.as_ref().unwrap();
        let changed: Vec<usize> = (0..2)
            .filter(|&m| view.samples[m] != first.samples[m])
            .collect();
        for &m in &changed {
            assert_ne!(maps[m].log_p, first.densities.as_ref().unwrap()[m].log_p);
        }
        refreshed.push((changed, view.current));
    }
    assert_eq!(refreshed, [(vec![0], false), (vec![0, 1], true)]);
    let mut twin = lab(hash);
    for _ in 0..5 {
        twin.step_once();
    }
    let fresh = twin.compare_view().unwrap();
    let now = page.compare_view().unwrap();
    assert!(now.current);
    assert_eq!(now.samples, fresh.samples);
    for m in 0..2 {
        assert_eq!(
            now.densities.as_ref().unwrap()[m].log_p,
            fresh.densities.as_ref().unwrap()[m].log_p
        );
    }
}
