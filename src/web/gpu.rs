//! The page's handle on the WebGPU backend: jobs for an [`App`]'s flow as promises.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Float32Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::App;
use crate::gpu::device::Device;
use crate::gpu::layout::{fits, pack, Job, Mode};
use crate::numeric::grid::{Grid, Window};

/// The page's handle on the GPU backend.
#[wasm_bindgen]
pub struct Gpu {
    device: Rc<Device>,
    failing: Cell<bool>,
}

/// Connects to WebGPU: a [`Gpu`], or `undefined` when the browser has no adapter (the
/// page then computes on the CPU). Rejects only on an error while connecting.
#[wasm_bindgen]
pub async fn gpu_connect() -> Result<Option<Gpu>, JsError> {
    let device = Device::connect().await.map_err(|e| JsError::new(&e))?;
    Ok(device.map(|d| Gpu {
        device: Rc::new(d),
        failing: Cell::new(false),
    }))
}

#[wasm_bindgen]
impl Gpu {
    /// The adapter's name.
    pub fn name(&self) -> String {
        self.device.name().to_string()
    }

    /// Whether the adapter is a software one, slower than the CPU path.
    pub fn software(&self) -> bool {
        self.device.software()
    }

    /// `log p` on the `res x res` view grid of `app`'s flow as it is now: a promise of a
    /// `Float32Array`, row 0 at the top (as [`App::take_density`] wants it).
    pub fn density(&self, app: &App, res: usize) -> Promise {
        let job = Grid::new(Window::default(), res, res).map(|g| (Job::grid(&g), Vec::new()));
        self.launch(app, job, |out| out)
    }

    /// The model's display samples `x = T(z)` from `app`'s fixed draws: a promise of a
    /// `Float32Array` (`n x 2`, as [`App::take_samples`] wants it).
    pub fn samples(&self, app: &App) -> Promise {
        let z = app.display_latent();
        let xs = z.len();
        let job = Ok((Job::points(Mode::Push, z.len() / app.flow().dim()), z));
        self.launch(app, job, move |mut out| {
            out.truncate(xs);
            out
        })
    }

    /// Makes the next job fail, as a lost device would: one of the page's test hooks
    /// (`window.arflowTest`, see `www/main.js`), for the end-to-end test of the fallback.
    pub fn simulate_failure(&self) {
        self.failing.set(true);
    }

    /// Packs `app`'s flow now and runs `job` on the device; the promise resolves to
    /// `finish(outputs)` as a `Float32Array`.
    fn launch(
        &self,
        app: &App,
        job: crate::Result<(Job, Vec<f32>)>,
        finish: impl FnOnce(Vec<f32>) -> Vec<f32> + 'static,
    ) -> Promise {
        let packed = pack(app.flow());
        let device = self.device.clone();
        let failing = self.failing.get();
        future_to_promise(async move {
            if failing {
                return Err(JsError::new("simulated GPU failure").into());
            }
            let (job, points) = job.map_err(|e| JsError::new(&e.to_string()))?;
            let out = device
                .run(&packed, job, &points)
                .await
                .map_err(|e| JsError::new(&e))?;
            Ok(Float32Array::from(finish(out).as_slice()).into())
        })
    }
}

#[wasm_bindgen]
impl App {
    /// Whether the GPU backend computes this flow's pictures (a 2-D flow's density map and
    /// samples, affine layers on the `N(0, I)` base); otherwise the CPU does, and the page
    /// says why.
    pub fn gpu_fits(&self) -> bool {
        self.lab.has_map() && fits(self.flow())
    }
}
