use hallpass_core::Db;

use crate::support::sqlite;

#[tokio::test]
async fn sqlite_is_durable_and_strict() {
    let t = sqlite().await;
    let Db::Sqlite(pool) = &t.core.db else {
        unreachable!()
    };
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(sync, 2, "synchronous=FULL");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(fk, 1);
    let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(pool)
        .await
        .unwrap();
    assert!(busy >= 5000);
    // Foreign keys are enforced.
    let orphan = sqlx::query("INSERT INTO client_phones (id, client_id, position, kind, number, digits) VALUES ($1, $2, 0, 'mobile', '+1', '1')")
        .bind(uuid::Uuid::now_v7())
        .bind(uuid::Uuid::now_v7())
        .execute(pool)
        .await;
    assert!(orphan.is_err());
}

#[tokio::test]
async fn write_transactions_take_the_lock_at_begin() {
    let t = sqlite().await;
    let mut first = t.core.db.write().await.unwrap();
    let db = t.core.db.clone();
    // A second writer waits for the first instead of failing half-way.
    let second = tokio::spawn(async move {
        let tx = db.write().await.unwrap();
        tx.commit().await.unwrap();
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(
        !second.is_finished(),
        "the second BEGIN IMMEDIATE must wait for the lock"
    );
    hallpass_core::exec_tx!(&mut first, c => sqlx::query("INSERT INTO rooms (id, name, capacity) VALUES ($1, 'R', 1)").bind(uuid::Uuid::now_v7()).execute(c).await).unwrap();
    first.commit().await.unwrap();
    second.await.unwrap();
}
