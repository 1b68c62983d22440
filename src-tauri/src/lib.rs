//! The Hallpass desktop and tablet app: a thin shell around hallpass-core. Its commands are
//! generated from the core's operation registry, so the app and the hub speak the same API.

mod camera;
mod commands;
mod live;
mod smoke;

use std::path::{Path, PathBuf};

use hallpass_core::{Core, DbUrl};
use tauri::Manager;

pub use commands::specta_builder;

/// The generated TypeScript: tauri-specta's commands and types, then the operation map.
pub fn bindings() -> Result<String, String> {
    let dir = std::env::temp_dir().join(format!("hallpass-bindings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join("bindings.ts");
    specta_builder()
        .export(
            specta_typescript::Typescript::default().header("// Generated from the Rust operation registry by `hallpass --export-bindings`. Do not edit.\n// @ts-nocheck"),
            &path,
        )
        .map_err(|e| e.to_string())?;
    let mut ts = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&dir);
    ts.push_str(&hallpass_core::ops::typescript_operations());
    Ok(ts)
}

pub fn export_bindings(path: &Path) -> Result<(), String> {
    std::fs::write(path, bindings()?).map_err(|e| e.to_string())
}

fn database_path(app: &tauri::App) -> Result<PathBuf, Box<dyn std::error::Error>> {
    if let Ok(p) = std::env::var("HALLPASS_APP_DB") {
        return Ok(PathBuf::from(p));
    }
    Ok(app.path().app_data_dir()?.join("hallpass.db"))
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let started = std::time::Instant::now();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .try_init()
        .ok();
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--export-bindings") {
        let path = args
            .get(i + 1)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("ui/src/bindings.ts"));
        match export_bindings(&path) {
            Ok(()) => {
                println!("wrote {}", path.display());
                return;
            }
            Err(e) => {
                eprintln!("export failed: {e}");
                std::process::exit(1);
            }
        }
    }
    let smoke = smoke::Smoke::from_args(&args, started);
    // `--demo` seeds the demo centre into an empty database; otherwise a fresh install opens
    // on the first-start screen (create the centre and the owner, or explore the demo).
    let demo = args.iter().any(|a| a == "--demo");

    let builder = specta_builder();
    let app = tauri::Builder::default()
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            camera::allow(app);
            #[cfg(desktop)]
            app.handle()
                .plugin(tauri_plugin_updater::Builder::new().build())?;
            let path = database_path(app)?;
            let core = tauri::async_runtime::block_on(async {
                let core = Core::open(&DbUrl::Sqlite(path.to_string_lossy().into_owned()))
                    .await
                    .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
                if demo {
                    match hallpass_core::demo::seed(&core).await {
                        Ok(true) => tracing::info!("seeded the demo centre"),
                        Ok(false) => {}
                        Err(e) => tracing::error!("demo seed failed: {e}"),
                    }
                }
                // A backup a day into the app's data folder, kept for two weeks.
                hallpass_core::backup::schedule(
                    core.clone(),
                    std::time::Duration::from_secs(24 * 3600),
                );
                Ok::<_, String>(core)
            })?;
            tracing::info!("database {}", path.display());
            app.manage(core);
            app.manage(live::Listeners::default());
            smoke.arm(app.handle().clone());
            app.manage(smoke);
            Ok(())
        });
    if let Err(e) = app.run(tauri::generate_context!()) {
        eprintln!("Hallpass could not start: {e}");
        std::process::exit(1);
    }
}
