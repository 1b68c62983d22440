//! Who is in a group. Members join and leave on a day, so past classes keep their lists;
//! newcomers past the group's capacity go on its waitlist, and a place freed is offered to
//! the first waiting.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{group_in, GroupMember, GroupMembersListArgs, GroupMembersResult, GroupMembersSetArgs};
use crate::audit::{self, Change};
use crate::auth::Session;
use crate::db::Tx;
use crate::error::{ApiError, Problems};
use crate::schedule::{waitlist, Named};
use crate::text::optional_date_field;
use crate::{exec_tx, on_tx, Core};

/// Members on `on` (and, with `former`, those who left), by name.
pub(crate) async fn members_on(
    tx: &mut Tx,
    group: Uuid,
    on: NaiveDate,
    former: bool,
) -> Result<Vec<GroupMember>, ApiError> {
    let rows: Vec<(Uuid, String, NaiveDate, Option<NaiveDate>)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT c.id, c.name, m.joined_on, m.left_on FROM group_members m JOIN clients c ON c.id = m.client_id \
         WHERE m.group_id = $1 AND ($3 OR (m.joined_on <= $2 AND (m.left_on IS NULL OR m.left_on > $2))) \
         ORDER BY c.name, c.id")
        .bind(group).bind(on).bind(former).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, joined_on, left_on)| GroupMember {
            client: Named { id, name },
            joined_on,
            left_on,
        })
        .collect())
}

pub(crate) async fn group_members_list(
    core: &Core,
    session: &Session,
    args: GroupMembersListArgs,
) -> Result<Vec<GroupMember>, ApiError> {
    let today = session.local_date(core.now());
    let mut tx = core.db.read().await?;
    group_in(&mut tx, today, args.group_id).await?;
    let list = members_on(&mut tx, args.group_id, today, args.include_former).await?;
    tx.commit().await?;
    Ok(list)
}

#[derive(serde::Serialize)]
struct MembersChange<'a> {
    joined: &'a [Uuid],
    left: &'a [Uuid],
    waitlisted: &'a [Uuid],
    on: NaiveDate,
}

pub(crate) async fn group_members_set(
    core: &Core,
    session: &Session,
    args: GroupMembersSetArgs,
) -> Result<GroupMembersResult, ApiError> {
    let now = core.now();
    let today = session.local_date(now);
    let mut p = Problems::default();
    let on = optional_date_field(&mut p, "on", &args.on).unwrap_or(today);
    p.finish()?;
    let mut p = Problems::default();
    let mut tx = core.db.write().await?;
    let group = group_in(&mut tx, today, args.group_id).await?;
    if group.version != args.version {
        return Err(ApiError::conflict(
            "this group was changed by someone else; reload it and try again",
        ));
    }
    let mut wanted: Vec<Uuid> = Vec::new();
    for (i, id) in args.client_ids.iter().enumerate() {
        let exists: Option<Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT id FROM clients WHERE id = $1").bind(id).fetch_optional(c).await)?;
        if exists.is_none() {
            p.add(format!("client_ids.{i}"), "not_found", "no such client");
        } else if !wanted.contains(id) {
            wanted.push(*id);
        }
    }
    p.finish()?;
    let now_members: Vec<Uuid> = members_on(&mut tx, group.id, on, false)
        .await?
        .into_iter()
        .map(|m| m.client.id)
        .collect();
    let left: Vec<Uuid> = now_members
        .iter()
        .filter(|m| !wanted.contains(m))
        .copied()
        .collect();
    let staying = now_members.len() - left.len();
    let room = (group.capacity as usize).saturating_sub(staying);
    let newcomers: Vec<Uuid> = wanted
        .iter()
        .filter(|m| !now_members.contains(m))
        .copied()
        .collect();
    let (joined, waitlisted) = newcomers.split_at(newcomers.len().min(room));
    for id in &left {
        exec_tx!(&mut tx, c => sqlx::query(
            "UPDATE group_members SET left_on = $1 WHERE group_id = $2 AND client_id = $3")
            .bind(on).bind(group.id).bind(id).execute(c).await)?;
    }
    for id in joined {
        join(&mut tx, group.id, *id, on, session, now).await?;
        waitlist::close_for(&mut tx, group.id, *id, "accepted", now).await?;
    }
    let mut waitlisted_named = Vec::new();
    for id in waitlisted {
        waitlist::put(&mut tx, group.id, *id, "", session, now).await?;
        let name: String = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT name FROM clients WHERE id = $1").bind(id).fetch_one(c).await)?;
        waitlisted_named.push(Named { id: *id, name });
    }
    if !left.is_empty() {
        waitlist::offer_free_places(&mut tx, group.id, on, now).await?;
    }
    exec_tx!(&mut tx, c => sqlx::query("UPDATE class_groups SET version = version + 1, updated_at = $1, updated_by = $2 WHERE id = $3")
        .bind(now).bind(session.user_id).bind(group.id).execute(c).await)?;
    let c = Change {
        operation: "group_members_set",
        entity: "group",
        entity_id: Some(group.id),
        before: None,
        after: Some(&MembersChange {
            joined,
            left: &left,
            waitlisted,
            on,
        }),
    };
    audit::record(&mut tx, session, now, c).await?;
    let group = group_in(&mut tx, today, args.group_id).await?;
    let members = members_on(&mut tx, group.id, on, false).await?;
    tx.commit().await?;
    Ok(GroupMembersResult {
        group,
        members,
        waitlisted: waitlisted_named,
    })
}

/// Adds a member from `on` (again, if they had left).
pub(crate) async fn join(
    tx: &mut Tx,
    group: Uuid,
    client: Uuid,
    on: NaiveDate,
    session: &Session,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    let n = exec_tx!(tx, c => sqlx::query(
        "UPDATE group_members SET joined_on = $1, left_on = NULL WHERE group_id = $2 AND client_id = $3")
        .bind(on).bind(group).bind(client).execute(c).await)?;
    if n == 0 {
        exec_tx!(tx, c => sqlx::query(
            "INSERT INTO group_members (group_id, client_id, joined_on, left_on, created_at, created_by) \
             VALUES ($1, $2, $3, NULL, $4, $5)")
            .bind(group).bind(client).bind(on).bind(now).bind(session.user_id).execute(c).await)?;
    }
    Ok(())
}
