//! The counter's officers' app: the scanner's transcription, the kiosk, the
//! outbox, slips, signing in (see `danhgia::staff`).
fn main() {
    danhgia::staff::main();
}
