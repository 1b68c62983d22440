//! Changing one's own password: the old one, then a new one strong enough; one's other
//! sessions end (whoever knew the old password is signed out).

use super::login::end_sessions;
use super::secrets::{hash_off_thread, verify_off_thread};
use super::users::PasswordChangeArgs;
use super::{check_password_with, user_by_id, Session, UserInfo};
use crate::audit;
use crate::error::{ApiError, Problems};
use crate::{exec_tx, Core};

pub(crate) async fn password_change(
    core: &Core,
    session: &Session,
    args: PasswordChangeArgs,
) -> Result<UserInfo, ApiError> {
    let mut tx = core.db.read().await?;
    let user = user_by_id(&mut tx, session.user_id)
        .await?
        .ok_or_else(|| ApiError::unauthenticated("the user no longer exists"))?;
    tx.commit().await?;
    // Guessing the current password from a left-open session is paused like signing in.
    let now = core.now();
    if let Some(wait) = core.logins.wait(&user.login, now) {
        return Err(ApiError::RateLimited {
            retry_after_secs: u32::try_from(wait).unwrap_or(u32::MAX),
            message: format!("too many wrong passwords; try again in {wait} s"),
        });
    }
    let (old, hash) = (args.old_password.clone(), user.password_hash.clone());
    let verified = verify_off_thread(old, hash).await;
    let mut p = Problems::default();
    if !verified {
        core.logins.failed(&user.login, now);
        p.add("old_password", "wrong", "this is not your current password");
    }
    let words: Vec<&str> = user
        .display_name
        .split_whitespace()
        .chain([user.login.as_str()])
        .collect();
    check_password_with("new_password", &args.new_password, &words, &mut p);
    if verified && args.new_password == args.old_password {
        p.add(
            "new_password",
            "unchanged",
            "choose a password other than the current one",
        );
    }
    p.finish()?;
    let new = args.new_password;
    let hash = hash_off_thread(new).await?;
    core.logins.succeeded(&user.login);
    let mut tx = core.db.write().await?;
    exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = FALSE, updated_at = $2, version = version + 1 WHERE id = $3")
        .bind(&hash).bind(now).bind(session.user_id).execute(c).await)?;
    // Whoever knew the old password is signed out everywhere else.
    let ended = end_sessions(&mut tx, session.user_id, Some(session.session_id)).await?;
    let note = serde_json::json!({ "other_sessions_ended": ended });
    audit::append(
        &mut tx,
        Some(session),
        now,
        audit::Entry {
            operation: "password_change",
            entity: "user",
            entity_id: Some(session.user_id),
            before: None,
            after: Some(note.to_string()),
        },
    )
    .await?;
    let user = user_by_id(&mut tx, session.user_id)
        .await?
        .ok_or_else(|| ApiError::not_found("user"))?;
    tx.commit().await?;
    Ok(user.info())
}
