//! The demo centre's messages: templates in the centre's languages (a pass ending, a
//! birthday, a rating after a call, an invoice by e-mail), two campaigns sent every day (they
//! wait for an SMS gateway: none is set up), the rating SMS chosen, and two weeks of callers
//! asked to rate who answered — most replied, on their cards' timelines.

use std::collections::BTreeMap;

use chrono::Duration;
use uuid::Uuid;

use super::Lcg;
use crate::auth::Session;
use crate::clients::timeline::{add_event, TimelineEvent};
use crate::error::ApiError;
use crate::messaging::campaigns::{
    CampaignAudience, CampaignInput, CampaignKind, CampaignSaveArgs,
};
use crate::messaging::queue::{queue, Sender, Texts};
use crate::messaging::templates::{
    MessageChannel, MessageTemplateInput, MessageTemplateSaveArgs, TemplateText,
};
use crate::{exec_tx, on_tx, Core};

fn text(language: &str, subject: &str, body: &str) -> TemplateText {
    TemplateText {
        language: language.into(),
        subject: subject.into(),
        body: body.into(),
    }
}

async fn template(
    core: &Core,
    manager: &Session,
    name: &str,
    channel: MessageChannel,
    texts: Vec<TemplateText>,
) -> Result<Uuid, ApiError> {
    let args = MessageTemplateSaveArgs {
        id: None,
        version: None,
        template: MessageTemplateInput {
            name: name.into(),
            channel,
            texts,
            archived: false,
        },
    };
    Ok(
        crate::messaging::templates::message_templates_save(core, manager, args)
            .await?
            .id,
    )
}

async fn campaign(
    core: &Core,
    manager: &Session,
    name: &str,
    template_id: Uuid,
    kind: CampaignKind,
    send_time: &str,
) -> Result<(), ApiError> {
    let args = CampaignSaveArgs {
        id: None,
        version: None,
        campaign: CampaignInput {
            name: name.into(),
            channel: MessageChannel::Sms,
            template_id,
            kind,
            send_on: None,
            days_before: (kind == CampaignKind::PassEnding).then_some(3),
            send_time: send_time.into(),
            audience: CampaignAudience::All,
            client_ids: vec![],
            group_id: None,
            saved_filter_id: None,
            active: true,
            archived: false,
        },
    };
    let saved = crate::messaging::campaigns::campaigns_save(core, manager, args).await?;
    // Set up weeks ago, each has waited every day since for an SMS gateway, whatever the hour
    // the demo is made.
    let mut tx = core.db.write().await?;
    exec_tx!(&mut tx, c => sqlx::query("UPDATE campaigns SET last_error = 'not_configured' WHERE id = $1")
        .bind(saved.id).execute(c).await)?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn seed(core: &Core, manager: &Session) -> Result<(), ApiError> {
    use MessageChannel::{Email, Sms};
    let ending = template(core, manager, "Pass ends soon", Sms, vec![
        text("en", "", "{centre.name}: {client.first_name}, your pass {membership.name} ends on {membership.ends_on}. Renew at the desk!"),
        text("lo", "", "{centre.name}: {client.first_name}, ບັດ {membership.name} ຈະໝົດອາຍຸວັນທີ {membership.ends_on}. ຕໍ່ອາຍຸໄດ້ທີ່ເຄົາເຕີ!"),
        text("ru", "", "{centre.name}: {client.first_name}, ваш абонемент {membership.name} заканчивается {membership.ends_on}. Продлите на ресепшене!"),
    ]).await?;
    let birthday = template(core, manager, "Happy birthday", Sms, vec![
        text("en", "", "Happy birthday, {client.first_name}! Everyone at {centre.name} wishes you a wonderful year."),
        text("lo", "", "ສຸກສັນວັນເກີດ, {client.first_name}! ທຸກຄົນທີ່ {centre.name} ຂໍອວຍພອນ."),
        text("ru", "", "С днём рождения, {client.first_name}! Вся команда {centre.name} поздравляет вас."),
    ]).await?;
    let rating = template(
        core,
        manager,
        "Rate the call",
        Sms,
        vec![
            text(
                "en",
                "",
                "{centre.name}: how well did {employee.name} help you? Reply with 1 to 5.",
            ),
            text(
                "lo",
                "",
                "{centre.name}: {employee.name} ຊ່ວຍທ່ານໄດ້ດີປານໃດ? ຕອບ 1 ຫາ 5.",
            ),
            text(
                "ru",
                "",
                "{centre.name}: как вам помог(ла) {employee.name}? Ответьте цифрой от 1 до 5.",
            ),
        ],
    )
    .await?;
    template(core, manager, "Invoice to pay", Email, vec![text(
        "en",
        "Your invoice from {centre.name}",
        "Dear {client.name},\n\nYou owe {debt}. You can pay at the desk or by bank transfer.\n\n{centre.name}",
    )])
    .await?;
    campaign(
        core,
        manager,
        "Pass ends in 3 days",
        ending,
        CampaignKind::PassEnding,
        "10:00",
    )
    .await?;
    campaign(
        core,
        manager,
        "Birthday greetings",
        birthday,
        CampaignKind::Birthday,
        "09:00",
    )
    .await?;
    ratings(core, rating).await
}

/// Callers of the last two weeks asked to rate who answered; most replied.
async fn ratings(core: &Core, template: Uuid) -> Result<(), ApiError> {
    let mut tx = core.db.write().await?;
    exec_tx!(&mut tx, c => sqlx::query("UPDATE message_settings SET rating_template_id = $1 WHERE id = 1")
        .bind(template).execute(c).await)?;
    type Answered = (Uuid, String, Uuid, String, chrono::DateTime<chrono::Utc>);
    let calls: Vec<Answered> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT c.id, c.client_ids, c.user_id, c.number_e164, c.ended_at FROM calls c \
         WHERE c.direction = 'incoming' AND c.answered_at IS NOT NULL AND c.user_id IS NOT NULL \
         AND c.number_e164 IS NOT NULL AND c.client_ids <> '[]' ORDER BY c.started_at").fetch_all(c).await)?;
    let texts =
        Texts::of_template(&mut tx, "rating_template_id", template, MessageChannel::Sms).await?;
    let local = crate::centre::local(&mut tx).await?;
    let mut rng = Lcg(0x5A7E_D0E5);
    let mut asked = std::collections::HashSet::new();
    const REPLIES: &[(i32, &str)] = &[
        (5, "5"),
        (5, "5 thank you!"),
        (4, "4"),
        (5, "໕ ຂອບໃຈ"),
        (3, "3 it took a while to answer"),
        (5, "5 спасибо"),
    ];
    for (call, clients, user, number, ended) in calls {
        let Some(client) = serde_json::from_str::<Vec<Uuid>>(&clients)
            .ok()
            .and_then(|c| c.first().copied())
        else {
            continue;
        };
        // Once a day per client, as the centre asks.
        if !asked.insert((client, local.today(ended))) {
            continue;
        }
        let name: String = on_tx!(&mut tx, c => sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
            .bind(user).fetch_one(c).await)?;
        let sender = Sender {
            to: Some(number.clone()),
            values: BTreeMap::from([("employee.name".to_string(), name)]),
            ..Sender::default()
        };
        let done = queue(
            &mut tx,
            &[client],
            MessageChannel::Sms,
            &texts,
            &sender,
            local.today(ended),
            ended,
        )
        .await?;
        let Some((_, message)) = done.queued.first().copied() else {
            continue;
        };
        exec_tx!(&mut tx, c => sqlx::query(
            "UPDATE messages SET status = 'delivered', attempts = 1, sent_at = $1, delivered_at = $1 WHERE id = $2")
            .bind(ended + Duration::seconds(3)).bind(message).execute(c).await)?;
        let rating = crate::new_id();
        exec_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO call_ratings (id, call_id, client_id, user_id, message_id, number, asked_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(rating).bind(call).bind(client).bind(user).bind(message).bind(&number).bind(ended).execute(c).await)?;
        if rng.below(4) == 0 {
            continue;
        }
        let (score, reply) = *rng.pick(REPLIES);
        let at = ended + Duration::minutes(2 + rng.below(90) as i64);
        exec_tx!(&mut tx, c => sqlx::query(
            "UPDATE call_ratings SET score = $1, reply = $2, replied_at = $3 WHERE id = $4")
            .bind(score).bind(reply).bind(at).bind(rating).execute(c).await)?;
        let id = crate::new_id();
        exec_tx!(&mut tx, c => sqlx::query(
            "INSERT INTO messages_in (id, number, client_id, body, rating_id, received_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id).bind(&number).bind(client).bind(reply).bind(rating).bind(at).execute(c).await)?;
        let line = TimelineEvent::Reply {
            message_id: id,
            body: reply.into(),
            score: Some(score),
        };
        add_event(&mut tx, client, &line, None, at).await?;
    }
    tx.commit().await?;
    Ok(())
}
