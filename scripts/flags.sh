# The page's second build (scripts/build-web.sh, scripts/test.sh): .cargo/config.toml's
# wasm32 flags plus relaxed SIMD. RUSTFLAGS replaces the config's list, so it repeats it.
RELAXED_RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd --cfg=web_sys_unstable_apis -C llvm-args=-inline-threshold=80"
