//! Backups: made while the centre works, checked, encrypted, kept to a number; restored by
//! the owner only, after a backup of the current state; a damaged file refused with the data
//! untouched. On PostgreSQL the operations point to pg_dump.

use hallpass_core::api::*;
use hallpass_core::backup::BackupConfig;

use crate::helpers::{adult, fields};
use crate::support::each_engine;

#[tokio::test]
async fn backups_are_made_checked_kept_and_restored() {
    each_engine(|t| async move {
        t.demo().await;
        let owner = t.login("owner").await;
        let own = Some(owner.as_str());
        if t.engine == "postgres" {
            let e = t
                .core
                .backup_now(own, BackupNowArgs::default())
                .await
                .unwrap_err();
            assert!(
                matches!(e, ApiError::BadRequest { ref message } if message.contains("pg_dump")),
                "{e:?}"
            );
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        t.core.backups.configure(BackupConfig {
            dir: dir.path().to_path_buf(),
            keep: 3,
            passphrase: None,
        });

        // A plain backup and an encrypted one; the listing shows both, newest first.
        let plain = t
            .core
            .backup_now(own, BackupNowArgs::default())
            .await
            .unwrap();
        assert!(plain.verified && !plain.backup.encrypted && plain.backup.size_bytes > 10_000);
        t.advance(chrono::Duration::seconds(1));
        let kept = t
            .core
            .client_create(own, adult("Kept Before Backup").into())
            .await
            .unwrap();
        let secret = t
            .core
            .backup_now(
                own,
                BackupNowArgs {
                    passphrase: Some("correct pony battery".into()),
                },
            )
            .await
            .unwrap();
        assert!(secret.backup.encrypted && secret.backup.file_name.ends_with(".db.age"));
        let raw = std::fs::read(dir.path().join(&secret.backup.file_name)).unwrap();
        assert!(raw.starts_with(b"age-encryption.org/v1"));
        assert!(!raw.windows(16).any(|w| w == b"SQLite format 3\0"));
        let list = t.core.backups_list(own, NoArgs {}).await.unwrap();
        assert_eq!(
            list.iter().map(|b| b.file_name.clone()).collect::<Vec<_>>(),
            [
                secret.backup.file_name.clone(),
                plain.backup.file_name.clone()
            ]
        );

        // Reception may not; a short passphrase is refused at its field.
        let rec = t.login("reception").await;
        assert!(matches!(
            t.core
                .backup_now(Some(&rec), BackupNowArgs::default())
                .await,
            Err(ApiError::Forbidden { .. })
        ));
        let e = t
            .core
            .backup_now(
                own,
                BackupNowArgs {
                    passphrase: Some("short".into()),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("passphrase".into(), "too_short".into())]);

        // A card made after the backup; then the backup is restored.
        let later = t
            .core
            .client_create(own, adult("Made After Backup").into())
            .await
            .unwrap();
        let restore = |file: &str, pass: Option<&str>, confirm: bool| BackupRestoreArgs {
            file_name: file.into(),
            passphrase: pass.map(str::to_string),
            confirm,
        };
        // An admin may back up but not restore; nothing happens without the confirmation.
        let adm = t.login("admin").await;
        let e = t
            .core
            .backup_restore(
                Some(&adm),
                restore(&secret.backup.file_name, Some("correct pony battery"), true),
            )
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
        let e = t
            .core
            .backup_restore(
                own,
                restore(
                    &secret.backup.file_name,
                    Some("correct pony battery"),
                    false,
                ),
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("confirm".into(), "required".into())]);
        let e = t
            .core
            .backup_restore(
                own,
                restore(&secret.backup.file_name, Some("not the passphrase"), true),
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("passphrase".into(), "wrong".into())]);
        let e = t
            .core
            .backup_restore(own, restore("../hallpass.db", None, true))
            .await
            .unwrap_err();
        assert_eq!(fields(e), [("file_name".into(), "not_found".into())]);

        // A damaged file and a cut-short one: refused, the data untouched.
        let state = t.state().await;
        let good = std::fs::read(dir.path().join(&plain.backup.file_name)).unwrap();
        let cut = "hallpass-20200101-000000000.db";
        std::fs::write(dir.path().join(cut), &good[..good.len() / 3]).unwrap();
        let junk = "hallpass-20200101-000001000.db";
        let mut garbled = good.clone();
        for b in garbled.iter_mut().skip(8192).step_by(7).take(20_000) {
            *b ^= 0x5a;
        }
        std::fs::write(dir.path().join(junk), &garbled).unwrap();
        for bad in [cut, junk] {
            let e = t
                .core
                .backup_restore(own, restore(bad, None, true))
                .await
                .unwrap_err();
            assert_eq!(fields(e)[0].0, "file_name", "{bad}");
        }
        assert_eq!(t.state().await, state, "a refused restore changed nothing");
        std::fs::remove_file(dir.path().join(cut)).unwrap();
        std::fs::remove_file(dir.path().join(junk)).unwrap();

        // The real thing: the card made after is gone, the one before is there, the current
        // state was backed up first, the owner stays signed in, the log is intact.
        let mut live = t.core.changes_subscribe(own, None).await.unwrap();
        let done = t
            .core
            .backup_restore(
                own,
                restore(&secret.backup.file_name, Some("correct pony battery"), true),
            )
            .await
            .unwrap();
        assert_ne!(done.safety_backup.file_name, secret.backup.file_name);
        t.core
            .client_get(own, ClientGetArgs { id: kept.id })
            .await
            .unwrap();
        assert!(matches!(
            t.core.client_get(own, ClientGetArgs { id: later.id }).await,
            Err(ApiError::NotFound { .. })
        ));
        assert!(t.core.audit_verify(own, NoArgs {}).await.unwrap().intact);
        // Open streams hear of the safety backup, then start over.
        loop {
            let item = tokio::time::timeout(std::time::Duration::from_secs(10), live.next())
                .await
                .unwrap();
            match item {
                hallpass_core::changes::StreamItem::Event(e) if e.operation == "backup_now" => {}
                hallpass_core::changes::StreamItem::Reset(_) => break,
                other => panic!("{other:?}"),
            }
        }
        // Kept to three: the oldest went when the safety backup was made.
        let names: Vec<String> = t
            .core
            .backups_list(own, NoArgs {})
            .await
            .unwrap()
            .into_iter()
            .map(|b| b.file_name)
            .collect();
        assert_eq!(names.len(), 3, "{names:?}");
        // The search index follows the restored cards.
        let found = t
            .core
            .clients_search(
                own,
                ClientsSearchArgs {
                    query: "Made After Backup".into(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(found.items.iter().all(|c| c.id != later.id));
    })
    .await;
}
