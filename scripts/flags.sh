# The page's second build (scripts/build-web.sh, scripts/test.sh) adds relaxed SIMD to the
# wasm32 flags. Those live in one place, .cargo/config.toml; a RUSTFLAGS variable replaces
# that list rather than extending it, so the relaxed build's is read from there.
WASM_RUSTFLAGS=$(grep '^rustflags' .cargo/config.toml | grep -o '"[^"]*"' | tr -d '"' | tr '\n' ' ')
RELAXED_RUSTFLAGS="${WASM_RUSTFLAGS/+simd128/+simd128,+relaxed-simd}"
case "$RELAXED_RUSTFLAGS" in
  *relaxed-simd*) ;;
  *) echo "flags.sh: no +simd128 in .cargo/config.toml's wasm32 rustflags" >&2; exit 1 ;;
esac
