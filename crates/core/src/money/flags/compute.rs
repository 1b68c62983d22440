//! Working out the flags: one query gathers, for the clients asked about (or all), their
//! current passes with visits left, end, freeze and what their invoice still wants, the
//! card's own facts, and their debt; the rules below turn the rows into reasons.

use std::collections::HashMap;

use chrono::{Months, NaiveDate};
use uuid::Uuid;

use super::{load_settings, ClientFlags, Flag, FlagSettings, FlagsGetArgs, MAX_IDS};
use crate::auth::Session;
use crate::db::Tx;
use crate::error::ApiError;
use crate::money::invoices::PAID_SQL;
use crate::roles::Permission;
use crate::{on_tx, Core};

#[derive(sqlx::FromRow)]
struct Row {
    client_id: Uuid,
    /// `m` a membership, `c` the card, `d` the debt.
    src: String,
    membership_id: Option<Uuid>,
    name: Option<String>,
    /// Visits left (`m`); has a medical note, 1 or 0 (`c`).
    num: Option<i32>,
    /// The pass's end (`m`); the birth date (`c`).
    day: Option<NaiveDate>,
    /// The end of a freeze running today (`m`).
    until: Option<NaiveDate>,
    /// Still due on the pass's invoice (`m`); has a guardian, 1 or 0 (`c`); the debt (`d`).
    amount: Option<i64>,
}

fn sql(filter: &dyn Fn(&str) -> String) -> String {
    format!(
        "SELECT m.client_id AS client_id, 'm' AS src, m.id AS membership_id, m.name AS name, \
         m.visits_left AS num, m.ends_on AS day, \
         (SELECT MAX(f.until_on) FROM membership_freezes f WHERE f.membership_id = m.id \
          AND f.from_on <= $1 AND f.until_on >= $1) AS until, \
         CASE WHEN i.status = 'issued' THEN i.total - {PAID_SQL} ELSE 0 END AS amount \
         FROM memberships m LEFT JOIN invoices i ON i.id = m.invoice_id \
         WHERE m.cancelled_at IS NULL AND (m.ends_on IS NULL OR m.ends_on >= $2){m} \
         UNION ALL \
         SELECT c.id, 'c', NULL, NULL, \
         CASE WHEN c.medical_notes <> '' OR c.physical_condition <> '' THEN 1 ELSE 0 END, c.birth_date, NULL, \
         CASE WHEN EXISTS (SELECT 1 FROM client_guardians g WHERE g.child_id = c.id) THEN 1 ELSE 0 END \
         FROM clients c WHERE (c.medical_notes <> '' OR c.physical_condition <> '' OR \
         (c.kind = 'person' AND c.birth_date > $3 AND NOT EXISTS \
          (SELECT 1 FROM client_guardians g WHERE g.child_id = c.id))){c} \
         UNION ALL \
         SELECT d.payer_id, 'd', NULL, NULL, NULL, NULL, NULL, CAST(SUM(d.due) AS BIGINT) FROM \
         (SELECT i.payer_id, i.total - {PAID_SQL} AS due FROM invoices i WHERE i.status = 'issued'{d}) d \
         WHERE d.due > 0 GROUP BY d.payer_id",
        m = filter("m.client_id"),
        c = filter("c.id"),
        d = filter("i.payer_id"),
    )
}

/// The flags of `ids` (every client when None) on `today`, as `session` may read them.
pub async fn flags_for(
    tx: &mut Tx,
    ids: Option<&[Uuid]>,
    today: NaiveDate,
    session: &Session,
) -> Result<Vec<ClientFlags>, ApiError> {
    let s = load_settings(tx).await?;
    let oldest = today - chrono::Duration::days(i64::from(s.expired_within_days));
    let adult_born = today
        .checked_sub_months(Months::new(18 * 12))
        .unwrap_or(today);
    let list = ids.map(|ids| {
        (0..ids.len())
            .map(|i| format!("${}", i + 4))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let filter = |col: &str| match &list {
        Some(l) => format!(" AND {col} IN ({l})"),
        None => String::new(),
    };
    let sql = sql(&filter);
    let rows: Vec<Row> = on_tx!(tx, c => {
        let mut q = sqlx::query_as(&sql).bind(today).bind(oldest).bind(adult_born);
        for id in ids.unwrap_or(&[]) {
            q = q.bind(*id);
        }
        q.fetch_all(c).await
    })?;
    Ok(evaluate(rows, today, &s, session))
}

/// A pass's own rows, for the rules.
struct Pass<'a> {
    id: Uuid,
    name: &'a str,
    left: Option<u32>,
    ends: Option<NaiveDate>,
    frozen_until: Option<NaiveDate>,
    due: i64,
}

impl Pass<'_> {
    fn usable(&self, today: NaiveDate) -> bool {
        self.frozen_until.is_none() && self.left != Some(0) && self.ends.is_none_or(|e| e >= today)
    }
    /// Usable and not itself running out: another pass's low visits or end do not matter.
    fn healthy(&self, today: NaiveDate, s: &FlagSettings) -> bool {
        self.usable(today)
            && self.left.is_none_or(|l| l > s.visits_low)
            && self
                .ends
                .is_none_or(|e| (e - today).num_days() >= i64::from(s.ends_within_days))
    }
}

fn evaluate(rows: Vec<Row>, today: NaiveDate, s: &FlagSettings, who: &Session) -> Vec<ClientFlags> {
    let money = who.can(Permission::MoneyRead);
    let medical = who.can(Permission::ClientsMedical);
    let mut by_client: HashMap<Uuid, Vec<&Row>> = HashMap::new();
    for r in &rows {
        by_client.entry(r.client_id).or_default().push(r);
    }
    let mut out: Vec<ClientFlags> = by_client
        .into_iter()
        .filter_map(|(client_id, rows)| {
            let flags = client_flags(&rows, today, s, money, medical);
            (!flags.is_empty()).then_some(ClientFlags { client_id, flags })
        })
        .collect();
    out.sort_by_key(|f| f.client_id);
    out
}

fn client_flags(
    rows: &[&Row],
    today: NaiveDate,
    s: &FlagSettings,
    money: bool,
    medical: bool,
) -> Vec<Flag> {
    let passes: Vec<Pass> = rows
        .iter()
        .filter(|r| r.src == "m")
        .filter_map(|r| {
            Some(Pass {
                id: r.membership_id?,
                name: r.name.as_deref().unwrap_or(""),
                left: r.num.and_then(|n| u32::try_from(n).ok()),
                ends: r.day,
                frozen_until: r.until,
                due: r.amount.unwrap_or(0),
            })
        })
        .collect();
    let renewed = |me: Uuid| passes.iter().any(|p| p.id != me && p.healthy(today, s));
    let mut flags = Vec::new();
    for p in &passes {
        let (membership_id, membership) = (p.id, p.name.to_string());
        if let Some(until) = p.frozen_until {
            flags.push(Flag::Frozen {
                membership_id,
                membership: membership.clone(),
                until,
            });
        }
        if p.due > 0 {
            let due = money.then_some(p.due);
            flags.push(Flag::Unpaid {
                membership_id,
                membership: membership.clone(),
                due,
            });
        }
        if renewed(p.id) {
            continue;
        }
        match p.ends {
            Some(ended_on) if ended_on < today => {
                flags.push(Flag::Expired {
                    membership_id,
                    membership,
                    ended_on,
                });
                continue;
            }
            Some(ends_on) => {
                let days_left = (ends_on - today).num_days();
                if days_left < i64::from(s.ends_within_days) && p.frozen_until.is_none() {
                    let m = membership.clone();
                    flags.push(Flag::EndsSoon {
                        membership_id,
                        membership: m,
                        ends_on,
                        days_left,
                    });
                }
            }
            None => {}
        }
        if let Some(visits_left) = p.left.filter(|l| *l <= s.visits_low) {
            flags.push(Flag::VisitsLow {
                membership_id,
                membership,
                visits_left,
            });
        }
    }
    for r in rows {
        match r.src.as_str() {
            "c" => {
                if r.num == Some(1) && medical {
                    flags.push(Flag::MedicalNote);
                }
                let minor = r.day.is_some_and(|b| {
                    b > today
                        .checked_sub_months(Months::new(18 * 12))
                        .unwrap_or(today)
                });
                if minor && r.amount == Some(0) {
                    flags.push(Flag::NoGuardian);
                }
            }
            "d" => flags.push(Flag::Debt {
                amount: money.then_some(r.amount.unwrap_or(0)),
            }),
            _ => {}
        }
    }
    flags
}

pub(crate) async fn flags_get(
    core: &Core,
    session: &Session,
    args: FlagsGetArgs,
) -> Result<Vec<ClientFlags>, ApiError> {
    if args.client_ids.len() > MAX_IDS {
        return Err(ApiError::field(
            "client_ids",
            "too_many",
            format!("at most {MAX_IDS} cards at once"),
        ));
    }
    if args.client_ids.is_empty() {
        return Ok(Vec::new());
    }
    let today = core
        .now()
        .with_timezone(&session.local.time_zone)
        .date_naive();
    let mut tx = core.db.read().await?;
    let flags = flags_for(&mut tx, Some(&args.client_ids), today, session).await?;
    tx.commit().await?;
    Ok(flags)
}
