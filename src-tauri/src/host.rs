//! "Host the hub here": the reception PC's app serves the hub on the LAN from its own
//! database — the same server as `hallpass-hub`, with the web UI taken from the app's own
//! bundled files — and shows its address and a QR code carrying the certificate's
//! fingerprint, for tablets and browsers to connect. No separate server install.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use axum::http::{header, StatusCode, Uri};
use axum::response::IntoResponse;
use hallpass_core::Core;
use hallpass_hub::server::Running;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::remote::PIN_KEY;

/// The web UI's files by path: bytes and MIME type (the app's bundled assets).
pub type Assets = Arc<dyn Fn(&str) -> Option<(Vec<u8>, String)> + Send + Sync>;

/// Where the hub hosted here can be reached.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
pub struct HostInfo {
    /// The address it listens on (`0.0.0.0:8443`).
    pub listen: String,
    /// Its URLs on this machine's networks, the likeliest first.
    pub urls: Vec<String>,
    /// The HTTPS certificate's fingerprint (`SHA256:AB:…`), to compare on the other device.
    pub fingerprint: Option<String>,
    /// The first URL with the fingerprint attached: what the QR code holds.
    pub link: String,
    /// The QR code of `link`, as an SVG document.
    pub qr_svg: String,
}

/// The hub running in the app.
pub struct Hosted {
    running: Running,
    pub info: HostInfo,
}

impl Hosted {
    pub async fn stop(self) {
        self.running.stop().await;
    }
}

/// Starts serving `core` on `listen`; over HTTPS with the certificate kept in `tls_dir`
/// (made on first start) when `https`.
pub async fn start(
    core: Core,
    assets: Assets,
    listen: SocketAddr,
    https: bool,
    tls_dir: &Path,
) -> Result<Hosted, String> {
    let lan = lan_addresses();
    let tls = if https {
        let mut names = vec!["localhost".to_string()];
        names.extend(lan.iter().map(IpAddr::to_string));
        if !listen.ip().is_unspecified() {
            names.push(listen.ip().to_string());
        }
        names.dedup();
        Some(hallpass_hub::tls::self_signed(tls_dir, names)?)
    } else {
        None
    };
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let ui = axum::Router::new().fallback(move |uri: Uri| {
        let assets = assets.clone();
        async move {
            match assets(uri.path()) {
                Some((bytes, mime)) => ([(header::CONTENT_TYPE, mime)], bytes).into_response(),
                None => StatusCode::NOT_FOUND.into_response(),
            }
        }
    });
    let app = hallpass_hub::router_for(core, hallpass_hub::Ui::Router(ui), stopping);
    let running = hallpass_hub::server::start(app, listen, tls, stop).await?;
    let info = describe(&running, listen, &lan);
    tracing::info!(url = %info.link, "hosting the hub");
    Ok(Hosted { running, info })
}

fn describe(running: &Running, listen: SocketAddr, lan: &[IpAddr]) -> HostInfo {
    let scheme = if running.fingerprint.is_some() {
        "https"
    } else {
        "http"
    };
    let port = running.addr.port();
    let ips: Vec<IpAddr> = if listen.ip().is_unspecified() {
        lan.to_vec()
    } else {
        vec![listen.ip()]
    };
    let mut urls: Vec<String> = ips
        .iter()
        .map(|ip| format!("{scheme}://{}/", SocketAddr::new(*ip, port)))
        .collect();
    if urls.is_empty() {
        urls.push(format!("{scheme}://{}/", running.addr));
    }
    let link = match &running.fingerprint {
        Some(fp) => format!("{}#{PIN_KEY}={fp}", urls[0]),
        None => urls[0].clone(),
    };
    HostInfo {
        listen: listen.to_string(),
        qr_svg: qr_svg(&link),
        fingerprint: running.fingerprint.clone(),
        urls,
        link,
    }
}

/// The QR code of `text` as SVG (dark on white, with its quiet zone).
pub fn qr_svg(text: &str) -> String {
    match qrcode::QrCode::new(text.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(240, 240)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build(),
        Err(e) => {
            tracing::warn!(error = %e, "cannot make the QR code");
            String::new()
        }
    }
}

/// This machine's addresses other devices can reach: the one its default route leaves from
/// first (not a container's or a VPN's), then other IPv4, then IPv6; loopback and link-local
/// left out. With no network at all, loopback.
pub fn lan_addresses() -> Vec<IpAddr> {
    let primary = std::net::UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| {
            // Connecting a UDP socket sends nothing; it only picks the outgoing address.
            s.connect("192.0.2.1:9")?;
            s.local_addr()
        })
        .ok()
        .map(|a| a.ip())
        .filter(|ip| !ip.is_unspecified() && !ip.is_loopback());
    let mut ips = other_addresses();
    if let Some(p) = primary {
        ips.retain(|ip| *ip != p);
        ips.insert(0, p);
    }
    if ips.is_empty() {
        ips.push(IpAddr::from([127, 0, 0, 1]));
    }
    ips
}

fn other_addresses() -> Vec<IpAddr> {
    let mut ips: Vec<IpAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.ip())
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified())
        .filter(|ip| match ip {
            IpAddr::V4(v4) => !v4.is_link_local(),
            IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) != 0xfe80,
        })
        .collect();
    ips.sort_by_key(|ip| (ip.is_ipv6(), *ip));
    ips.dedup();
    ips
}
