use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use hallpass_core::{Core, DbUrl};

/// Hallpass hub: the centre's LAN server for browsers, tablets and desktops.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// sqlite:PATH or postgres://user@host/db
    #[arg(long, env = "HALLPASS_DB", default_value = "sqlite:hallpass-hub.db")]
    db: DbUrl,
    /// Address to listen on; 0.0.0.0:8080 to serve the LAN.
    #[arg(long, env = "HALLPASS_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Seed the demo centre into an empty database.
    #[arg(long)]
    demo: bool,
    /// The built web UI (ui/dist) to serve at /.
    #[arg(long, env = "HALLPASS_UI")]
    ui: Option<PathBuf>,
    /// Serve HTTPS with a self-signed certificate made at first start (kept in --tls-dir);
    /// devices pin its fingerprint, which the hub prints.
    #[arg(long, env = "HALLPASS_TLS")]
    tls: bool,
    /// Serve HTTPS with the centre's own certificate (PEM), with --tls-key.
    #[arg(long, env = "HALLPASS_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, env = "HALLPASS_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Where the self-signed certificate is kept (default: `tls` beside a SQLite database, or
    /// `hallpass-tls` here).
    #[arg(long, env = "HALLPASS_TLS_DIR")]
    tls_dir: Option<PathBuf>,
    /// Where backups of a SQLite database go (default: `backups` beside it).
    #[arg(long, env = "HALLPASS_BACKUP_DIR")]
    backup_dir: Option<PathBuf>,
    /// Hours between scheduled backups (0: none). PostgreSQL is backed up with pg_dump.
    #[arg(long, env = "HALLPASS_BACKUP_EVERY_HOURS", default_value_t = 24)]
    backup_every_hours: u64,
    /// How many backups to keep.
    #[arg(long, env = "HALLPASS_BACKUP_KEEP", default_value_t = hallpass_core::backup::DEFAULT_KEEP)]
    backup_keep: usize,
}

#[tokio::main]
async fn main() {
    // Started as the typesetting worker: typeset documents until stdin closes, then exit.
    hallpass_core::documents::serve_worker_if_asked();
    // Documents are typeset in a worker process, which a runaway template cannot take down
    // with it.
    hallpass_core::documents::isolate_documents();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    if let Err(e) = run(args).await {
        eprintln!("hallpass-hub: {e}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), String> {
    let core = Core::open(&args.db)
        .await
        .map_err(|e| format!("cannot open {}: {e}", args.db))?;
    if args.demo {
        match hallpass_core::demo::seed(&core).await {
            Ok(true) => tracing::info!(
                "seeded the demo centre (logins owner, reception, instructor; password {})",
                hallpass_core::demo::DEMO_PASSWORD
            ),
            Ok(false) => tracing::info!("the database already has data; demo not seeded"),
            Err(e) => return Err(format!("demo seed failed: {e}")),
        }
    }
    if let Some(dir) = args.backup_dir.clone() {
        core.backups.configure(hallpass_core::backup::BackupConfig {
            dir,
            keep: args.backup_keep,
            // Scheduled backups are encrypted when a passphrase is given (never on the command line).
            passphrase: std::env::var("HALLPASS_BACKUP_PASSPHRASE")
                .ok()
                .filter(|p| !p.is_empty()),
        });
    }
    hallpass_core::backup::schedule(
        core.clone(),
        std::time::Duration::from_secs(args.backup_every_hours * 3600),
    );
    let ui = args
        .ui
        .clone()
        .or_else(default_ui)
        .filter(|d| d.join("index.html").exists());
    if ui.is_none() {
        tracing::warn!("no built UI found (build it with `npm --prefix ui run build` or pass --ui); serving the API only");
    }
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let app = hallpass_hub::router_with(core.clone(), ui, stopping);
    let running = hallpass_hub::server::start(app, args.listen, tls(&args)?, stop).await?;
    match &running.fingerprint {
        Some(fp) => println!(
            "Hallpass hub on {} ({}); certificate {fp}",
            running.url(),
            args.db
        ),
        None => println!("Hallpass hub on {} ({})", running.url(), args.db),
    }
    let stopper = running.stopper();
    tokio::spawn(async move {
        shutdown_signal().await;
        stopper();
    });
    running.wait().await?;
    core.db.close().await;
    Ok(())
}

/// The certificate to serve, if HTTPS was asked for.
fn tls(args: &Args) -> Result<Option<hallpass_hub::tls::Tls>, String> {
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        return hallpass_hub::tls::load(cert, key).map(Some);
    }
    if !args.tls {
        return Ok(None);
    }
    let dir = args.tls_dir.clone().unwrap_or_else(|| match &args.db {
        DbUrl::Sqlite(path) => std::path::Path::new(path)
            .parent()
            .map_or_else(|| PathBuf::from("tls"), |d| d.join("tls")),
        DbUrl::Postgres(_) => PathBuf::from("hallpass-tls"),
    });
    let mut names = vec!["localhost".to_string()];
    if !args.listen.ip().is_unspecified() {
        names.push(args.listen.ip().to_string());
    }
    if let Ok(host) = std::fs::read_to_string("/etc/hostname") {
        names.push(host.trim().to_string());
    }
    names.retain(|n| !n.is_empty());
    hallpass_hub::tls::self_signed(&dir, names).map(Some)
}

/// Ctrl-C, or SIGTERM from a service manager.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// `ui/dist` beside the working directory or beside the executable's workspace.
fn default_ui() -> Option<PathBuf> {
    let candidates = [
        PathBuf::from("ui/dist"),
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist"),
    ];
    candidates
        .into_iter()
        .find(|d| d.join("index.html").exists())
}
