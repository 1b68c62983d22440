//! Serving the hub on an address, over HTTP or HTTPS, until asked to stop. The standalone
//! `hallpass-hub` and the app's "host the hub here" mode both start it this way.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use tokio::sync::watch;

use crate::tls::Tls;

/// A hub that is listening.
pub struct Running {
    /// The address it listens on (the port filled in when 0 was asked).
    pub addr: SocketAddr,
    /// The certificate's fingerprint when it serves HTTPS.
    pub fingerprint: Option<String>,
    handle: axum_server::Handle<SocketAddr>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

/// Starts serving `app` on `listen`; `stop` is the sender of the signal the router's event
/// streams watch ([`crate::router_for`]).
pub async fn start(
    app: Router,
    listen: SocketAddr,
    tls: Option<Tls>,
    stop: watch::Sender<bool>,
) -> Result<Running, String> {
    let handle = axum_server::Handle::new();
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    // Bind here, so a taken port is an error now and not a log line later.
    let socket = std::net::TcpListener::bind(listen)
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let fingerprint = tls.as_ref().map(|t| t.fingerprint.clone());
    let task = match tls {
        Some(tls) => {
            let server = axum_server::from_tcp_rustls(socket, tls.config)
                .map_err(|e| format!("cannot listen on {listen}: {e}"))?
                .handle(handle.clone());
            tokio::spawn(server.serve(service))
        }
        None => {
            let server = axum_server::from_tcp(socket)
                .map_err(|e| format!("cannot listen on {listen}: {e}"))?
                .handle(handle.clone());
            tokio::spawn(server.serve(service))
        }
    };
    let addr = handle
        .listening()
        .await
        .ok_or_else(|| format!("cannot listen on {listen}"))?;
    Ok(Running {
        addr,
        fingerprint,
        handle,
        stop,
        task,
    })
}

impl Running {
    /// `http://…/` or `https://…/` with the address it listens on.
    pub fn url(&self) -> String {
        let scheme = if self.fingerprint.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}/", self.addr)
    }

    /// Ends the event streams, lets requests in flight finish (up to ten seconds), stops.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        self.handle.graceful_shutdown(Some(Duration::from_secs(10)));
        let _ = self.task.await;
    }

    /// A handle that asks the hub to stop from elsewhere (a signal handler).
    pub fn stopper(&self) -> impl FnOnce() + Send + 'static {
        let (stop, handle) = (self.stop.clone(), self.handle.clone());
        move || {
            let _ = stop.send(true);
            handle.graceful_shutdown(Some(Duration::from_secs(10)));
        }
    }

    /// Serves until stopped; an error if the server failed.
    pub async fn wait(self) -> Result<(), String> {
        self.task
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())
    }
}
