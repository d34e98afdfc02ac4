//! The GPU backend's pure half: the packed flow holds exactly the masked weights, biases
//! and structure the shader walks, and the shader source is complete.

use arflow::flow::scale::Scale;
use arflow::flow::{Direction, Flow, FlowConfig, LayerOrder};
use arflow::gpu::layout::{pack, shader, Job, Mode, WORKGROUP};
use arflow::numeric::grid::{Grid, Window};

#[test]
fn the_packed_flow_is_the_flows_masked_weights_biases_and_structure() {
    for (direction, scale, hidden, layers) in [
        (Direction::Maf, Scale::Softplus, vec![16], 1),
        (Direction::Iaf, Scale::Tanh, vec![32, 8, 24], 3),
        (Direction::Maf, Scale::Exp, vec![64, 64], 4),
    ] {
        let f = Flow::new(FlowConfig {
            dim: 3,
            layers,
            hidden: hidden.clone(),
            direction,
            scale,
            order: LayerOrder::Random(2),
            ..FlowConfig::default()
        })
        .unwrap();
        let p = pack(&f);
        assert_eq!((p.meta[0], p.meta[1]), (3, layers as u32));
        assert_eq!(p.dim, 3);
        assert_eq!(p.max_width, hidden.iter().copied().max().unwrap().max(6));
        let mut used = 0;
        for (k, layer) in f.layers.iter().enumerate() {
            let rec = p.meta[2 + k] as usize;
            let want_dir = u32::from(direction == Direction::Iaf);
            let want_scale = [Scale::Exp, Scale::Tanh, Scale::Softplus]
                .iter()
                .position(|&s| s == scale)
                .unwrap() as u32;
            assert_eq!(p.meta[rec..rec + 2], [want_dir, want_scale]);
            let first = p.meta[rec + 2] as usize;
            assert_eq!(layer.made.degrees[0][first], 1, "layer {k}: first input");
            assert_eq!(p.meta[rec + 3] as usize, layer.made.layers.len());
            for (l, m) in layer.made.layers.iter().enumerate() {
                let e = &p.meta[rec + 4 + 4 * l..rec + 8 + 4 * l];
                let (inp, out, w, b) = (e[0] as usize, e[1] as usize, e[2] as usize, e[3] as usize);
                assert_eq!((inp, out), (m.mask.cols, m.mask.rows));
                assert_eq!(p.params[w..w + inp * out], m.masked_weight()[..]);
                assert_eq!(p.params[b..b + out], m.bias.as_vec()[..]);
                used += inp * out + out;
            }
        }
        assert_eq!(used, p.params.len(), "every parameter packed once");
    }
}

#[test]
fn the_shader_source_is_filled_in_and_jobs_describe_their_dispatch() {
    let src = shader(128, 2);
    for placeholder in [
        "{MAX_WIDTH}",
        "{MAX_DIM}",
        "{WORKGROUP}",
        "{TANH_BOUND}",
        "{SOFTPLUS",
    ] {
        assert!(
            !src.contains(placeholder),
            "{placeholder} left in the shader"
        );
    }
    assert!(src.contains("const MAX_WIDTH: u32 = 128u;"));
    assert!(src.contains(&format!("@workgroup_size({WORKGROUP})")));
    // The scale constants go in as exact bits: 3.0 and 1e-3.
    assert!(src.contains(&format!("bitcast<f32>({:#010x}u)", 3f32.to_bits())));
    assert!(src.contains(&format!("bitcast<f32>({:#010x}u)", 1e-3f32.to_bits())));

    let grid = Grid::new(Window::square(2.0), 5, 3).unwrap();
    let job = Job::grid(&grid);
    assert_eq!((job.n, job.nx, job.workgroups()), (15, 5, 1));
    assert_eq!(job.outputs(2), 15);
    let bytes = job.bytes();
    assert_eq!(bytes.len(), 32);
    let word = |i: usize| u32::from_le_bytes(bytes[4 * i..4 * i + 4].try_into().unwrap());
    assert_eq!([word(0), word(1), word(2)], [15, Mode::Grid as u32, 5]);
    let float = |i: usize| f32::from_bits(word(i));
    assert_eq!(
        [float(4), float(5), float(6), float(7)],
        [-2.0, 2.0, grid.dx(), grid.dy()]
    );
    // The shader's cell centre is the grid's: x0 + (i + 0.5) dx, y1 - (j + 0.5) dy.
    assert_eq!(float(4) + (3.0 + 0.5) * float(6), grid.x(3));
    assert_eq!(float(5) - (2.0 + 0.5) * float(7), grid.y(2));

    let push = Job::points(Mode::Push, 130);
    assert_eq!((push.workgroups(), push.outputs(2)), (3, 390));
}

#[test]
fn an_overflowed_point_reads_back_as_nan_and_nothing_else_changes() {
    use arflow::gpu::layout::{read_outputs, OVERFLOWED};
    let out = read_outputs(vec![1.5, OVERFLOWED, -3.0e38, f32::MIN_POSITIVE]);
    assert!(out[1].is_nan());
    assert_eq!((out[0], out[2], out[3]), (1.5, -3.0e38, f32::MIN_POSITIVE));
    let src = shader(64, 2);
    assert!(src.contains(&format!("bitcast<f32>({:#010x}u)", OVERFLOWED.to_bits())));
}

/// The shader's bounds are exact f32 values that keep every operation finite: `exp` up to
/// `EXP_MAX` is finite and one ulp more is not (f64 says so independently); `BOUND^2` and
/// a MADE row's largest sum are within f32; no bound in the shader is tested through an
/// inf or a NaN.
#[test]
fn the_shaders_overflow_bounds_are_exact_and_keep_every_value_finite() {
    use arflow::flow::config::MAX_WIDTH;
    use arflow::gpu::layout::{exp_max, PARAM_BOUND, VALUE_BOUND};
    let x = exp_max();
    let up = f32::from_bits(x.to_bits() + 1);
    println!(
        "EXP_MAX {x} ({:#010x}); ln(f32::MAX) rounds to {}",
        x.to_bits(),
        f32::MAX.ln()
    );
    assert!((x as f64).exp() <= f32::MAX as f64 && x.exp().is_finite());
    assert!((up as f64).exp() > f32::MAX as f64 && !up.exp().is_finite());
    assert!(
        !f32::MAX.ln().exp().is_finite(),
        "ln(f32::MAX) rounds up past EXP_MAX"
    );
    assert_eq!(VALUE_BOUND as f64, 2f64.powi(64));
    assert_eq!(PARAM_BOUND as f64, 2f64.powi(50));
    // The largest value below the bound squares to a finite f32.
    let below = f32::from_bits(VALUE_BOUND.to_bits() - 1);
    assert!((below * below).is_finite());
    let widest = MAX_WIDTH as f64 * PARAM_BOUND as f64 * VALUE_BOUND as f64;
    assert!(widest + PARAM_BOUND as f64 <= 2f64.powi(124));
    let src = shader(64, 2);
    for v in [x, VALUE_BOUND, f32::MAX] {
        assert!(src.contains(&format!("bitcast<f32>({:#010x}u)", v.to_bits())));
    }
    // A NaN fails every comparison: a guard written `!(a <= b)` tests for one.
    assert!(!src.contains("!("), "a guard tests for NaN");
}

/// A flow whose parameters pass [`PARAM_BOUND`] (or are not finite) is drawn on the CPU.
#[test]
fn the_shader_refuses_parameters_past_its_bound() {
    use arflow::gpu::layout::{fits, PARAM_BOUND};
    let mut f = Flow::new(FlowConfig::default()).unwrap();
    assert!(fits(&f));
    let mut p = f.parameters();
    for wild in [PARAM_BOUND * 2.0, f32::NAN, -f32::INFINITY] {
        p[3] = wild;
        f.set_parameters(&p).unwrap_or_default();
        assert!(!fits(&f), "{wild}");
    }
    p[3] = PARAM_BOUND;
    f.set_parameters(&p).unwrap();
    assert!(fits(&f));
}

/// The shader computes affine flows on `N(0, I)`; the page draws spline flows and learned
/// bases on the CPU (`fits` is what it asks).
#[test]
fn the_shader_takes_affine_flows_on_the_standard_base_only() {
    use arflow::flow::Transform;
    use arflow::gpu::layout::fits;
    for (transform, learn_base, want) in [
        (Transform::Affine, false, true),
        (Transform::Spline, false, false),
        (Transform::Affine, true, false),
        (Transform::Spline, true, false),
    ] {
        let f = Flow::new(FlowConfig {
            transform,
            learn_base,
            ..FlowConfig::default()
        })
        .unwrap();
        assert_eq!(fits(&f), want, "{transform:?} learn_base={learn_base}");
    }
}
