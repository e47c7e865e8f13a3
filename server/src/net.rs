//! The network edge: accepting connections (plain or TLS) with a cap on how
//! many are served at once and timeouts for slow or silent clients, the
//! client's address for limits, and request logs that never carry a query
//! string (citizen tokens and check codes travel there).

use crate::AppState;
use crate::api::ApiFailure;
use axum::Router;
use axum::extract::{FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulConnection;
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio_rustls::TlsAcceptor;

/// The longest any request may take, body and answer included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

/// The TCP peer of a connection, attached to each of its requests.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub SocketAddr);

/// The client's address, for per-address limits: the TCP peer, or — behind
/// a reverse proxy on this machine (`--trust-proxy`) — the last address the
/// proxy appended to `X-Forwarded-For`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<PeerAddr>().map(|p| p.0.ip());
        let forwarded = || {
            parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok())
        };
        let ip = match peer {
            Some(p) if state.config.trust_proxy && p.is_loopback() => forwarded().unwrap_or(p),
            Some(p) => p,
            None => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        };
        Ok(ClientIp(ip))
    }
}

/// Logs each request's method, path (never its query), status and time,
/// and answers a request that runs too long with a JSON 503.
pub async fn trace(req: Request, next: Next) -> Response {
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let started = Instant::now();
    let res = match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!(%method, %path, "request timed out");
            ApiFailure::new(StatusCode::SERVICE_UNAVAILABLE, "timeout", "The request took too long.").into_response()
        }
    };
    tracing::debug!(%method, %path, status = res.status().as_u16(), ms = started.elapsed().as_millis() as u64, "request");
    res
}

/// What a connection may take: how many are served at once (in all and
/// per client address), and how long a connection may sit without a
/// request in flight — before its first request (a TLS handshake
/// included), or between two — before it is closed.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_connections: usize,
    pub per_address: usize,
    pub header_timeout: Duration,
    /// The per-address cap does not apply to loopback (a reverse proxy on
    /// this machine brings everyone's requests from there).
    pub trust_proxy: bool,
}

impl Limits {
    pub fn of(config: &crate::Config) -> Limits {
        Limits {
            max_connections: config.max_connections.max(1),
            per_address: config.max_connections_per_address.max(1),
            header_timeout: Duration::from_millis(config.header_timeout_ms.max(1)),
            trust_proxy: config.trust_proxy,
        }
    }
}

/// Requests in flight on a connection and when the last one ended.
#[derive(Default)]
struct Activity {
    in_flight: AtomicUsize,
    last: std::sync::Mutex<Option<Instant>>,
}

impl Activity {
    fn start(&self) {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
    }

    fn end(&self) {
        *self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Instant::now());
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
    }

    /// Whether no request has been in flight for `limit` (since `opened`
    /// when there was none yet).
    fn idle_for(&self, opened: Instant, limit: Duration) -> bool {
        let last = self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner).unwrap_or(opened);
        self.in_flight.load(Ordering::SeqCst) == 0 && last.elapsed() >= limit
    }
}

/// Connections open per client address.
#[derive(Default)]
struct PerAddress(std::sync::Mutex<HashMap<IpAddr, usize>>);

struct AddressSlot(Arc<PerAddress>, IpAddr);

impl PerAddress {
    fn take(self: &Arc<Self>, ip: IpAddr, max: usize) -> Option<AddressSlot> {
        let mut open = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = open.entry(ip).or_default();
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(AddressSlot(self.clone(), ip))
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self.0.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = open.get_mut(&self.1) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.1);
            }
        }
    }
}

/// Serves one connection until it ends, goes idle, or the server stops.
async fn drive<C>(
    conn: C,
    activity: Arc<Activity>,
    opened: Instant,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
    peer: SocketAddr,
) where
    C: GracefulConnection,
    C::Error: std::fmt::Display,
{
    tokio::pin!(conn);
    let mut tick = tokio::time::interval(limits.header_timeout / 4);
    let mut closing: Option<Instant> = None;
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%peer, "connection ended: {e}");
                }
                return;
            }
            _ = tick.tick() => {
                match closing {
                    // Finished requests get 10 s after the close is asked for.
                    Some(since) if since.elapsed() > Duration::from_secs(10) => return,
                    Some(_) => {}
                    None if activity.idle_for(opened, limits.header_timeout) => {
                        conn.as_mut().graceful_shutdown();
                        closing = Some(Instant::now());
                    }
                    None => {}
                }
            }
            _ = stop.changed(), if closing.is_none() => {
                conn.as_mut().graceful_shutdown();
                closing = Some(Instant::now());
            }
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets
/// requests in flight finish (for at most 10 s). Plain connections speak
/// HTTP/1.1; TLS connections HTTP/2 or HTTP/1.1 by ALPN.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    tls: Option<Arc<rustls::ServerConfig>>,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let per_address = Arc::new(PerAddress::default());
    let acceptor = tls.map(TlsAcceptor::from);
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(64)
        .keep_alive_interval(Duration::from_secs(20))
        .keep_alive_timeout(limits.header_timeout);
    let builder = if acceptor.is_some() { builder } else { builder.http1_only() };
    let builder = Arc::new(builder);
    let (stop_tx, stop_rx) = watch::channel(false);
    let live = Arc::new(Semaphore::new(0));
    let mut spawned = 0u32;
    tokio::pin!(shutdown);
    loop {
        // Past the cap, connections wait in the kernel's queue, not here.
        let permit = tokio::select! {
            p = permits.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let exempt = limits.trust_proxy && peer.ip().is_loopback();
        let slot = if exempt {
            None
        } else {
            match per_address.take(peer.ip(), limits.per_address) {
                Some(slot) => Some(slot),
                None => {
                    tracing::debug!(%peer, "too many connections from this address");
                    continue;
                }
            }
        };
        let _ = stream.set_nodelay(true);
        let activity = Arc::new(Activity::default());
        let act = activity.clone();
        let service = hyper_util::service::TowerToHyperService::new(tower::ServiceExt::map_future(
            tower::util::MapRequest::new(app.clone(), move |mut req: Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(PeerAddr(peer));
                req
            }),
            move |fut| {
                act.start();
                let act = act.clone();
                async move {
                    let res = fut.await;
                    act.end();
                    res
                }
            },
        ));
        let (builder, acceptor, stop, live) = (builder.clone(), acceptor.clone(), stop_rx.clone(), live.clone());
        let opened = Instant::now();
        spawned += 1;
        tokio::spawn(async move {
            let _held = (permit, slot);
            match acceptor {
                None => {
                    let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
                    drive(conn, activity, opened, limits, stop, peer).await;
                }
                Some(acceptor) => match tokio::time::timeout(limits.header_timeout, acceptor.accept(stream)).await {
                    Ok(Ok(tls)) => {
                        let conn = builder.serve_connection_with_upgrades(TokioIo::new(tls), service);
                        drive(conn, activity, opened, limits, stop, peer).await;
                    }
                    Ok(Err(e)) => tracing::debug!(%peer, "TLS handshake failed: {e}"),
                    Err(_) => tracing::debug!(%peer, "TLS handshake timed out"),
                },
            }
            live.add_permits(1);
        });
    }
    drop(listener);
    tracing::info!("shutting down: finishing requests in flight");
    let _ = stop_tx.send(true);
    let finished = tokio::time::timeout(Duration::from_secs(12), live.acquire_many(spawned)).await;
    if finished.is_err() {
        tracing::warn!("requests still running after 10 s were cut");
    }
}
