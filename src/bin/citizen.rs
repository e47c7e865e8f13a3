//! The citizens' app: `/`, `/danh-gia`, `/r/{code}` (see `danhgia::citizen`).
fn main() {
    danhgia::citizen::main();
}
