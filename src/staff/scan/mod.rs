//! Camera and decoding for the scanner: the camera runs on the page, the
//! decoder in a Web Worker (its wasm is fetched only when a scanner opens).

pub mod accept;
pub mod camera;
pub mod early;
pub mod worker;
