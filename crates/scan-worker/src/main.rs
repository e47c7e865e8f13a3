//! The scanner's Web Worker, built with wasm SIMD (see `worker.rs`).
mod worker;

fn main() {
    worker::run();
}
