//! The audit view and its hash chain: filters, readable diffs, reviews, field permissions,
//! and tampering found.

use hallpass_core::api::*;

use crate::helpers::{adult, fields};
use crate::support::{each_engine, TestCore};

/// A few cards, so the log has rows to tamper with.
async fn write_some(t: &TestCore, token: Option<&str>) {
    for n in 0..25 {
        t.core
            .client_create(token, adult(&format!("Chain Person {n}")).into())
            .await
            .unwrap();
    }
}

async fn verify(t: &TestCore, token: Option<&str>) -> AuditVerifyResult {
    t.core.audit_verify(token, NoArgs {}).await.unwrap()
}

#[tokio::test]
async fn the_chain_finds_a_row_edited_or_removed_behind_the_apps_back() {
    each_engine(|t| async move {
        t.demo().await;
        let owner = t.login("owner").await;
        let owner = Some(owner.as_str());
        write_some(&t, owner).await;
        let ok = verify(&t, owner).await;
        assert!(ok.intact, "{:?}", ok.first_broken);
        assert!(ok.rows_checked > 20, "{}", ok.rows_checked);
        assert_eq!(ok.rows_checked, ok.head_seq);
        assert_eq!(ok.head_hash.len(), 64);

        // Someone with the database file changes what a row says.
        let target = ok.head_seq / 2;
        let n = t
            .exec(&format!(
                "UPDATE audit_log SET after = '{{\"name\":\"forged\"}}' WHERE seq = {target}"
            ))
            .await;
        assert_eq!(n, 1);
        let bad = verify(&t, owner).await;
        assert!(!bad.intact);
        let broken = bad.first_broken.unwrap();
        assert_eq!((broken.seq, broken.problem.as_str()), (target, "changed"));
        assert_eq!(bad.rows_checked, target - 1);

        // Rewriting that row's hash too moves the break to the next row.
        let t2 = sqlite_or_pg_hash_rewrite(&t, target).await;
        let bad = verify(&t, owner).await;
        assert_eq!(bad.first_broken.unwrap().seq, t2);

        // A removed row is a gap.
        t.exec(&format!("DELETE FROM audit_log WHERE seq = {}", target - 3))
            .await;
        let bad = verify(&t, owner).await;
        let broken = bad.first_broken.unwrap();
        assert_eq!(
            (broken.seq, broken.problem.as_str()),
            (target - 3, "missing")
        );

        // Reading the log needs the permission.
        let rec = t.login("reception").await;
        let e = t
            .core
            .audit_verify(Some(&rec), NoArgs {})
            .await
            .unwrap_err();
        assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
    })
    .await;
}

/// Rewrites row `seq`'s hash to match its forged content, as a careful forger would: the row
/// then checks out and the next one breaks. Returns the row that now breaks.
async fn sqlite_or_pg_hash_rewrite(t: &TestCore, seq: i64) -> i64 {
    use hallpass_core::audit::chain::Link;
    const SQL: &str =
        "SELECT seq, id, at, user_id, operation, entity, entity_id, source, before, after \
                       FROM audit_log WHERE seq = $1";
    let (link, prev): (Link, String) = match &t.core.db {
        hallpass_core::Db::Sqlite(p) => (
            sqlx::query_as(SQL).bind(seq).fetch_one(p).await.unwrap(),
            sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
                .bind(seq - 1)
                .fetch_one(p)
                .await
                .unwrap(),
        ),
        hallpass_core::Db::Postgres(p) => (
            sqlx::query_as(SQL).bind(seq).fetch_one(p).await.unwrap(),
            sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1")
                .bind(seq - 1)
                .fetch_one(p)
                .await
                .unwrap(),
        ),
    };
    let hash = link.hash(&prev);
    t.exec(&format!(
        "UPDATE audit_log SET hash = '{hash}' WHERE seq = {seq}"
    ))
    .await;
    seq + 1
}

#[tokio::test]
async fn rows_written_before_the_chain_are_sealed_at_open() {
    each_engine(|t| async move {
        t.demo().await;
        let owner = t.login("owner").await;
        write_some(&t, Some(&owner)).await;
        let n = t
            .exec("UPDATE audit_log SET hash = NULL WHERE seq > 5")
            .await;
        assert!(n > 0);
        let bad = verify(&t, Some(&owner)).await;
        assert_eq!(bad.first_broken.unwrap().problem, "unsealed");
        let sealed = hallpass_core::audit::chain::seal(&t.core.db).await.unwrap();
        assert!(sealed >= n, "{sealed} < {n}");
        assert!(verify(&t, Some(&owner)).await.intact);
        // Left unsealed (a failed start), the next write seals them first in its own
        // transaction rather than chain to nothing.
        t.exec("UPDATE audit_log SET hash = NULL WHERE seq > 5")
            .await;
        t.core
            .client_create(Some(&owner), adult("After Unsealed").into())
            .await
            .unwrap();
        assert!(verify(&t, Some(&owner)).await.intact);
    })
    .await;
}

#[tokio::test]
async fn the_audit_view_filters_shows_diffs_and_starts_after_a_review() {
    each_engine(|t| async move {
        t.demo().await;
        let mgr = t.login("manager").await;
        let mgr = Some(mgr.as_str());
        let mut input = adult("Audit Person");
        input.medical_notes = Some("asthma".into());
        let c = t
            .core
            .client_create(mgr, input.clone().into())
            .await
            .unwrap();
        input.name = "Audit Person-Renamed".into();
        input.medical_notes = Some("asthma, inhaler".into());
        t.core
            .client_update(
                mgr,
                ClientUpdateArgs {
                    id: c.id,
                    version: c.version,
                    client: input,
                },
            )
            .await
            .unwrap();

        let search = |args: AuditSearchArgs, token: Option<&str>| {
            let core = t.core.clone();
            let token = token.map(str::to_string);
            async move { core.audit_search(token.as_deref(), args).await }
        };
        let page = search(
            AuditSearchArgs {
                entity_id: Some(c.id),
                ..Default::default()
            },
            mgr,
        )
        .await
        .unwrap();
        let ops: Vec<&str> = page.rows.iter().map(|r| r.operation.as_str()).collect();
        assert_eq!(ops, ["client_update", "client_create"]);
        let update = &page.rows[0];
        assert_eq!(update.kind, "changed");
        assert_eq!(update.user.as_ref().unwrap().name, "Anna Volkova");
        let name = update.changes.iter().find(|f| f.field == "name").unwrap();
        assert_eq!(name.before.as_deref(), Some("Audit Person"));
        assert_eq!(name.after.as_deref(), Some("Audit Person-Renamed"));
        assert!(update.changes.iter().any(|f| f.field == "medical_notes"));
        assert!(update.changes.iter().all(|f| f.field != "version"));
        assert_eq!(page.rows[1].kind, "created");

        // The accountant audits too, but never reads medical notes, not even in a diff.
        let acc = t.login("accountant").await;
        let page = search(
            AuditSearchArgs {
                entity_id: Some(c.id),
                ..Default::default()
            },
            Some(&acc),
        )
        .await
        .unwrap();
        for row in &page.rows {
            assert!(
                row.changes.iter().all(|f| f.field != "medical_notes"),
                "{row:?}"
            );
        }

        // By operation and user, and paging newest first.
        let page = search(
            AuditSearchArgs {
                operation: Some("login".into()),
                limit: Some(1),
                ..Default::default()
            },
            mgr,
        )
        .await
        .unwrap();
        assert_eq!(page.rows.len(), 1);
        let next = page.next_before_seq.unwrap();
        let older = search(
            AuditSearchArgs {
                operation: Some("login".into()),
                before_seq: Some(next),
                limit: Some(50),
                ..Default::default()
            },
            mgr,
        )
        .await
        .unwrap();
        assert!(older
            .rows
            .iter()
            .all(|r| r.seq < next && r.operation == "login"));
        let manager_id = page.rows[0].user.as_ref().unwrap().id;
        let mine = search(
            AuditSearchArgs {
                user_id: Some(manager_id),
                ..Default::default()
            },
            mgr,
        )
        .await
        .unwrap();
        assert!(mine
            .rows
            .iter()
            .all(|r| r.user.as_ref().unwrap().id == manager_id));

        // Dates are the centre's days; a range the wrong way round is refused at `to`.
        let today = hallpass_core::centre::start_of_day(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            chrono_tz::Asia::Vientiane,
        );
        assert!(today < crate::support::start_time());
        let e = search(
            AuditSearchArgs {
                from: chrono::NaiveDate::from_ymd_opt(2026, 11, 24),
                to: chrono::NaiveDate::from_ymd_opt(2026, 11, 23),
                ..Default::default()
            },
            mgr,
        )
        .await
        .unwrap_err();
        assert_eq!(fields(e), [("to".to_string(), "before_from".to_string())]);
        let day = search(
            AuditSearchArgs {
                from: chrono::NaiveDate::from_ymd_opt(2026, 11, 23),
                to: chrono::NaiveDate::from_ymd_opt(2026, 11, 23),
                entity_id: Some(c.id),
                ..Default::default()
            },
            mgr,
        )
        .await
        .unwrap();
        assert_eq!(day.rows.len(), 2);

        // A review, then only what came after it.
        let review = t
            .core
            .audit_mark_reviewed(
                mgr,
                AuditMarkReviewedArgs {
                    up_to_seq: None,
                    note: "November checked".into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(review.user.name, "Anna Volkova");
        let e = t
            .core
            .audit_mark_reviewed(
                mgr,
                AuditMarkReviewedArgs {
                    up_to_seq: Some(review.up_to_seq + 100),
                    note: String::new(),
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(e)[0].0, "up_to_seq");
        t.core
            .client_create(mgr, adult("After Review").into())
            .await
            .unwrap();
        let since = search(
            AuditSearchArgs {
                since_last_review: true,
                ..Default::default()
            },
            mgr,
        )
        .await
        .unwrap();
        assert_eq!(since.last_review.as_ref().unwrap().note, "November checked");
        let ops: Vec<&str> = since.rows.iter().map(|r| r.operation.as_str()).collect();
        // The review itself, then the new card.
        assert_eq!(ops, ["client_create", "audit_mark_reviewed"], "{ops:?}");
        assert!(since.rows.iter().all(|r| r.seq > review.up_to_seq));
    })
    .await;
}
