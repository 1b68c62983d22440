//! The demo centre's tasks: the visiting parent (the number the recorded calls come from) is
//! to be called back this afternoon and had an invoice sent last week; an overdue follow-up and
//! a certificate to prepare on other cards; a task of the centre's own for the manager.

use chrono::Duration;
use uuid::Uuid;

use crate::auth::Session;
use crate::error::ApiError;
use crate::tasks::write::{TaskDoneArgs, TaskSaveArgs};
use crate::tasks::{task_done, task_save};
use crate::{on_tx, Core};

pub(crate) async fn seed(core: &Core, desk: &Session, manager: &Session) -> Result<(), ApiError> {
    let mut tx = core.db.read().await?;
    let local = crate::centre::local(&mut tx).await?;
    let parent: Option<Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT client_id FROM client_phones WHERE digits LIKE '%7011234567' ORDER BY position LIMIT 1")
        .fetch_optional(c).await)?;
    let others: Vec<Uuid> = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM clients ORDER BY search_name, id LIMIT 3")
        .fetch_all(c).await)?;
    let others: Vec<Uuid> = others
        .into_iter()
        .filter(|id| Some(*id) != parent)
        .take(2)
        .collect();
    tx.commit().await?;
    let today = core.now().with_timezone(&local.time_zone).date_naive();
    let at = |days: i64, hour: i64| {
        crate::centre::start_of_day(today + Duration::days(days), local.time_zone)
            + Duration::hours(hour)
    };
    let task = |client_id: Option<Uuid>, title: &str, due: Option<_>, who: &Session| TaskSaveArgs {
        id: None,
        version: None,
        client_id,
        title: title.into(),
        notes: String::new(),
        due_at: due,
        assignee_id: Some(who.user_id),
    };
    if let Some(parent) = parent {
        let mut call = task(
            Some(parent),
            "Call back about the summer camp dates",
            Some(at(0, 17)),
            desk,
        );
        call.notes = "She asked whether both children can go in the same week.".into();
        task_save(core, manager, call).await?;
        let invoice = task_save(
            core,
            manager,
            task(
                Some(parent),
                "Send the term's invoice by e-mail",
                Some(at(-3, 12)),
                desk,
            ),
        )
        .await?;
        let done = TaskDoneArgs {
            id: invoice.id,
            version: invoice.version,
            outcome: "Sent; she will pay at the desk on Saturday.".into(),
        };
        task_done(core, desk, done).await?;
    }
    if let [first, second] = others.as_slice() {
        task_save(
            core,
            desk,
            task(
                Some(*first),
                "Ask why the swimming classes were missed",
                Some(at(-1, 11)),
                manager,
            ),
        )
        .await?;
        task_save(
            core,
            manager,
            task(
                Some(*second),
                "Prepare the certificate for the competition",
                Some(at(3, 10)),
                desk,
            ),
        )
        .await?;
    }
    task_save(
        core,
        manager,
        task(None, "Order new mats for the small hall", None, manager),
    )
    .await?;
    Ok(())
}
