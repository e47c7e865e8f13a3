//! The district office's app: reports, the quarter, administration (see `danhgia::staff`).
fn main() {
    danhgia::staff::main_office();
}
