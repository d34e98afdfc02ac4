//! One playground session without a browser: the settings table (which is the URL hash),
//! the lab that trains and computes what the panels show, the worker message codec and the
//! engine timings. Everything here is plain Rust, tested natively.

pub mod bench;
pub mod codec;
pub mod compare;
pub mod comparison;
pub mod cost;
pub mod density;
pub mod digits;
pub mod dimension_cost;
pub mod display;
pub mod draws;
pub mod fields;
pub mod grid_job;
pub mod handoff;
pub mod hash;
pub mod heatmap;
pub mod helpers;
pub mod images;
pub mod lab;
pub mod marginals;
pub mod model_file;
pub mod model_numbers;
pub mod model_read;
pub mod python;
pub mod rebuild;
pub mod settings;
pub mod space;
pub mod speed;
pub mod status;
pub mod stepping;
pub mod undo;
pub mod user_data;
pub mod user_points;
pub mod values;
pub mod verdict;
pub mod views;
