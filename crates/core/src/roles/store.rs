//! Roles as the centre keeps them: the built-in six (made once from the templates) and the
//! centre's own, each a name and a set of permissions.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use specta::Type;
use uuid::Uuid;

use super::{Permission, Permissions, Role};
use crate::audit::{self, Change};
use crate::auth::{NoArgs, Session};
use crate::db::{Db, Tx};
use crate::error::{ApiError, Problems};
use crate::{exec_tx, on_tx, Core};

pub const MAX_ROLE_NAME: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Type, JsonSchema)]
pub struct RoleInfo {
    pub id: Uuid,
    /// The built-in role's key (`owner`, `reception`…); none for the centre's own roles.
    pub key: Option<Role>,
    /// The built-in role this one was made from.
    pub base: Role,
    pub name: String,
    pub permissions: Vec<Permission>,
    pub version: i64,
    /// Active logins with this role.
    pub users: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleCreateArgs {
    pub name: String,
    pub permissions: Vec<Permission>,
    /// The built-in role it starts from (any but the owner); instructor when left out.
    #[serde(default)]
    pub template: Option<Role>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleUpdateArgs {
    pub id: Uuid,
    /// The version read; a stale one is a conflict.
    pub version: i64,
    pub name: String,
    pub permissions: Vec<Permission>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    key: Option<String>,
    base: String,
    name: String,
    permissions: String,
    version: i64,
    users: i64,
}

impl Row {
    fn info(self) -> RoleInfo {
        let key = self.key.as_deref().and_then(Role::parse);
        RoleInfo {
            id: self.id,
            key,
            base: Role::parse(&self.base).unwrap_or(Role::Instructor),
            name: self.name,
            permissions: effective(key, &self.permissions).list(),
            version: self.version,
            users: self.users,
        }
    }
}

/// What a role may do: its stored permissions, always with `signed_in`; everything for the
/// owner, whatever is stored.
pub fn effective(key: Option<Role>, stored: &str) -> Permissions {
    if key == Some(Role::Owner) {
        return Permissions::all();
    }
    let mut list = Permissions::from_stored(stored).list();
    list.push(Permission::SignedIn);
    Permissions::from_list(list)
}

const SELECT: &str = "SELECT r.id, r.key, r.base, r.name, r.permissions, r.version, \
     (SELECT COUNT(*) FROM users u WHERE u.role_id = r.id AND u.active) AS users FROM roles r";

/// Makes the built-in roles that are missing and gives every user without one the role their
/// template names. Runs after the migrations, so a database always has them.
pub async fn ensure_builtin(db: &Db) -> Result<(), ApiError> {
    let mut tx = db.write().await?;
    let now = Utc::now();
    for role in Role::ALL {
        exec_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO roles (id, key, base, name, permissions, version, created_at, updated_at) \
             VALUES ($1, $2, $2, $3, $4, 1, $5, $5) ON CONFLICT (key) DO NOTHING")
            .bind(crate::new_id())
            .bind(role.as_str())
            .bind(role.default_name())
            .bind(Permissions::from_list(role.permissions()).to_stored())
            .bind(now)
            .execute(c)
            .await)?;
    }
    exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE users SET role_id = (SELECT r.id FROM roles r WHERE r.key = users.role) WHERE role_id IS NULL")
        .execute(c)
        .await)?;
    tx.commit().await
}

/// The built-in role's id.
pub(crate) async fn builtin_id(tx: &mut Tx, role: Role) -> Result<Uuid, ApiError> {
    Ok(
        on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM roles WHERE key = $1")
        .bind(role.as_str())
        .fetch_one(c)
        .await)?,
    )
}

pub(crate) async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<RoleInfo>, ApiError> {
    let sql = format!("{SELECT} WHERE r.id = $1");
    let row: Option<Row> = on_tx!(tx, c => sqlx::query_as(&sql).bind(id).fetch_optional(c).await)?;
    Ok(row.map(Row::info))
}

pub(crate) async fn roles_list(
    core: &Core,
    _: &Session,
    _: NoArgs,
) -> Result<Vec<RoleInfo>, ApiError> {
    let mut tx = core.db.read().await?;
    let sql = format!("{SELECT} ORDER BY r.key IS NULL, r.created_at, r.name");
    let rows: Vec<Row> = on_tx!(&mut tx, c => sqlx::query_as(&sql).fetch_all(c).await)?;
    tx.commit().await?;
    Ok(rows.into_iter().map(Row::info).collect())
}

/// A valid name and a permission set with more than signing in.
fn check(name: &str, permissions: &[Permission], p: &mut Problems) -> (String, Permissions) {
    let name = p.take(crate::text::parse_name("name", name, MAX_ROLE_NAME));
    let set = Permissions::from_list(permissions.iter().copied().chain([Permission::SignedIn]));
    if set.list().len() < 2 {
        p.add(
            "permissions",
            "empty",
            "a role needs at least one permission besides signing in",
        );
    }
    (name.unwrap_or_default(), set)
}

/// Nobody hands out more than they have: a role is made or changed only within the editor's
/// own permissions.
pub(crate) fn within_own(session: &Session, granted: Permissions) -> Result<(), ApiError> {
    if session.permissions.covers(granted) {
        Ok(())
    } else {
        Err(ApiError::Forbidden {
            permission: "users_manage".into(),
            message: "you cannot give a role permissions you do not have yourself".into(),
        })
    }
}

fn name_taken(e: sqlx::Error) -> ApiError {
    crate::db::taken(e, "name", "another role has this name")
}

pub(crate) async fn role_create(
    core: &Core,
    session: &Session,
    args: RoleCreateArgs,
) -> Result<RoleInfo, ApiError> {
    let mut p = Problems::default();
    let (name, set) = check(&args.name, &args.permissions, &mut p);
    let base = args.template.unwrap_or(Role::Instructor);
    if base == Role::Owner {
        p.add(
            "template",
            "owner",
            "only the built-in owner role is the owner; start from another",
        );
    }
    p.finish()?;
    within_own(session, set)?;
    let now = core.now();
    let id = crate::new_id();
    let mut tx = core.db.write().await?;
    exec_tx!(&mut tx, c => sqlx::query(
        "INSERT INTO roles (id, key, base, name, permissions, version, created_at, updated_at) \
         VALUES ($1, NULL, $2, $3, $4, 1, $5, $5)")
        .bind(id)
        .bind(base.as_str())
        .bind(&name)
        .bind(set.to_stored())
        .bind(now)
        .execute(c)
        .await)
    .map_err(name_taken)?;
    let role = get(&mut tx, id)
        .await?
        .ok_or_else(|| ApiError::not_found("role"))?;
    audit::record(
        &mut tx,
        session,
        now,
        Change {
            operation: "role_create",
            entity: "role",
            entity_id: Some(id),
            before: None,
            after: Some(&role),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(role)
}

pub(crate) async fn role_update(
    core: &Core,
    session: &Session,
    args: RoleUpdateArgs,
) -> Result<RoleInfo, ApiError> {
    let mut p = Problems::default();
    let (name, set) = check(&args.name, &args.permissions, &mut p);
    p.finish()?;
    let now: DateTime<Utc> = core.now();
    let mut tx = core.db.write().await?;
    let before = get(&mut tx, args.id)
        .await?
        .ok_or_else(|| ApiError::not_found("role"))?;
    // Neither what it gives nor what it had may exceed the editor's own permissions.
    within_own(session, set)?;
    within_own(
        session,
        Permissions::from_list(before.permissions.iter().copied()),
    )?;
    if before.key == Some(Role::Owner) && set != Permissions::all() {
        return Err(ApiError::field(
            "permissions",
            "owner_fixed",
            "the owner may always do everything",
        ));
    }
    let n = exec_tx!(&mut tx, c => sqlx::query(
        "UPDATE roles SET name = $1, permissions = $2, version = version + 1, updated_at = $3 \
         WHERE id = $4 AND version = $5")
        .bind(&name)
        .bind(set.to_stored())
        .bind(now)
        .bind(args.id)
        .bind(args.version)
        .execute(c)
        .await)
    .map_err(name_taken)?;
    if n == 0 {
        return Err(ApiError::Conflict {
            message: "someone else changed this role meanwhile; reload it".into(),
        });
    }
    let after = get(&mut tx, args.id)
        .await?
        .ok_or_else(|| ApiError::not_found("role"))?;
    audit::record(
        &mut tx,
        session,
        now,
        Change {
            operation: "role_update",
            entity: "role",
            entity_id: Some(args.id),
            before: Some(&before),
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
