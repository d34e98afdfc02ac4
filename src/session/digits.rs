//! The digits' panels as a lab computes them: the model's images (a MAF's sample costs `D`
//! MADE passes a layer, so at 64-D they are computed a few at a time, like the density
//! map of a 2-D flow, which the digits have instead), and the two paths of the sequential
//! view: one latent draw to its image, one data image to its latent point.

use super::display::SHOWN_IMAGES;
use super::lab::Lab;
use crate::data::digits::{to_logit, DIM};
use crate::views::sampling::Path;

impl Lab {
    /// Works on the model's images of the fixed draws for up to `budget_ms`, an image at a
    /// time: true when a new complete set is ready ([`Self::model_images`]). With
    /// `current`, a set whose parameters have changed since it began starts again.
    pub(super) fn images_work(
        &mut self,
        budget_ms: f64,
        now: &mut dyn FnMut() -> f64,
        current: bool,
    ) -> bool {
        let start = now();
        let version = self.heatmap.version();
        let (mut x, from) = match self.images.job.take() {
            Some((x, v)) if v == version || !current => (x, v),
            _ => (Vec::with_capacity(SHOWN_IMAGES * DIM), version),
        };
        let latent = self.draws.latent();
        let n = latent.len() / DIM;
        // As many images at once as the time the last took says the budget holds (a batch
        // shares each pass's weights: 2.6 times faster per image than one by one for the
        // default flow), one at first.
        let fits = |per_image: f64, left: f64| ((left / per_image.max(1e-6)) as usize).max(1);
        let mut batch = self.images.per_image_ms.map_or(1, |p| fits(p, budget_ms));
        while x.len() < n * DIM {
            let (i, began) = (x.len() / DIM, now());
            let k = batch.min(n - i);
            x.extend(
                self.trainer
                    .flow
                    .to_data_points(&latent[i * DIM..(i + k) * DIM])
                    .0,
            );
            let t = now();
            let per_image = (t - began) / k as f64;
            self.images.per_image_ms = Some(per_image);
            let left = budget_ms - (t - start);
            if left <= 0.0 || per_image > left {
                break;
            }
            batch = fits(per_image, left);
        }
        if x.len() < n * DIM {
            self.images.job = Some((x, from));
            return false;
        }
        self.images.done = Some((x, from));
        true
    }

    /// The last complete set of model images (the flow's `x`, `n x 64`), if any.
    pub fn model_images(&self) -> Option<&[f32]> {
        self.images.done.as_ref().map(|(x, _)| x.as_slice())
    }

    /// Whether the model's images shown are of the parameters as they are now.
    pub(super) fn images_settled(&self) -> bool {
        self.images
            .done
            .as_ref()
            .is_some_and(|(_, v)| *v == self.heatmap.version())
    }

    /// The sequential view's two paths, pass by pass: the first display draw to its sample
    /// and the first data image shown (each pixel at its bin's centre) to its latent
    /// point. `None` for a flow of other than 64 dimensions.
    pub fn sequences(&self) -> Option<[Path; 2]> {
        let flow = &self.trainer.flow;
        let latent = self.draws.latent();
        if flow.dim() != DIM || latent.len() < DIM {
            return None;
        }
        let (x, _) = self.shown_image(0)?;
        Some([flow.sampling_path(&latent[..DIM]), flow.density_path(&x)])
    }

    /// Data image `i` of those shown as the flow sees it (each pixel at its bin's centre,
    /// through the logit), with its pre-processing's log-det (`log p(y) = log p(x)` plus
    /// it); `None` past the last.
    pub fn shown_image(&self, i: usize) -> Option<(Vec<f32>, f64)> {
        let data = self.draws.data().get(i * DIM..(i + 1) * DIM)?;
        let (x, log_det): (Vec<f32>, Vec<f64>) = data
            .iter()
            .map(|&y| {
                let (x, ld) = to_logit(f64::from(y));
                (x as f32, ld)
            })
            .unzip();
        Some((x, log_det.iter().sum()))
    }
}
