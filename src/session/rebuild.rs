//! A change that waits for its flow: asked for by the settings (a burst of changes builds
//! one flow), built a layer at a time so that a large flow does not stall a frame, and the
//! settings before it, which undo brings back with the model it replaced.

use super::settings::Settings;
use crate::flow::{Flow, FlowBuilder};

/// The lab's rebuild, while one is due.
#[derive(Debug, Default)]
pub struct Rebuild {
    due: bool,
    /// The new flow, while it is built a layer at a time.
    building: Option<FlowBuilder>,
    /// The settings in force before the first change that asked for it.
    before: Option<Settings>,
}

impl Rebuild {
    /// Asks for a new flow (again from its first layer); `current` are the settings in
    /// force, kept unless a rebuild already waiting kept its own.
    pub fn ask(&mut self, current: &Settings) {
        self.before.get_or_insert_with(|| current.clone());
        self.due = true;
        self.building = None;
    }

    /// Whether a change waits for its flow.
    pub fn due(&self) -> bool {
        self.due
    }

    /// Builds the flow of `settings` a layer at a time until `budget_ms` (by `now()`) is
    /// spent: the flow once it is whole (nothing is due then), `None` before that and when
    /// nothing was due.
    pub fn build(
        &mut self,
        settings: &Settings,
        budget_ms: f64,
        now: &mut dyn FnMut() -> f64,
    ) -> Option<Flow> {
        if !self.due {
            return None;
        }
        let start = now();
        let mut builder = match self.building.take() {
            Some(b) => b,
            None => FlowBuilder::new(settings.flow_config()).expect("validated settings"),
        };
        while !builder
            .add_layer()
            .expect("validated settings build every layer")
        {
            if now() - start >= budget_ms {
                self.building = Some(builder);
                return None;
            }
        }
        self.due = false;
        Some(builder.finish())
    }

    /// The settings before the change, taken (for the model it replaced).
    pub fn take_before(&mut self) -> Option<Settings> {
        self.before.take()
    }

    /// Nothing waits any more (undo brought a model back).
    pub fn cancel(&mut self) {
        *self = Rebuild::default();
    }
}
