//! The same worker built without wasm SIMD (the `scalar` feature), for
//! browsers that lack it: the page picks one (`src/staff/scan/worker.rs`).
#[path = "../worker.rs"]
mod worker;

fn main() {
    worker::run();
}
