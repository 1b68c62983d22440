//! Campaigns: every mistake at its field; "pass ends in 3 days" written once per pass, at the
//! centre's time of day, to the cards it is limited to; birthdays once a year; a one-off to a
//! group at its time and then done; each message from the owner, on the timeline, through the
//! HTTP gateway (a local sink).

use chrono::Duration;
use hallpass_core::api::*;
use hallpass_core::messaging::campaigns::run_due;
use hallpass_core::messaging::outbox::drain;
use hallpass_core::messaging::sms_http;

use crate::messaging::{configure, free_port, gateway, literal, settings, sqlx_ids};
use crate::support::{each_engine, TestCore};

async fn template(t: &TestCore, token: &str, channel: MessageChannel, body: &str) -> uuid::Uuid {
    let subject = if channel == MessageChannel::Email {
        "Sunny Days"
    } else {
        ""
    };
    t.core
        .message_templates_save(
            Some(token),
            MessageTemplateSaveArgs {
                id: None,
                version: None,
                template: MessageTemplateInput {
                    name: format!("Template {body}").chars().take(100).collect(),
                    channel,
                    texts: vec![TemplateText {
                        language: "en".into(),
                        subject: subject.into(),
                        body: body.into(),
                    }],
                    archived: false,
                },
            },
        )
        .await
        .unwrap()
        .id
}

fn input(template_id: uuid::Uuid, kind: CampaignKind) -> CampaignInput {
    CampaignInput {
        name: "Reminder".into(),
        channel: MessageChannel::Sms,
        template_id,
        kind,
        send_on: None,
        days_before: Some(3),
        send_time: "10:00".into(),
        audience: CampaignAudience::All,
        client_ids: vec![],
        group_id: None,
        saved_filter_id: None,
        active: true,
        archived: false,
    }
}

async fn save(t: &TestCore, token: &str, c: CampaignInput) -> Result<Campaign, ApiError> {
    t.core
        .campaigns_save(
            Some(token),
            CampaignSaveArgs {
                id: None,
                version: None,
                campaign: c,
            },
        )
        .await
}

async fn sent_by(t: &TestCore, campaign: uuid::Uuid) -> Vec<uuid::Uuid> {
    sqlx_ids(
        t,
        &format!(
            "SELECT client_id FROM messages WHERE campaign_id = {} ORDER BY client_id",
            literal(t, campaign)
        ),
    )
    .await
}

#[tokio::test]
async fn a_pass_ending_reminder_goes_once_per_pass_at_the_centres_time() {
    each_engine(|t| async move {
        t.demo().await;
        // Without the demo's own campaigns.
        t.exec("DELETE FROM campaigns").await;
        let manager = t.login("manager").await;
        let (sms_url, got) = gateway().await;
        configure(&t, &manager, settings(free_port(), &sms_url)).await;
        let sms = template(&t, &manager, MessageChannel::Sms,
            "Hi {client.first_name}, {membership.name} ends {membership.ends_on}").await;
        let email = template(&t, &manager, MessageChannel::Email, "Hello").await;

        // Every mistake at its field.
        let mut bad = input(email, CampaignKind::PassEnding);
        bad.name = " ".into();
        bad.days_before = Some(99);
        bad.send_time = "25:00".into();
        bad.audience = CampaignAudience::Group;
        let Err(ApiError::Validation { errors }) = save(&t, &manager, bad).await else {
            panic!("refused")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in ["campaign.name", "campaign.template_id", "campaign.days_before",
                  "campaign.send_time", "campaign.group_id"] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
        let mut once = input(sms, CampaignKind::Once);
        once.send_on = None;
        let refused = save(&t, &manager, once).await;
        assert!(matches!(&refused, Err(ApiError::Validation { errors }) if errors[0].field == "campaign.send_on"));
        assert_eq!(t.count("campaigns").await, 0, "nothing half-written");

        // One card with a phone and a pass, its pass ending in three days (the centre's
        // today is 2026-11-23: 16:00 in Vientiane).
        let client = sqlx_ids(&t, "SELECT m.client_id FROM memberships m WHERE m.cancelled_at IS NULL \
            AND m.client_id IN (SELECT client_id FROM client_phones) \
            AND m.client_id IN (SELECT id FROM clients WHERE status <> 'former') ORDER BY m.client_id LIMIT 1").await[0];
        t.exec(&format!("UPDATE memberships SET ends_on = '2026-11-26' WHERE client_id = {} AND cancelled_at IS NULL",
            literal(&t, client))).await;
        let mut c = input(sms, CampaignKind::PassEnding);
        c.audience = CampaignAudience::Clients;
        c.client_ids = vec![client];
        c.send_time = "18:00".into();
        let saved = save(&t, &manager, c).await.unwrap();
        assert_eq!(saved.next_run_at.unwrap().to_rfc3339(), "2026-11-23T11:00:00+00:00", "18:00 in Vientiane");
        assert_eq!(run_due(&t.core).await.unwrap(), 0, "not yet its time");
        t.advance(Duration::hours(2));
        assert_eq!(run_due(&t.core).await.unwrap(), 1);
        assert_eq!(sent_by(&t, saved.id).await, vec![client]);
        assert_eq!(run_due(&t.core).await.unwrap(), 0, "once a day");
        drain(&t.core, &sms_http::client()).await.unwrap();
        let requests = got.lock().unwrap().clone();
        assert_eq!(requests.len(), 1);
        let json: serde_json::Value = serde_json::from_str(&requests[0].1).unwrap();
        assert!(json["text"].as_str().unwrap().contains("ends 26"), "{json}");

        // The next day the pass ends in two days: not written to again.
        t.advance(Duration::days(1));
        assert_eq!(run_due(&t.core).await.unwrap(), 1);
        assert_eq!(sent_by(&t, saved.id).await.len(), 1);
        let manager = t.login("manager").await;
        let mgr = Some(manager.as_str());
        let listed = t.core.campaigns_list(mgr, NoArgs {}).await.unwrap();
        let it = listed.iter().find(|x| x.id == saved.id).unwrap();
        assert_eq!((it.sent_total, it.last_queued), (1, 0));
        assert!(!it.owner_name.is_empty());

        // Paused: it does not run.
        let mut paused = it.input.clone();
        paused.active = false;
        let p = t.core.campaigns_save(mgr, CampaignSaveArgs { id: Some(saved.id), version: Some(it.version),
            campaign: paused }).await.unwrap();
        assert!(p.next_run_at.is_none());
        t.advance(Duration::days(1));
        assert_eq!(run_due(&t.core).await.unwrap(), 0);
        let manager = t.login("manager").await;
        let mgr = Some(manager.as_str());
        // A stale version is a conflict.
        let stale = t.core.campaigns_save(mgr, CampaignSaveArgs { id: Some(saved.id), version: Some(it.version),
            campaign: it.input.clone() }).await;
        assert!(matches!(stale, Err(ApiError::Conflict { .. })), "{stale:?}");
    })
    .await;
}

#[tokio::test]
async fn birthdays_once_a_year_and_a_one_off_to_a_group_then_done() {
    each_engine(|t| async move {
        t.demo().await;
        // Without the demo's own campaigns.
        t.exec("DELETE FROM campaigns").await;
        let manager = t.login("manager").await;
        let mgr = Some(manager.as_str());
        let (sms_url, _) = gateway().await;
        configure(&t, &manager, settings(free_port(), &sms_url)).await;
        let sms = template(
            &t,
            &manager,
            MessageChannel::Sms,
            "Happy birthday, {client.first_name}!",
        )
        .await;

        // Born on 23 November; and on 29 February (greeted on the 28th in 2027).
        let phones = sqlx_ids(
            &t,
            "SELECT DISTINCT p.client_id FROM client_phones p JOIN clients c ON c.id = p.client_id \
             WHERE c.status <> 'former' ORDER BY p.client_id LIMIT 2",
        )
        .await;
        t.exec(
            "UPDATE clients SET birth_date = NULL, birth_month = NULL WHERE birth_month IN (2, 11)",
        )
        .await;
        t.exec(&format!(
            "UPDATE clients SET birth_date = '2016-11-23', birth_month = 11 WHERE id = {}",
            literal(&t, phones[0])
        ))
        .await;
        t.exec(&format!(
            "UPDATE clients SET birth_date = '2016-02-29', birth_month = 2 WHERE id = {}",
            literal(&t, phones[1])
        ))
        .await;
        let c = save(&t, &manager, input(sms, CampaignKind::Birthday))
            .await
            .unwrap();
        assert_eq!(run_due(&t.core).await.unwrap(), 1);
        assert_eq!(sent_by(&t, c.id).await, vec![phones[0]]);
        // Edited the same day, it does not greet again.
        let listed = t.core.campaigns_list(mgr, NoArgs {}).await.unwrap();
        let mut again = listed[0].input.clone();
        again.send_time = "09:00".into();
        t.core
            .campaigns_save(
                mgr,
                CampaignSaveArgs {
                    id: Some(c.id),
                    version: Some(listed[0].version),
                    campaign: again,
                },
            )
            .await
            .unwrap();
        assert_eq!(run_due(&t.core).await.unwrap(), 0);
        t.advance(Duration::days(97)); // 2027-02-28
        assert_eq!(run_due(&t.core).await.unwrap(), 1);
        let manager = t.login("manager").await;
        let mgr = Some(manager.as_str());
        assert_eq!(sent_by(&t, c.id).await.len(), 2);
        assert!(sent_by(&t, c.id).await.contains(&phones[1]));

        // A one-off to a group, in an hour; then done.
        let group = sqlx_ids(
            &t,
            "SELECT group_id FROM group_members GROUP BY group_id ORDER BY COUNT(*) DESC LIMIT 1",
        )
        .await[0];
        let mut once = input(sms, CampaignKind::Once);
        once.audience = CampaignAudience::Group;
        once.group_id = Some(group);
        // 17:00 in Vientiane, an hour from now.
        once.send_on = Some("2027-02-28".into());
        once.send_time = "17:00".into();
        let o = save(&t, &manager, once).await.unwrap();
        assert_eq!(run_due(&t.core).await.unwrap(), 0);
        t.advance(Duration::hours(2));
        assert_eq!(run_due(&t.core).await.unwrap(), 1);
        let members = sent_by(&t, o.id).await;
        assert!(!members.is_empty());
        assert_eq!(run_due(&t.core).await.unwrap(), 0);
        let listed = t.core.campaigns_list(mgr, NoArgs {}).await.unwrap();
        let done = listed.iter().find(|x| x.id == o.id).unwrap();
        assert!(!done.input.active && done.next_run_at.is_none());
        assert_eq!(done.last_queued as usize, members.len());
        // Moved to a later time, it goes again.
        let mut moved = done.input.clone();
        moved.send_time = "18:30".into();
        let m = t
            .core
            .campaigns_save(
                mgr,
                CampaignSaveArgs {
                    id: Some(o.id),
                    version: Some(done.version),
                    campaign: moved,
                },
            )
            .await
            .unwrap();
        assert!(m.input.active && m.next_run_at.is_some(), "{m:?}");
        t.advance(Duration::hours(1));
        assert_eq!(run_due(&t.core).await.unwrap(), 1);
        assert_eq!(sent_by(&t, o.id).await.len(), 2 * members.len());
        // A saved search removed under a campaign: the run says so, and sends nothing.
        let filter = t
            .core
            .saved_filters_save(
                mgr,
                SavedFilterSaveArgs {
                    id: None,
                    name: "Everyone".into(),
                    search: ClientsSearchArgs::default(),
                },
            )
            .await
            .unwrap();
        let mut searched = input(sms, CampaignKind::Birthday);
        searched.audience = CampaignAudience::SavedFilter;
        searched.saved_filter_id = Some(filter.id);
        let s = save(&t, &manager, searched).await.unwrap();
        t.core
            .saved_filters_delete(mgr, SavedFilterDeleteArgs { id: filter.id })
            .await
            .unwrap();
        assert_eq!(run_due(&t.core).await.unwrap(), 0);
        let listed = t.core.campaigns_list(mgr, NoArgs {}).await.unwrap();
        let gone = listed.iter().find(|x| x.id == s.id).unwrap();
        assert_eq!(gone.last_error.as_deref(), Some("saved_filter_gone"));
        assert!(sent_by(&t, s.id).await.is_empty());
        // Each message on its client's timeline, from the manager; an audit row per run.
        let runs: i64 = t.count("audit_log WHERE operation = 'campaigns_run'").await;
        assert_eq!(runs, 5, "four runs and a failed one");
    })
    .await;
}
