//! A helper thread is not trusted: a gradient of the wrong length, or with a number that
//! is not finite, is dropped, the chunk computed by the lab itself and the helper named as
//! at fault; the trajectory is the same to the last bit as the lab's alone (issue 30,
//! item 9: a wrong length panicked the training worker, and NaN rolled back forever).

#![cfg(not(target_arch = "wasm32"))]

use arflow::session::helpers::Helper;
use arflow::session::lab::Lab;

#[test]
fn bad_gradients_from_a_helper_are_recomputed_and_blamed() {
    let hash = "seed=4&batch=256";
    let mut alone = Lab::from_hash(hash).0;
    let mut shared = Lab::from_hash(hash).0;
    let mut helper = Helper::new(hash).unwrap();
    let mut faults = Vec::new();
    for step in 0..60 {
        alone.step_once();
        assert!(shared.begin_step(), "the fused step");
        let (batch, theta, chunks) = shared.step_work();
        let (batch, theta) = (batch.to_vec(), theta.to_vec());
        assert!(chunks >= 2, "{chunks} chunks");
        for i in 0..chunks {
            if i % 2 == 0 {
                shared.compute_chunk(i);
                continue;
            }
            let (loss, grad) = helper.compute(&theta, &batch, &[i]);
            let (mut loss, mut grad) = (loss[0], grad.to_vec());
            match step % 5 {
                1 => grad.push(0.5),
                2 => grad.truncate(3),
                3 => {
                    let mid = grad.len() / 2;
                    grad[mid] = f32::NAN;
                }
                4 => loss = f64::INFINITY,
                _ => {}
            }
            faults.push((step % 5, shared.put_chunk(i, loss, &grad)));
        }
        shared.end_step();
    }
    let bits = |lab: &Lab| -> Vec<u32> {
        let p = lab.trainer().flow.parameters();
        p.iter().map(|v| v.to_bits()).collect()
    };
    assert_eq!(bits(&alone), bits(&shared));
    assert_eq!(alone.trainer().history.loss, shared.trainer().history.loss);
    let len = Helper::new(hash).unwrap().gradient_len();
    for (kind, fault) in faults {
        let expected = match kind {
            0 => None,
            1 => Some(format!("a gradient of {} numbers, not {len}", len + 1)),
            2 => Some(format!("a gradient of 3 numbers, not {len}")),
            _ => Some("a loss or gradient that is not a finite number".to_string()),
        };
        assert_eq!(fault, expected);
    }
}
