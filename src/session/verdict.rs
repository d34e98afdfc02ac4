//! What the compare view's table shows, in words: which model is lower on each divergence
//! (a call the standard errors support, or none), whether that is the textbook result, and
//! how much each model trained.

use super::comparison::Scores;
use crate::train::divergence::Estimate;

/// The models, as the table names them (index as in [`Scores::kl`]).
pub const MODELS: [&str; 2] = ["the forward-KL model", "the reverse-KL model"];
/// The divergences, likewise.
pub const DIVERGENCES: [&str; 2] = ["KL(p* || q)", "KL(q || p*)"];

/// What two estimates of one divergence say about which model is lower.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Call {
    /// Model `m` is lower by more than two standard errors of the difference (or the other
    /// is infinite).
    Lower(usize),
    /// Within two standard errors: no call.
    Tie,
    /// Model `m`'s estimate is lower, but its terms' tail is so heavy that their variance is
    /// infinite (a typical estimate is then below the true value, and no standard error
    /// holds), and the gap is not wide enough to hold anyway: it may not be lower at all.
    Unsure(usize),
}

/// The call on one divergence from the two models' estimates `[forward, reverse]`: the gap
/// must pass two standard errors of the difference. A heavy tail on the *higher* estimate
/// does not stop a call (a typical estimate of it is low, so the true gap is, if anything,
/// wider); on the lower one, the gap must also pass what that tail expects beyond its
/// largest term ([`Estimate::beyond`], which exceeds how low such an estimate typically is).
pub fn call(e: [&Estimate; 2]) -> Call {
    match (e[0].value.is_finite(), e[1].value.is_finite()) {
        (false, false) => return Call::Tie,
        (true, false) => return Call::Lower(0),
        (false, true) => return Call::Lower(1),
        _ => {}
    }
    let lower = usize::from(e[1].value < e[0].value);
    let gap = e[1 - lower].value - e[lower].value;
    let margin = 2.0 * e[0].se.hypot(e[1].se);
    match (e[lower].heavy(), gap > margin) {
        (false, true) => Call::Lower(lower),
        (false, false) => Call::Tie,
        (true, _) if gap > margin + e[lower].beyond => Call::Lower(lower),
        (true, _) => Call::Unsure(lower),
    }
}

impl Scores {
    /// The calls on `[KL(p* || q), KL(q || p*)]`.
    pub fn calls(&self) -> [Call; 2] {
        [0, 1].map(|k| call([&self.kl[0][k], &self.kl[1][k]]))
    }

    /// The table in words: the textbook result (each objective lower on its own divergence)
    /// or what these two models show instead, with the gaps and their standard errors; then
    /// the training each had.
    pub fn verdict(&self) -> String {
        let calls = self.calls();
        let gap = |k: usize, m: usize| {
            let (a, b) = (&self.kl[m][k], &self.kl[1 - m][k]);
            format!(
                "by {} \u{b1} {}",
                number(b.value - a.value),
                number(a.se.hypot(b.se))
            )
        };
        let mut out = if calls == [Call::Lower(0), Call::Lower(1)] {
            format!(
                "As the theory says: {} is lower on {} {}, {} on {} {}.",
                MODELS[0],
                DIVERGENCES[0],
                gap(0, 0),
                MODELS[1],
                DIVERGENCES[1],
                gap(1, 1)
            )
        } else {
            let parts: Vec<String> = (0..2)
                .map(|k| match calls[k] {
                    Call::Lower(m) if !self.kl[1 - m][k].value.is_finite() => format!(
                        "on {}, {} is finite and {}'s infinite",
                        DIVERGENCES[k],
                        MODELS[m],
                        MODELS[1 - m].trim_start_matches("the ")
                    ),
                    Call::Lower(m) => {
                        format!(
                            "on {}, {} is lower {}",
                            DIVERGENCES[k],
                            MODELS[m],
                            gap(k, m)
                        )
                    }
                    Call::Tie if !self.kl[0][k].value.is_finite() => {
                        format!("on {}, both are infinite", DIVERGENCES[k])
                    }
                    Call::Tie => format!(
                        "on {}, the two are within two standard errors ({} vs {})",
                        DIVERGENCES[k],
                        number(self.kl[0][k].value),
                        number(self.kl[1][k].value)
                    ),
                    Call::Unsure(m) => format!(
                        "on {}, {} reads lower, but its terms have a tail too heavy for a \
                         standard error (shape {:.2}) and the gap is too small to hold anyway",
                        DIVERGENCES[k], MODELS[m], self.kl[m][k].tail
                    ),
                })
                .collect();
            format!(
                "Not the textbook result on these models yet: {}.",
                parts.join("; ")
            )
        };
        out.push(' ');
        out.push_str(&self.training());
        out
    }

    /// How much each model trained: equal time by design, and the steps that bought.
    fn training(&self) -> String {
        let [a, b] = self.seconds;
        let [sa, sb] = self.steps;
        if (a - b).abs() > 0.1 * a.max(b) {
            format!(
                "Unequal training: {} {} steps in {:.1} s, {} {} steps in {:.1} s.",
                MODELS[0], sa, a, MODELS[1], sb, b
            )
        } else if sa.abs_diff(sb) > sa.max(sb) / 10 {
            format!(
                "Equal training time ({:.1} s each), unequal steps: {} {}, {} {} (a step \
                 of each objective costs differently).",
                (a + b) / 2.0,
                MODELS[0],
                sa,
                MODELS[1],
                sb
            )
        } else {
            format!(
                "Equal training: about {} steps in {:.1} s each.",
                (sa + sb) / 2,
                (a + b) / 2.0
            )
        }
    }
}

/// A divergence or a gap as the table prints it: three decimals, or three significant
/// digits for large values.
fn number(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}
