//! The Hallpass desktop and tablet app: a thin shell around hallpass-core. Its commands are
//! generated from the core's operation registry, so the app and the hub speak the same API.

mod camera;
mod commands;
mod files;
pub mod host;
mod live;
pub mod mode;
pub mod outbox;
pub mod remote;
mod smoke;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tauri::Manager;

use mode::{Backend, SettingsFile, Shell};

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

/// The device's mode settings (`HALLPASS_APP_SETTINGS` in tests).
fn settings_path(app: &tauri::App) -> Result<PathBuf, Box<dyn std::error::Error>> {
    if let Ok(p) = std::env::var("HALLPASS_APP_SETTINGS") {
        return Ok(PathBuf::from(p));
    }
    Ok(app.path().app_config_dir()?.join("device.json"))
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
        .plugin(tauri_plugin_opener::init())
        .setup(move |app| {
            builder.mount_events(app);
            camera::allow(app);
            #[cfg(desktop)]
            app.handle()
                .plugin(tauri_plugin_updater::Builder::new().build())?;
            let path = database_path(app)?;
            let handle = app.handle().clone();
            // A hosted hub serves browsers the same UI the window shows.
            let assets: host::Assets = Arc::new(move |file: &str| {
                handle
                    .asset_resolver()
                    .get(file.to_string())
                    .map(|a| (a.bytes, a.mime_type))
            });
            let shell = Shell::new(SettingsFile::new(settings_path(app)?), path.clone(), assets);
            let (mode, problem) = shell.saved_mode(demo);
            tauri::async_runtime::block_on(async {
                shell.start(mode, problem).await?;
                if let (true, Ok(Backend::Core(core))) = (demo, shell.backend()) {
                    match hallpass_core::demo::seed(&core).await {
                        Ok(true) => tracing::info!("seeded the demo centre"),
                        Ok(false) => {}
                        Err(e) => tracing::error!("demo seed failed: {e}"),
                    }
                }
                smoke.sign_in(&shell).await
            })?;
            tracing::info!("database {}", path.display());
            app.manage(shell);
            app.manage(live::Listeners::default());
            // Marks waiting for the hub, beside the device's database.
            app.manage(outbox::Outbox::new(path.with_file_name("outbox.db")));
            smoke.arm(app.handle().clone());
            app.manage(smoke);
            Ok(())
        });
    let app = match app.build(tauri::generate_context!()) {
        Ok(app) => app,
        Err(e) => {
            eprintln!("Hallpass could not start: {e}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        // Quitting: the hosted hub lets requests in flight finish, the database closes.
        if let tauri::RunEvent::Exit = event {
            if let Some(shell) = handle.try_state::<Shell>() {
                tauri::async_runtime::block_on(shell.shutdown());
            }
        }
    });
}
