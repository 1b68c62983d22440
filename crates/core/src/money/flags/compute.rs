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
    /// `m` a membership, `c` the card, `d` the debt, `v` visits to settle.
    src: String,
    membership_id: Option<Uuid>,
    name: Option<String>,
    /// Visits left (`m`); has a medical note, 1 or 0 (`c`); classes to settle (`v`).
    num: Option<i32>,
    /// The pass's end (`m`); the birth date (`c`).
    day: Option<NaiveDate>,
    /// The end of a freeze running today (`m`).
    until: Option<NaiveDate>,
    /// Still due on the pass's invoice (`m`); has a guardian, 1 or 0 (`c`); the debt (`d`).
    amount: Option<i64>,
    /// Another usable pass not running out took over (`m`), 1 or 0.
    renewed: Option<i32>,
}

/// The query for the cards `filter` keeps (`None`: all of them). A few cards look up each
/// pass's freeze and paid sum by index; all of them sum the payments and freezes once and
/// join them (one pass over each table instead of one lookup per pass).
fn sql(filter: Option<&dyn Fn(&str) -> String>) -> String {
    let f = |col: &str| filter.map(|f| f(col)).unwrap_or_default();
    // A healthy pass: usable (not cancelled, not frozen today), not running low, not ending
    // soon. A pass that is not healthy itself is renewed when its client has a healthy one.
    let healthy = |h: &str| {
        format!(
            "{h}.cancelled_at IS NULL AND ({h}.visits_left IS NULL OR {h}.visits_left > $4) \
             AND ({h}.ends_on IS NULL OR {h}.ends_on >= $5)"
        )
    };
    let renewed = match filter {
        Some(_) => format!(
            "CASE WHEN (m.ends_on < $5 OR m.visits_left <= $4) AND EXISTS (SELECT 1 FROM memberships h \
             WHERE h.client_id = m.client_id AND h.id <> m.id AND {} \
             AND NOT EXISTS (SELECT 1 FROM membership_freezes hf WHERE hf.membership_id = h.id \
             AND hf.from_on <= $1 AND hf.until_on >= $1)) THEN 1 ELSE 0 END",
            healthy("h")
        ),
        None => "CASE WHEN (m.ends_on < $5 OR m.visits_left <= $4) AND hc.client_id IS NOT NULL \
                 THEN 1 ELSE 0 END"
            .to_string(),
    };
    // Passes not ended before the "expired" window, written so that no end-date index is
    // used: for all cards that is most passes, better read by a scan (SQLite would fetch nearly
    // every row through the index, one lookup each); for a few cards the client index is the
    // way in (SQLite preferred the end-date index there too, ten times slower).
    let recent = "COALESCE(m.ends_on, $2) >= $2";
    let (with, joins_m, until, paid_m, joins_d, paid_d) = match filter {
        Some(_) => (
            String::new(),
            "",
            "(SELECT MAX(f.until_on) FROM membership_freezes f WHERE f.membership_id = m.id \
             AND f.from_on <= $1 AND f.until_on >= $1)"
                .to_string(),
            PAID_SQL.to_string(),
            "",
            PAID_SQL.to_string(),
        ),
        None => (
            format!("WITH paid_by AS MATERIALIZED (SELECT invoice_id, CAST(SUM(amount) AS BIGINT) AS paid \
             FROM payments WHERE invoice_id IS NOT NULL GROUP BY invoice_id), \
             frozen AS MATERIALIZED (SELECT membership_id, MAX(until_on) AS until FROM membership_freezes \
             WHERE from_on <= $1 AND until_on >= $1 GROUP BY membership_id), \
             healthy AS MATERIALIZED (SELECT h.client_id FROM memberships h LEFT JOIN frozen hz \
             ON hz.membership_id = h.id WHERE hz.until IS NULL AND {} GROUP BY h.client_id) ",
                healthy("h")
            ),
            " LEFT JOIN paid_by p ON p.invoice_id = i.id LEFT JOIN frozen fz ON fz.membership_id = m.id \
             LEFT JOIN healthy hc ON hc.client_id = m.client_id",
            "fz.until".to_string(),
            "COALESCE(p.paid, 0)".to_string(),
            " LEFT JOIN paid_by p ON p.invoice_id = i.id",
            "COALESCE(p.paid, 0)".to_string(),
        ),
    };
    // A pass that runs low or ends soon is quiet when another of the client's passes is usable
    // and not itself running out ($4 visits, $5 the day the "ends soon" window ends); only
    // passes with something to say come back.
    format!(
        "{with}SELECT * FROM (SELECT m.client_id AS client_id, 'm' AS src, m.id AS membership_id, \
         m.name AS name, m.visits_left AS num, m.ends_on AS day, {until} AS until, \
         CASE WHEN i.status = 'issued' THEN i.total - {paid_m} ELSE 0 END AS amount, \
         {renewed} AS renewed \
         FROM memberships m LEFT JOIN invoices i ON i.id = m.invoice_id{joins_m} \
         WHERE m.cancelled_at IS NULL AND {recent}{m}) x \
         WHERE x.until IS NOT NULL OR x.amount > 0 OR (x.renewed = 0 AND (x.day < $5 OR x.num <= $4)) \
         UNION ALL \
         SELECT c.id, 'c', NULL, NULL, \
         CASE WHEN c.medical_notes <> '' OR c.physical_condition <> '' THEN 1 ELSE 0 END, c.birth_date, NULL, \
         CASE WHEN EXISTS (SELECT 1 FROM client_guardians g WHERE g.child_id = c.id) THEN 1 ELSE 0 END, 0 \
         FROM clients c WHERE (c.medical_notes <> '' OR c.physical_condition <> '' OR \
         (c.kind = 'person' AND c.birth_date > $3 AND NOT EXISTS \
          (SELECT 1 FROM client_guardians g WHERE g.child_id = c.id))){c} \
         UNION ALL \
         SELECT d.payer_id, 'd', NULL, NULL, NULL, NULL, NULL, CAST(SUM(d.due) AS BIGINT), 0 FROM \
         (SELECT i.payer_id, i.total - {paid_d} AS due FROM invoices i{joins_d} WHERE i.status = 'issued'{d}) d \
         WHERE d.due > 0 GROUP BY d.payer_id \
         UNION ALL \
         SELECT a.client_id, 'v', NULL, NULL, CAST(COUNT(*) AS INTEGER), NULL, NULL, NULL, 0 FROM attendance a \
         WHERE a.to_settle{v} GROUP BY a.client_id",
        m = f("m.client_id"),
        c = f("c.id"),
        d = f("i.payer_id"),
        v = f("a.client_id"),
    )
}

/// What a reader may be told: amounts of money, medical notes.
#[derive(Debug, Clone, Copy)]
pub struct Reader {
    pub money: bool,
    pub medical: bool,
}

impl Reader {
    pub fn of(session: &Session) -> Reader {
        Reader {
            money: session.can(Permission::MoneyRead),
            medical: session.can(Permission::ClientsMedical),
        }
    }
}

/// The flags of `ids` (every client when None) on `today`, as `reader` may read them.
pub async fn flags_for(
    tx: &mut Tx,
    ids: Option<&[Uuid]>,
    today: NaiveDate,
    reader: Reader,
) -> Result<Vec<ClientFlags>, ApiError> {
    let s = load_settings(tx).await?;
    let oldest = today - chrono::Duration::days(i64::from(s.expired_within_days));
    let soon = today + chrono::Duration::days(i64::from(s.ends_within_days));
    let adult_born = today
        .checked_sub_months(Months::new(18 * 12))
        .unwrap_or(today);
    let list = ids.map(|ids| {
        (0..ids.len())
            .map(|i| format!("${}", i + 6))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let filter = |col: &str| format!(" AND {col} IN ({})", list.as_deref().unwrap_or(""));
    if ids.is_none() {
        // PostgreSQL would compile this big query to machine code first (its estimate crosses
        // the JIT threshold), which costs more than it saves: 0.9 s against 0.4 s.
        if let crate::db::Conn::Postgres(t) = &mut tx.conn {
            sqlx::query("SET LOCAL jit = off").execute(&mut **t).await?;
        }
    }
    let sql = sql(ids.is_some().then_some(&filter as &dyn Fn(&str) -> String));
    let rows: Vec<Row> = on_tx!(tx, c => {
        let mut q = sqlx::query_as(&sql).bind(today).bind(oldest).bind(adult_born)
            .bind(s.visits_low as i32).bind(soon);
        for id in ids.unwrap_or(&[]) {
            q = q.bind(*id);
        }
        q.fetch_all(c).await
    })?;
    Ok(evaluate(rows, today, &s, reader))
}

/// A pass's own rows, for the rules.
struct Pass<'a> {
    id: Uuid,
    name: &'a str,
    left: Option<u32>,
    ends: Option<NaiveDate>,
    frozen_until: Option<NaiveDate>,
    due: i64,
    /// Another usable pass, not itself running out, took over (worked out by the query).
    renewed: bool,
}

fn evaluate(rows: Vec<Row>, today: NaiveDate, s: &FlagSettings, who: Reader) -> Vec<ClientFlags> {
    let (money, medical) = (who.money, who.medical);
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
                renewed: r.renewed == Some(1),
            })
        })
        .collect();
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
        if p.renewed {
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
            "v" => flags.push(Flag::ToSettle {
                classes: r.num.and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
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
    let today = session.local_date(core.now());
    let mut tx = core.db.read().await?;
    let flags = flags_for(&mut tx, Some(&args.client_ids), today, Reader::of(session)).await?;
    tx.commit().await?;
    Ok(flags)
}
