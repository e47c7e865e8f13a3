//! The officers' app: every route that is not a citizen's (see `danhgia::staff`).
fn main() {
    danhgia::staff::main();
}
