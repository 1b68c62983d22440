//! Tasks: planned from a card for an employee, the reminder the assignee's alone, done with
//! what came of it (on the card's timeline too); the centre's own tasks seen by their assignee
//! and author only; bad input named at its field; versions kept.

use hallpass_core::api::*;

use crate::helpers::fields;
use crate::support::each_engine;
use crate::telephony_live::{user_id, visiting_parent};

fn new(client_id: Option<uuid::Uuid>, title: &str) -> TaskSaveArgs {
    TaskSaveArgs {
        id: None,
        version: None,
        client_id,
        title: title.into(),
        notes: String::new(),
        due_at: None,
        assignee_id: None,
    }
}

#[tokio::test]
async fn a_card_s_tasks_and_the_assignee_s_reminders() {
    each_engine(|t| async move {
        t.demo().await;
        let manager = t.login("manager").await;
        let mgr = Some(manager.as_str());
        let reception = t.login("reception").await;
        let desk = Some(reception.as_str());
        let parent = visiting_parent(&t, &reception).await;

        // The demo: the parent is to be called back (open, first), the invoice was sent.
        let card = t
            .core
            .tasks_list(mgr, TasksListArgs { client_id: Some(parent.id), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(card.len(), 2, "{card:?}");
        assert_eq!(card[0].title, "Call back about the summer camp dates");
        assert!(card[0].done_at.is_none() && card[1].done_at.is_some());
        assert!(card[1].outcome.starts_with("Sent"));

        // The reception's reminders hold it; the manager's do not.
        let mine = |token| {
            let core = t.core.clone();
            async move {
                core.tasks_list(token, TasksListArgs { mine: true, ..Default::default() })
                    .await
                    .unwrap()
            }
        };
        let desk_own = mine(desk).await;
        assert!(desk_own.iter().any(|x| x.id == card[0].id));
        assert!(desk_own.iter().all(|x| x.done_at.is_none()));
        assert!(!mine(mgr).await.iter().any(|x| x.id == card[0].id));

        // The manager plans one for the reception, due tomorrow.
        let due = t.core.now() + chrono::Duration::days(1);
        let planned = t
            .core
            .task_save(
                mgr,
                TaskSaveArgs {
                    due_at: Some(due),
                    assignee_id: Some(user_id(&t, &reception).await),
                    notes: "  Bring the form.  ".into(),
                    ..new(Some(parent.id), "  Ask   for the medical form ")
                },
            )
            .await
            .unwrap();
        assert_eq!(
            (planned.title.as_str(), planned.notes.as_str()),
            ("Ask for the medical form", "Bring the form.")
        );
        assert_eq!(planned.created_by.as_ref().map(|u| u.id), Some(user_id(&t, &manager).await));
        assert!(mine(desk).await.iter().any(|x| x.id == planned.id));

        // Someone who is neither its assignee nor its author, nor a manager, may not change it.
        let instructor = t.login("instructor").await;
        let refused = t
            .core
            .task_done(
                Some(&instructor),
                TaskDoneArgs { id: planned.id, version: planned.version, outcome: String::new() },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&refused, ApiError::Forbidden { permission, .. } if permission == "clients_configure"),
            "{refused:?}"
        );

        // Changed with the version read; an old version is refused. What a change leaves out
        // (the card, the assignee) stays as it was.
        let moved = t
            .core
            .task_save(
                desk,
                TaskSaveArgs {
                    id: Some(planned.id),
                    version: Some(planned.version),
                    due_at: None,
                    ..new(None, "Ask for the medical form")
                },
            )
            .await
            .unwrap();
        assert_eq!((moved.due_at, moved.version), (None, planned.version + 1));
        assert_eq!(moved.assignee.id, user_id(&t, &reception).await);
        assert_eq!(moved.client.as_ref().map(|c| c.id), Some(parent.id));
        let stale = t
            .core
            .task_done(desk, TaskDoneArgs { id: planned.id, version: planned.version, outcome: String::new() })
            .await
            .unwrap_err();
        assert!(matches!(stale, ApiError::Conflict { .. }), "{stale:?}");

        // Done: what came of it, on the card's timeline; not done twice.
        let done = t
            .core
            .task_done(desk, TaskDoneArgs { id: moved.id, version: moved.version, outcome: "Brought on Monday".into() })
            .await
            .unwrap();
        assert_eq!(done.done_by.as_ref().map(|u| u.id), Some(user_id(&t, &reception).await));
        let again = t
            .core
            .task_done(desk, TaskDoneArgs { id: done.id, version: done.version, outcome: String::new() })
            .await
            .unwrap_err();
        assert!(matches!(again, ApiError::Conflict { .. }), "{again:?}");
        let timeline = t
            .core
            .client_timeline_list(
                mgr,
                TimelineListArgs { client_id: parent.id, kinds: vec![], before: None, limit: None },
            )
            .await
            .unwrap();
        assert!(timeline.items.iter().any(|e| matches!(
            &e.event,
            Some(TimelineEvent::Task { task_id, outcome, .. }) if *task_id == done.id && outcome == "Brought on Monday"
        )));
        assert!(!mine(desk).await.iter().any(|x| x.id == done.id));
    })
    .await;
}

#[tokio::test]
async fn the_centre_s_tasks_are_their_people_s_and_bad_input_is_named() {
    each_engine(|t| async move {
        t.demo().await;
        let manager = t.login("manager").await;
        let mgr = Some(manager.as_str());
        let reception = t.login("reception").await;
        let instructor = t.login("instructor").await;
        let own = t
            .core
            .task_save(
                mgr,
                TaskSaveArgs {
                    assignee_id: Some(user_id(&t, &reception).await),
                    ..new(None, "Count the towels")
                },
            )
            .await
            .unwrap();
        let all = |token: String| {
            let core = t.core.clone();
            async move {
                core.tasks_list(
                    Some(&token),
                    TasksListArgs {
                        include_done: true,
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
            }
        };
        assert!(all(reception.clone()).await.iter().any(|x| x.id == own.id));
        assert!(all(manager.clone()).await.iter().any(|x| x.id == own.id));
        assert!(!all(instructor.clone()).await.iter().any(|x| x.id == own.id));
        let hidden = t
            .core
            .task_done(
                Some(&instructor),
                TaskDoneArgs {
                    id: own.id,
                    version: own.version,
                    outcome: String::new(),
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(hidden, ApiError::NotFound { .. }), "{hidden:?}");

        let bad = t
            .core
            .task_save(
                mgr,
                TaskSaveArgs {
                    assignee_id: Some(uuid::Uuid::nil()),
                    client_id: Some(uuid::Uuid::nil()),
                    ..new(None, "   ")
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(bad), [("title".to_string(), "required".to_string())]);
        let bad = t
            .core
            .task_save(
                mgr,
                TaskSaveArgs {
                    assignee_id: Some(uuid::Uuid::nil()),
                    client_id: Some(uuid::Uuid::nil()),
                    ..new(None, "Fine")
                },
            )
            .await
            .unwrap_err();
        assert_eq!(
            fields(bad),
            [
                ("assignee_id".to_string(), "unknown".to_string()),
                ("client_id".to_string(), "unknown".to_string())
            ]
        );
        let long = "x".repeat(2001);
        let bad = t
            .core
            .task_done(
                mgr,
                TaskDoneArgs {
                    id: own.id,
                    version: own.version,
                    outcome: long,
                },
            )
            .await
            .unwrap_err();
        assert_eq!(
            fields(bad),
            [("outcome".to_string(), "too_long".to_string())]
        );
        // Nothing half-written: the refused task is nowhere, the other still open as it was.
        let still = all(manager.clone()).await;
        assert!(!still.iter().any(|x| x.title == "Fine"));
        let still = still.iter().find(|x| x.id == own.id).unwrap();
        assert_eq!((still.done_at, still.version), (None, own.version));
    })
    .await;
}
