//! An online backup of a 100,000-client SQLite database while a receptionist keeps saving:
//! how long the backup takes, how large it is (plain and encrypted), and how the saves fared
//! meanwhile (how many, and the slowest). Run: `./dev bench` (or
//! `cargo bench -p hallpass-core --bench backup`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hallpass_core::api::*;
use hallpass_core::backup::{make_backup, BackupConfig};
use hallpass_core::{Core, DbUrl};

#[path = "common/seed.rs"]
mod seed;

async fn saving(core: Core, token: String, stop: Arc<AtomicBool>) -> (usize, Duration) {
    let tok = Some(token.as_str());
    let input = |n: usize| ClientInput {
        name: format!("Busy Desk {n}"),
        birth_date: Some("1990-01-01".into()),
        ..Default::default()
    };
    let mut card = core.client_create(tok, input(0).into()).await.unwrap();
    let (mut n, mut worst) = (0, Duration::ZERO);
    while !stop.load(Ordering::SeqCst) {
        n += 1;
        let t = Instant::now();
        card = core
            .client_update(
                tok,
                ClientUpdateArgs {
                    id: card.id,
                    version: card.version,
                    client: input(n),
                },
            )
            .await
            .unwrap();
        worst = worst.max(t.elapsed());
    }
    (n, worst)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let core = Core::open(&DbUrl::Sqlite(path.to_string_lossy().into_owned()))
        .await
        .unwrap();
    hallpass_core::demo::seed(&core).await.unwrap();
    seed::seed(&core.db).await;
    let db_size = std::fs::metadata(&path).unwrap().len();
    core.backups.configure(BackupConfig {
        dir: dir.path().join("backups"),
        keep: 10,
        passphrase: None,
    });
    let token = core
        .login(LoginArgs {
            login: "reception".into(),
            password: hallpass_core::demo::DEMO_PASSWORD.into(),
            device: None,
        })
        .await
        .unwrap()
        .token;
    for passphrase in [None, Some("a long enough passphrase".to_string())] {
        let stop = Arc::new(AtomicBool::new(false));
        let writer = tokio::spawn(saving(core.clone(), token.clone(), stop.clone()));
        tokio::time::sleep(Duration::from_millis(300)).await;
        let t = Instant::now();
        let r = make_backup(&core, None, passphrase.clone()).await.unwrap();
        let took = t.elapsed();
        stop.store(true, Ordering::SeqCst);
        let (saves, worst) = writer.await.unwrap();
        println!(
            "backup of {} clients ({:.1} MB file): {:.2} s, {:.1} MB{}, checked; {saves} saves went on meanwhile (slowest {:.0} ms)",
            seed::CLIENTS,
            db_size as f64 / 1e6,
            took.as_secs_f64(),
            r.backup.size_bytes as f64 / 1e6,
            if passphrase.is_some() { ", encrypted" } else { "" },
            worst.as_secs_f64() * 1000.0
        );
    }
}
