//! The 8x8 handwritten digits, a 64-dimensional data set (`data/README.md`: the source and
//! its licence): the images, a fixed held-out fifth, and the pre-processing a flow trains
//! on. A pixel `v` in `0..=16` is dequantised to `y = (v + u) / 17` with `u ~ U(0, 1)`
//! (fresh at every batch), squeezed to `s = alpha + (1 - 2 alpha) y` and mapped to
//! `x = logit(s)`. The flow models `x`; the density of `y` adds the map's log-det,
//! `sum_i ln((1 - 2 alpha) / (s_i (1 - s_i)))`, so that its NLL compares with any model of
//! `y` (and, with `D ln 17`, gives bits per dimension of the 0..16 data).

use flate2::read::GzDecoder;
use rand::{rngs::StdRng, Rng, SeedableRng};
use std::io::Read;
use std::sync::OnceLock;

/// Pixels per image.
pub const DIM: usize = 64;
/// The image's side.
pub const SIDE: usize = 8;
/// A pixel's levels, `0..=16`.
pub const LEVELS: usize = 17;
/// The squeeze before the logit (keeps `s` away from 0 and 1).
pub const ALPHA: f64 = 0.05;

/// The file as scikit-learn ships it.
static FILE: &[u8] = include_bytes!("../../data/digits.csv.gz");

/// The images, row-major `n x 64`, and their digits.
#[derive(Debug)]
pub struct Digits {
    pixels: Vec<u8>,
    labels: Vec<u8>,
    /// The training images' indices (every batch draws from them).
    train: Vec<usize>,
}

/// The digits, read at first use.
pub fn digits() -> &'static Digits {
    static DIGITS: OnceLock<Digits> = OnceLock::new();
    DIGITS.get_or_init(|| Digits::parse(FILE).expect("the embedded digits file reads"))
}

impl Digits {
    /// Reads the gzipped CSV: 64 pixels in `0..=16` and a digit per line.
    pub fn parse(gz: &[u8]) -> Result<Digits, String> {
        let mut text = String::new();
        GzDecoder::new(gz)
            .read_to_string(&mut text)
            .map_err(|e| format!("the digits file does not inflate: {e}"))?;
        let (mut pixels, mut labels) = (Vec::new(), Vec::new());
        for (n, line) in text.lines().enumerate() {
            let values: Vec<u8> = line
                .split(',')
                .map(|v| v.trim().parse::<u8>())
                .collect::<Result<_, _>>()
                .map_err(|e| format!("line {}: {e}", n + 1))?;
            if values.len() != DIM + 1 || values[..DIM].iter().any(|&v| v as usize >= LEVELS) {
                return Err(format!(
                    "line {}: not 64 pixels in 0..16 and a digit",
                    n + 1
                ));
            }
            pixels.extend_from_slice(&values[..DIM]);
            labels.push(values[DIM]);
        }
        let train = (0..labels.len()).filter(|&i| !is_held_out(i)).collect();
        Ok(Digits {
            pixels,
            labels,
            train,
        })
    }

    /// How many images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Image `i`'s pixels, row by row.
    pub fn image(&self, i: usize) -> &[u8] {
        &self.pixels[i * DIM..(i + 1) * DIM]
    }

    /// Image `i`'s digit.
    pub fn label(&self, i: usize) -> u8 {
        self.labels[i]
    }

    /// The held-out images (every fifth, from the first: 360 of 1,797), or the others.
    pub fn indices(&self, held_out: bool) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| is_held_out(i) == held_out)
            .collect()
    }

    /// The images `which`, dequantised with draws of `rng` and pre-processed: row-major
    /// `x` (what the flow models) and each image's log-det of `y -> x`.
    pub fn batch(&self, which: &[usize], rng: &mut impl Rng) -> (Vec<f32>, Vec<f64>) {
        let mut x = Vec::with_capacity(which.len() * DIM);
        let mut log_det = Vec::with_capacity(which.len());
        for &i in which {
            let mut sum = 0.0;
            for &v in self.image(i) {
                let y = (f64::from(v) + rng.gen::<f64>()) / LEVELS as f64;
                let (xi, ld) = to_logit(y);
                x.push(xi as f32);
                sum += ld;
            }
            log_det.push(sum);
        }
        (x, log_det)
    }

    /// `n` training images drawn with replacement, pre-processed with fresh noise: `x`,
    /// and the mean log-det of their `y -> x` (the NLL of `y` is the NLL of `x` less it).
    pub fn training_batch(&self, n: usize, rng: &mut impl Rng) -> (Vec<f32>, f64) {
        let train = &self.train;
        let which: Vec<usize> = (0..n)
            .map(|_| train[rng.gen_range(0..train.len())])
            .collect();
        let (x, log_det) = self.batch(&which, rng);
        (x, log_det.iter().sum::<f64>() / n.max(1) as f64)
    }
}

/// The held-out images as the test NLL sees them: dequantised once, with a fixed noise.
#[derive(Debug)]
pub struct HeldOut {
    /// Row-major `n x 64`, pre-processed.
    pub x: Vec<f32>,
    /// The mean log-det of `y -> x` over the images.
    pub mean_log_det: f64,
}

/// The seed of the held-out images' noise (the same for every model, so that their test
/// NLLs compare).
const HELD_OUT_SEED: u64 = 0x0d16_17e5;

/// The held-out images, pre-processed once.
pub fn held_out() -> &'static HeldOut {
    static HELD: OnceLock<HeldOut> = OnceLock::new();
    HELD.get_or_init(|| {
        let d = digits();
        let mut rng = StdRng::seed_from_u64(HELD_OUT_SEED);
        let (x, log_det) = d.batch(&d.indices(true), &mut rng);
        let mean_log_det = log_det.iter().sum::<f64>() / log_det.len() as f64;
        HeldOut { x, mean_log_det }
    })
}

/// Whether image `i` is held out: every fifth, from the first.
fn is_held_out(i: usize) -> bool {
    i.is_multiple_of(5)
}

/// One dequantised pixel `y` in `(0, 1)` to the flow's `x = logit(alpha + (1 - 2 alpha) y)`,
/// with `ln |dx/dy|`.
pub fn to_logit(y: f64) -> (f64, f64) {
    let s = ALPHA + (1.0 - 2.0 * ALPHA) * y;
    let x = s.ln() - (1.0 - s).ln();
    (x, (1.0 - 2.0 * ALPHA).ln() - s.ln() - (1.0 - s).ln())
}

/// The flow's `x` back to a pixel's `y` (clamped to `[0, 1]`: a sample may leave it).
pub fn from_logit(x: f64) -> f64 {
    let s = 1.0 / (1.0 + (-x).exp());
    ((s - ALPHA) / (1.0 - 2.0 * ALPHA)).clamp(0.0, 1.0)
}

/// Nats per image of `y` to bits per dimension of the 0..16 data: `y`'s density is
/// `17^D` times the probability of its pixels' bin, so `(NLL + D ln 17) / (D ln 2)`.
pub fn bits_per_dim(nll_nats: f64) -> f64 {
    (nll_nats + DIM as f64 * (LEVELS as f64).ln()) / (DIM as f64 * std::f64::consts::LN_2)
}

/// Images in the flow's `x` (row-major `n x 64`) as CSV of their pixels `y` in `[0, 1]`,
/// row by row of each image: a header `y1,...,y64`, then a line per image.
pub fn images_csv(x: &[f32]) -> String {
    let header: Vec<String> = (1..=DIM).map(|i| format!("y{i}")).collect();
    let mut out = header.join(",") + "\n";
    for image in x.chunks_exact(DIM) {
        let row: Vec<String> = image
            .iter()
            .map(|&v| format!("{:.6}", from_logit(f64::from(v))))
            .collect();
        out += &(row.join(",") + "\n");
    }
    out
}
