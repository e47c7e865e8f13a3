//! The camera scanner: video with a scan-region overlay, frames of that
//! region decoded in the worker, results checked by the core's parser.
//! Anything that is not a dossier code or one of our links gets one clear
//! message, and scanning goes on.

use crate::i18n::*;
use crate::messages::scan_error_text;
use crate::staff::scan::accept::Acceptor;
use crate::staff::scan::camera::{self, CameraError};
use crate::staff::scan::early;
use crate::staff::scan::worker::{Decoded, DecoderWorker};
use danhgia_core::{ScanPolicy, ScanTarget, parse_scan};
use leptos::html::Video;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream};

/// The scan region, as fractions of the video (the overlay shows the same).
const REGION_X: f64 = 0.1;
const REGION_Y: f64 = 0.2;
/// Frames wider than this are scaled down before decoding.
const MAX_FRAME_WIDTH: f64 = 640.0;
const TICK: Duration = Duration::from_millis(90);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Starting,
    Running,
    Failed(CameraError),
}

struct Running {
    stream: MediaStream,
    worker: DecoderWorker,
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    interval: Option<IntervalHandle>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(interval) = self.interval.take() {
            interval.clear();
        }
        camera::stop(&self.stream);
    }
}

/// Draws the scan region of the current video frame, scaled down, and
/// returns its RGBA buffer.
fn capture(video: &HtmlVideoElement, r: &Running) -> Option<(js_sys::ArrayBuffer, u32, u32)> {
    let (vw, vh) = (f64::from(video.video_width()), f64::from(video.video_height()));
    if vw < 16.0 || vh < 16.0 || video.ready_state() < 2 {
        return None;
    }
    let (sx, sy) = (vw * REGION_X, vh * REGION_Y);
    let (sw, sh) = (vw - 2.0 * sx, vh - 2.0 * sy);
    let scale = (MAX_FRAME_WIDTH / sw).min(1.0);
    let (dw, dh) = ((sw * scale).round() as u32, (sh * scale).round() as u32);
    if r.canvas.width() != dw || r.canvas.height() != dh {
        r.canvas.set_width(dw);
        r.canvas.set_height(dh);
    }
    r.ctx
        .draw_image_with_html_video_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
            video,
            sx,
            sy,
            sw,
            sh,
            0.0,
            0.0,
            f64::from(dw),
            f64::from(dh),
        )
        .ok()?;
    let image = r.ctx.get_image_data(0.0, 0.0, f64::from(dw), f64::from(dh)).ok()?;
    // The pixels' own buffer, transferred to the worker without a copy.
    let data = js_sys::Reflect::get(&image, &"data".into()).ok()?.dyn_into::<js_sys::Uint8ClampedArray>().ok()?;
    Some((data.buffer(), dw, dh))
}

#[component]
pub fn Scanner<F>(
    /// Frames are decoded only while this is true (the camera stays on).
    active: Signal<bool>,
    /// Bumped by the owner to accept the last value again.
    #[prop(into)]
    rearm: Signal<u32>,
    on_scan: F,
) -> impl IntoView
where
    F: Fn(ScanTarget) + 'static,
{
    let i18n = use_i18n();
    let video_ref = NodeRef::<Video>::new();
    let status = RwSignal::new(Status::Starting);
    let message = RwSignal::new(None::<&'static str>);
    let announce = RwSignal::new(String::new());
    let torch = RwSignal::new(None::<bool>);
    let camera_count = RwSignal::new(0usize);
    let running = StoredValue::new_local(None::<Running>);
    let acceptor = StoredValue::new_local(Acceptor::default());
    let on_scan: Rc<dyn Fn(ScanTarget)> = Rc::new(on_scan);
    let policy = ScanPolicy::for_own_host(&window().location().hostname().unwrap_or_default());

    Effect::new(move |_| {
        rearm.track();
        acceptor.update_value(Acceptor::rearm);
    });

    let handle = move |decoded: Decoded| {
        // Answers to frames sent before scanning paused (or by the page's
        // loader) count only while scanning.
        if !active.try_get_untracked().unwrap_or(false) {
            return;
        }
        let read = decoded.text.as_deref().map(|t| (t, decoded.linear));
        let Some(text) = acceptor.try_update_value(|a| a.feed(read)).flatten() else { return };
        match parse_scan(&text, &policy) {
            Ok(target) => {
                message.set(None);
                let _ = window().navigator().vibrate_with_duration(80);
                announce.set(t_string!(i18n, scanner.read, code = target.code().to_string()));
                on_scan(target);
            }
            // Shown once: the acceptor does not return the same value again.
            Err(e) => message.set(Some(scan_error_text(i18n, &e))),
        }
    };
    let handle = Rc::new(handle);

    // The frame the page's loader was taking when the decoder was taken
    // over, until the decoder is idle to take it.
    let held = StoredValue::new_local(None::<early::EarlyFrame>);

    // One frame to the decoder, if it is idle and the camera shows something.
    let tick = move || {
        if !active.get_untracked() {
            return;
        }
        let Some(video) = video_ref.get_untracked() else { return };
        running.with_value(|r| {
            let Some(r) = r.as_ref().filter(|r| r.worker.idle()) else { return };
            if let Some(f) = held.try_update_value(Option::take).flatten().filter(early::EarlyFrame::is_fresh) {
                let _ = r.worker.send(&f.pixels, f.width, f.height);
            } else if let Some((buffer, w, h)) = capture(&video, r) {
                let _ = r.worker.send(&buffer, w, h);
            }
        });
    };

    let start = move |device: Option<String>| {
        let handle = handle.clone();
        running.set_value(None);
        status.set(Status::Starting);
        spawn_local(async move {
            // The decoder's wasm loads while the camera starts, not after.
            let on_result = handle.clone();
            let (worker, early_read, early_frame) = match early::take_decoder() {
                Some((worker, ready, busy)) => (
                    Ok(DecoderWorker::adopt(worker, ready, busy, move |d| on_result(d), tick)),
                    early::take_read(),
                    early::take_frame(),
                ),
                None => (DecoderWorker::start(move |d| on_result(d), tick), None, None),
            };
            let opened = match early::take_camera(device.as_deref()).await {
                Some(stream) => Ok(stream),
                None => camera::open(device.as_deref()).await,
            };
            let stream = match opened {
                Ok(stream) => stream,
                Err(e) if device.is_some() => match camera::open(None).await {
                    Ok(stream) => stream,
                    Err(_) => return status.set(Status::Failed(e)),
                },
                Err(e) => return status.set(Status::Failed(e)),
            };
            // The scanner may be gone by now (its screen changed while the
            // camera opened).
            let Some(video) = video_ref.try_get_untracked().flatten() else {
                camera::stop(&stream);
                return;
            };
            video.set_src_object(Some(&stream));
            // Playing stops with a rejection when the video leaves the page
            // (the screen changed): expected, so it is caught, not reported.
            if let Ok(playing) = video.play() {
                spawn_local(async move {
                    let _ = wasm_bindgen_futures::JsFuture::from(playing).await;
                });
            }
            if let Some(id) = camera::device_id(&stream) {
                camera::remember_camera(&id);
            }
            torch.set(camera::has_torch(&stream).then_some(false));
            // Counting cameras (for the switch button) is not on the way to the first read.
            spawn_local(async move { camera_count.set(camera::cameras().await.len()) });
            let canvas = document().create_element("canvas").ok().and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok());
            let ctx = canvas
                .as_ref()
                .and_then(|c| c.get_context("2d").ok().flatten())
                .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok());
            let (Some(canvas), Some(ctx), Ok(worker)) = (canvas, ctx, worker) else {
                camera::stop(&stream);
                return status.set(Status::Failed(CameraError::Unsupported));
            };
            let interval = set_interval_with_handle(tick, TICK).ok();
            running.set_value(Some(Running { stream, worker, canvas, ctx, interval }));
            status.set(Status::Running);
            // The first frame goes as soon as all is there, not a tick later
            // (the decoder's ready message and the video's first frame do the
            // same if they come after this).
            tick();
            // The frame the page's loader had not sent, or was taking, when
            // the decoder was taken over: the next to go, once the decoder
            // is idle (the video's own first frame comes 40–110 ms later on
            // opening).
            if let Some(promise) = early_frame {
                spawn_local(async move {
                    let Some(frame) = early::frame(promise).await else { return };
                    // (The scanner may be gone by now.)
                    if held.try_set_value(Some(frame)).is_none() {
                        tick();
                    }
                });
            }
            // A slip the page's loader already read (the app was still
            // starting): taken as this scanner's first frame, now that the
            // scanner runs (acting on it may change the screen at once).
            if let Some(read) = early_read {
                handle(read);
            }
        });
    };
    // A handle that views may hold (the closure itself is not `Send`).
    let start = StoredValue::new_local(start);
    let start = move |device: Option<String>| start.with_value(|f| f(device));

    // Open the camera when the view appears; release it when it goes away or
    // the page is hidden, and take it again when the page comes back.
    Effect::new(move |_| {
        if video_ref.get().is_some() {
            start(camera::remembered_camera());
        }
    });
    {
        let visibility = window_event_listener(leptos::ev::visibilitychange, move |_| {
            if document().visibility_state() == web_sys::VisibilityState::Hidden {
                running.set_value(None);
            } else if running.with_value(Option::is_none) {
                start(camera::remembered_camera());
            }
        });
        on_cleanup(move || {
            visibility.remove();
            running.set_value(None);
        });
    }

    let switch_camera = {
        move |_| {
            spawn_local(async move {
                let ids = camera::cameras().await;
                let current = running.with_value(|r| r.as_ref().and_then(|r| camera::device_id(&r.stream)));
                let next =
                    current.and_then(|c| ids.iter().position(|id| *id == c)).map_or(0, |i| (i + 1) % ids.len().max(1));
                if let Some(id) = ids.get(next) {
                    camera::remember_camera(id);
                    start(Some(id.clone()));
                }
            });
        }
    };
    let toggle_torch = move |_| {
        let on = !torch.get_untracked().unwrap_or(false);
        let stream = running.with_value(|r| r.as_ref().map(|r| r.stream.clone()));
        spawn_local(async move {
            if let Some(stream) = stream
                && camera::set_torch(&stream, on).await
            {
                torch.set(Some(on));
            }
        });
    };
    let retry = move |_| start(camera::remembered_camera());

    let failure = move || match status.get() {
        Status::Failed(e) => {
            let text = match e {
                CameraError::Denied => t_string!(i18n, scanner.denied),
                CameraError::NoCamera => t_string!(i18n, scanner.no_camera),
                CameraError::InUse => t_string!(i18n, scanner.in_use),
                CameraError::Unsupported => t_string!(i18n, scanner.unsupported),
            };
            let can_retry = matches!(e, CameraError::Denied | CameraError::InUse);
            Some(view! {
                <div class="camera-error" role="alert">
                    <p>{text}</p>
                    <Show when=move || can_retry>
                        <button class="btn secondary" type="button" on:click=retry>
                            {t!(i18n, scanner.retry)}
                        </button>
                    </Show>
                </div>
            })
        }
        _ => None,
    };

    view! {
        <section class="scanner" class:failed=move || matches!(status.get(), Status::Failed(_))>
            <div class="viewport">
                <video node_ref=video_ref autoplay muted playsinline prop:muted=true on:loadeddata=move |_| tick()></video>
                <div class="scan-region" role="img" aria-label=move || t_string!(i18n, scanner.region)></div>
                <Show when=move || !active.get()>
                    <p class="scan-paused">{t!(i18n, scanner.paused)}</p>
                </Show>
            </div>
            <p class="hint">
                {move || match status.get() {
                    Status::Starting => t_string!(i18n, scanner.starting),
                    _ => t_string!(i18n, scanner.hint),
                }}
            </p>
            {failure}
            <div class="scanner-controls">
                <Show when=move || { camera_count.get() > 1 }>
                    <button class="btn secondary" type="button" on:click=switch_camera>
                        {t!(i18n, scanner.switch)}
                    </button>
                </Show>
                <Show when=move || torch.get().is_some()>
                    <button class="btn secondary" type="button" aria-pressed=move || torch.get().unwrap_or(false).to_string() on:click=toggle_torch>
                        {move || if torch.get() == Some(true) { t_string!(i18n, scanner.torch_off) } else { t_string!(i18n, scanner.torch_on) }}
                    </button>
                </Show>
            </div>
            <p class="scan-message error" role="alert">{move || message.get()}</p>
            <p class="sr-only" aria-live="polite">{move || announce.get()}</p>
        </section>
    }
}
