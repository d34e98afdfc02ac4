//! The WebGPU device: moves a [`Packed`] flow and a [`Job`] to the device, runs
//! `flow.wgsl` and reads the result back with the asynchronous map (never a blocking
//! wait). Everything it computes is defined by the CPU path; the browser tests hold it to
//! that. Uploads are skipped when nothing changed, so while training only the parameters
//! (after each chunk of steps) go up and only the result comes down.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Float32Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{
    gpu_buffer_usage as usage, gpu_map_mode, Gpu as GpuApi, GpuAdapter, GpuAutoLayoutMode,
    GpuBindGroup, GpuBindGroupDescriptor, GpuBindGroupEntry, GpuBuffer, GpuBufferDescriptor,
    GpuComputePipeline, GpuComputePipelineDescriptor, GpuDevice, GpuErrorFilter,
    GpuProgrammableStage, GpuShaderModuleDescriptor,
};

use super::layout::{le_bytes, read_outputs, shader, Job, Packed};

/// A storage buffer that grows to fit, with a copy of what was last written to it.
struct Slot {
    buffer: GpuBuffer,
    bytes: u32,
    written: Vec<u8>,
}

/// The compiled shader for one activation width and dimension, and its buffers.
struct Pipeline {
    key: (usize, usize),
    pipeline: GpuComputePipeline,
    /// shape, params, points, outputs, job (in binding order), then the read-back buffer.
    slots: Vec<Slot>,
    bind: Option<GpuBindGroup>,
}

const SHAPE: usize = 0;
const PARAMS: usize = 1;
const POINTS: usize = 2;
const OUTPUTS: usize = 3;
const JOB: usize = 4;
const READBACK: usize = 5;

/// One WebGPU device and what lives on it.
pub struct Device {
    device: GpuDevice,
    name: String,
    software: bool,
    lost: Rc<Cell<bool>>,
    busy: Cell<bool>,
    pipeline: RefCell<Option<Pipeline>>,
}

/// The message of a JavaScript error value.
pub fn js_text(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| Reflect::get(e, &"message".into()).ok()?.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

impl Device {
    /// The browser's WebGPU device, or `None` when it has no `navigator.gpu` or no adapter.
    pub async fn connect() -> Result<Option<Device>, String> {
        let Some(window) = web_sys::window() else {
            return Ok(None);
        };
        let navigator = window.navigator();
        let api = Reflect::get(&navigator, &"gpu".into()).map_err(|e| js_text(&e))?;
        if api.is_undefined() || api.is_null() {
            return Ok(None);
        }
        let api: GpuApi = api.unchecked_into();
        let adapter: Option<GpuAdapter> = api
            .request_adapter()
            .await
            .map_err(|e| js_text(&e))?
            .into_option();
        let Some(adapter) = adapter else {
            return Ok(None);
        };
        let info = adapter.info();
        let mut name = match info.description() {
            d if !d.is_empty() => d,
            _ => format!("{} {}", info.vendor(), info.architecture())
                .trim()
                .to_string(),
        };
        if name.is_empty() {
            name = "unnamed adapter".into();
        }
        // SwiftShader (Chromium's CPU implementation) does not always call itself a
        // fallback adapter.
        let said = [info.vendor(), info.architecture(), info.description()].join(" ");
        let software = info.is_fallback_adapter() || said.to_lowercase().contains("swiftshader");
        if software {
            name.push_str(", software");
        }
        let device = adapter.request_device().await.map_err(|e| js_text(&e))?;
        let lost = Rc::new(Cell::new(false));
        let flag = lost.clone();
        let watch = device.lost();
        spawn_local(async move {
            let _ = watch.await;
            flag.set(true);
        });
        Ok(Some(Device {
            device,
            name,
            software,
            lost,
            busy: Cell::new(false),
            pipeline: RefCell::new(None),
        }))
    }

    /// The adapter's name, as the status line shows it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the adapter is a software one (a fallback adapter or SwiftShader): far
    /// slower than the CPU path, so the page does not use it unless asked to.
    pub fn software(&self) -> bool {
        self.software
    }

    /// Runs `job` on `packed` (with `points` for the point modes) and returns the shader's
    /// outputs: `log p` per point, or `x` (`n x D`) followed by `log q`.
    pub async fn run(&self, packed: &Packed, job: Job, points: &[f32]) -> Result<Vec<f32>, String> {
        if self.lost.get() {
            return Err("the WebGPU device was lost".into());
        }
        if self.busy.replace(true) {
            return Err("a GPU job is already running".into());
        }
        let result = self.run_now(packed, job, points).await;
        self.busy.set(false);
        result
    }

    async fn run_now(&self, packed: &Packed, job: Job, points: &[f32]) -> Result<Vec<f32>, String> {
        if job.n == 0 {
            return Ok(Vec::new());
        }
        self.device.push_error_scope(GpuErrorFilter::OutOfMemory);
        self.device.push_error_scope(GpuErrorFilter::Validation);
        let out_bytes = (job.outputs(packed.dim) * 4) as u32;
        let submitted = self.submit(packed, job, points, out_bytes);
        let validation = self
            .device
            .pop_error_scope()
            .await
            .map_err(|e| js_text(&e))?;
        let memory = self
            .device
            .pop_error_scope()
            .await
            .map_err(|e| js_text(&e))?;
        if let Some(e) = validation.into_option().or(memory.into_option()) {
            return Err(format!("WebGPU: {}", e.message()));
        }
        let readback = submitted?;
        readback
            .map_async_with_u32_and_u32(gpu_map_mode::READ, 0, out_bytes)
            .await
            .map_err(|e| js_text(&e))?;
        let range = readback
            .get_mapped_range_with_u32_and_u32(0, out_bytes)
            .map_err(|e| js_text(&e))?;
        let values = Float32Array::new(&range).to_vec();
        readback.unmap();
        Ok(read_outputs(values))
    }

    /// Writes what changed, encodes the dispatch and the copy to the read-back buffer, and
    /// submits; returns the read-back buffer.
    fn submit(
        &self,
        packed: &Packed,
        job: Job,
        points: &[f32],
        out_bytes: u32,
    ) -> Result<GpuBuffer, String> {
        let mut cell = self.pipeline.borrow_mut();
        let key = (packed.max_width, packed.dim);
        if cell.as_ref().map(|p| p.key) != Some(key) {
            *cell = Some(self.compile(key)?);
        }
        let p = cell.as_mut().expect("just compiled");
        let writes = [
            (SHAPE, le_bytes(packed.meta.iter().copied())),
            (PARAMS, le_bytes(packed.params.iter().map(|v| v.to_bits()))),
            (POINTS, le_bytes(points.iter().map(|v| v.to_bits()))),
            (JOB, job.bytes()),
        ];
        for (slot, bytes) in writes {
            self.write(p, slot, bytes)?;
        }
        self.reserve(p, OUTPUTS, out_bytes)?;
        self.reserve(p, READBACK, out_bytes)?;
        if p.bind.is_none() {
            let entries: Vec<GpuBindGroupEntry> = p.slots[..=JOB]
                .iter()
                .enumerate()
                .map(|(i, s)| GpuBindGroupEntry::new_with_gpu_buffer(i as u32, &s.buffer))
                .collect();
            let layout = p.pipeline.get_bind_group_layout(0);
            let desc = GpuBindGroupDescriptor::new(&entries, &layout);
            p.bind = Some(self.device.create_bind_group(&desc));
        }
        let encoder = self.device.create_command_encoder();
        let pass = encoder.begin_compute_pass();
        pass.set_pipeline(&p.pipeline);
        pass.set_bind_group(0, p.bind.as_ref());
        pass.dispatch_workgroups(job.workgroups());
        pass.end();
        let readback = p.slots[READBACK].buffer.clone();
        encoder
            .copy_buffer_to_buffer_with_u32_and_u32_and_u32(
                &p.slots[OUTPUTS].buffer,
                0,
                &readback,
                0,
                out_bytes,
            )
            .map_err(|e| js_text(&e))?;
        self.device.queue().submit(&[encoder.finish()]);
        Ok(readback)
    }

    fn compile(&self, (max_width, dim): (usize, usize)) -> Result<Pipeline, String> {
        let code = shader(max_width, dim);
        let module = self
            .device
            .create_shader_module(&GpuShaderModuleDescriptor::new(&code));
        let stage = GpuProgrammableStage::new(&module);
        stage.set_entry_point("main");
        let desc = GpuComputePipelineDescriptor::new_with_gpu_auto_layout_mode(
            GpuAutoLayoutMode::Auto,
            &stage,
        );
        let pipeline = self.device.create_compute_pipeline(&desc);
        let storage = usage::STORAGE | usage::COPY_DST;
        let uses = [
            storage,
            storage,
            storage,
            usage::STORAGE | usage::COPY_SRC,
            usage::UNIFORM | usage::COPY_DST,
            usage::MAP_READ | usage::COPY_DST,
        ];
        let slots = uses
            .iter()
            .map(|&u| {
                Ok(Slot {
                    buffer: self.buffer(16, u)?,
                    bytes: 16,
                    written: Vec::new(),
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(Pipeline {
            key: (max_width, dim),
            pipeline,
            slots,
            bind: None,
        })
    }

    fn buffer(&self, bytes: u32, usage: u32) -> Result<GpuBuffer, String> {
        self.device
            .create_buffer(&GpuBufferDescriptor::new(bytes, usage))
            .map_err(|e| js_text(&e))
    }

    /// Makes slot `i` at least `bytes` long (growing it by half again, so a slowly growing
    /// need does not reallocate every time).
    fn reserve(&self, p: &mut Pipeline, i: usize, bytes: u32) -> Result<(), String> {
        let slot = &mut p.slots[i];
        if slot.bytes >= bytes {
            return Ok(());
        }
        let bytes = (bytes + bytes / 2).next_multiple_of(16);
        let usage = slot.buffer.usage();
        slot.buffer.destroy();
        *slot = Slot {
            buffer: self.buffer(bytes, usage)?,
            bytes,
            written: Vec::new(),
        };
        if i != READBACK {
            p.bind = None;
        }
        Ok(())
    }

    /// Uploads `bytes` to slot `i` unless it already holds them.
    fn write(&self, p: &mut Pipeline, i: usize, bytes: Vec<u8>) -> Result<(), String> {
        if bytes.is_empty() || p.slots[i].written == bytes {
            return Ok(());
        }
        self.reserve(p, i, bytes.len() as u32)?;
        let slot = &mut p.slots[i];
        self.device
            .queue()
            .write_buffer_with_u32_and_u8_slice(&slot.buffer, 0, &bytes)
            .map_err(|e| js_text(&e))?;
        slot.written = bytes;
        Ok(())
    }
}
