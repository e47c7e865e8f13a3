//! The camera: rear one by default, the choice remembered, tracks stopped
//! when the scanner closes or the page is hidden.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MediaDeviceInfo, MediaDeviceKind, MediaStream, MediaStreamConstraints, MediaStreamTrack};

const CAMERA_KEY: &str = "danhgia.camera";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CameraError {
    /// The user (or a policy) refused the camera.
    Denied,
    /// No camera on this device.
    NoCamera,
    /// Another app or tab holds the camera.
    InUse,
    /// No camera API: an old browser, or a page not served over HTTPS.
    Unsupported,
}

fn classify(err: &JsValue) -> CameraError {
    let name = Reflect::get(err, &JsValue::from_str("name")).ok().and_then(|n| n.as_string()).unwrap_or_default();
    match name.as_str() {
        "NotAllowedError" | "SecurityError" | "PermissionDeniedError" => CameraError::Denied,
        "NotFoundError" | "OverconstrainedError" | "DevicesNotFoundError" => CameraError::NoCamera,
        "NotReadableError" | "AbortError" | "TrackStartError" => CameraError::InUse,
        _ => CameraError::Unsupported,
    }
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn remembered_camera() -> Option<String> {
    storage()?.get_item(CAMERA_KEY).ok().flatten()
}

pub fn remember_camera(device_id: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(CAMERA_KEY, device_id);
    }
}

/// Opens the camera: the given device, else the rear camera.
pub async fn open(device_id: Option<&str>) -> Result<MediaStream, CameraError> {
    let devices = web_sys::window().and_then(|w| w.navigator().media_devices().ok()).ok_or(CameraError::Unsupported)?;
    let video = Object::new();
    match device_id {
        Some(id) => {
            let exact = Object::new();
            set(&exact, "exact", &JsValue::from_str(id));
            set(&video, "deviceId", &exact);
        }
        None => {
            let ideal = Object::new();
            set(&ideal, "ideal", &JsValue::from_str("environment"));
            set(&video, "facingMode", &ideal);
        }
    }
    let width = Object::new();
    set(&width, "ideal", &JsValue::from_f64(1280.0));
    set(&video, "width", &width);
    let constraints = MediaStreamConstraints::new();
    constraints.set_video(&video);
    constraints.set_audio(&JsValue::FALSE);
    let promise = devices.get_user_media_with_constraints(&constraints).map_err(|e| classify(&e))?;
    let stream = JsFuture::from(promise).await.map_err(|e| classify(&e))?;
    stream.dyn_into::<MediaStream>().map_err(|_| CameraError::Unsupported)
}

pub fn stop(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<MediaStreamTrack>() {
            track.stop();
        }
    }
}

fn video_track(stream: &MediaStream) -> Option<MediaStreamTrack> {
    stream.get_video_tracks().get(0).dyn_into::<MediaStreamTrack>().ok()
}

/// The device id of the stream's camera, to remember the choice.
pub fn device_id(stream: &MediaStream) -> Option<String> {
    let settings = video_track(stream)?.get_settings();
    Reflect::get(&settings, &JsValue::from_str("deviceId")).ok()?.as_string()
}

/// Whether the camera has a torch we can switch (many phones, no laptops).
pub fn has_torch(stream: &MediaStream) -> bool {
    let Some(track) = video_track(stream) else { return false };
    let Ok(get) = Reflect::get(&track, &JsValue::from_str("getCapabilities")) else { return false };
    let Ok(get) = get.dyn_into::<js_sys::Function>() else { return false };
    get.call0(&track)
        .ok()
        .and_then(|caps| Reflect::get(&caps, &JsValue::from_str("torch")).ok())
        .is_some_and(|t| t.as_bool() == Some(true))
}

pub async fn set_torch(stream: &MediaStream, on: bool) -> bool {
    let Some(track) = video_track(stream) else { return false };
    let torch = Object::new();
    set(&torch, "torch", &JsValue::from_bool(on));
    let constraints = web_sys::MediaTrackConstraints::new();
    constraints.set_advanced(&Array::of1(&torch));
    match track.apply_constraints_with_constraints(&constraints) {
        Ok(promise) => JsFuture::from(promise).await.is_ok(),
        Err(_) => false,
    }
}

/// The video cameras' device ids (labels need a granted permission).
pub async fn cameras() -> Vec<String> {
    let Some(devices) = web_sys::window().and_then(|w| w.navigator().media_devices().ok()) else { return vec![] };
    let Ok(promise) = devices.enumerate_devices() else { return vec![] };
    let Ok(list) = JsFuture::from(promise).await else { return vec![] };
    Array::from(&list)
        .iter()
        .filter_map(|d| d.dyn_into::<MediaDeviceInfo>().ok())
        .filter(|d| d.kind() == MediaDeviceKind::Videoinput)
        .map(|d| d.device_id())
        .collect()
}
