//! The schedule over HTTP: a tablet's outbox replayed after dropped replies (each op applied
//! once, answered the same), a mark on a class the desk cancelled meanwhile (a conflict, not
//! a silent loss), and an instructor's private calendar feed.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::support::each_engine;
use crate::{serve, Running};

/// Today's classes of the demo centre (Monday 23 November).
async fn today(hub: &Running, token: &str) -> Vec<Value> {
    let (s, v) = hub
        .post(
            "schedule_week",
            Some(token),
            &json!({"from": "2026-11-23", "days": 1}).to_string(),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["occurrences"].as_array().unwrap().clone()
}

async fn sheet(hub: &Running, token: &str, id: &str) -> Value {
    let (s, v) = hub
        .post(
            "occurrence_get",
            Some(token),
            &json!({"id": id}).to_string(),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

fn left(sheet: &Value, client: &str) -> Option<i64> {
    sheet["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["client"]["id"] == client)
        .and_then(|l| l["pass"]["visits_left"].as_i64())
}

#[tokio::test]
async fn a_replayed_outbox_is_applied_once() {
    each_engine(|t| async move {
        t.demo().await;
        let hub = serve(&t, None).await;
        let tablet = hub.login("instructor").await;
        let desk = hub.login("reception").await;
        let classes = today(&hub, &tablet).await;
        assert!(classes.len() >= 2, "the demo has classes every day");
        let mut chosen = None;
        for (i, c) in classes.iter().enumerate() {
            let id = c["id"].as_str().unwrap().to_string();
            let lines = sheet(&hub, &tablet, &id).await;
            let with_pass = lines["lines"].as_array().unwrap().iter().filter(|l| l["pass"]["visits_left"].is_i64()).count();
            if with_pass >= 3 {
                chosen = Some((i, id, lines));
                break;
            }
        }
        let (at, class, before) = chosen.expect("a class with three members holding passes");
        let members: Vec<String> = before["lines"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["pass"]["visits_left"].is_i64())
            .take(3)
            .map(|l| l["client"]["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(members.len(), 3, "three members with passes");

        // Each mark sent, its reply lost, and sent again: the same answer, one mark.
        for m in &members {
            let body = json!({"op_id": uuid::Uuid::now_v7(), "occurrence_id": class, "client_id": m, "status": "present"})
                .to_string();
            let (s1, a) = hub.post("attendance_mark", Some(&tablet), &body).await;
            let (s2, b) = hub.post("attendance_mark", Some(&tablet), &body).await;
            assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK), "{a} {b}");
            assert_eq!(a, b);
        }
        let hold = json!({"op_id": uuid::Uuid::now_v7(), "occurrence_id": class}).to_string();
        let (s1, a) = hub.post("class_hold", Some(&tablet), &hold).await;
        let (s2, b) = hub.post("class_hold", Some(&tablet), &hold).await;
        assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK), "{a} {b}");
        assert_eq!(a, b, "the replay answers as the first time");
        let after = sheet(&hub, &tablet, &class).await;
        for m in &members {
            assert_eq!(left(&after, m), left(&before, m).map(|v| v - 1), "one visit, once");
        }

        // The desk cancels the next class while the tablet's mark waits in its outbox.
        let next = &classes[(at + 1) % classes.len()];
        let id = next["id"].as_str().unwrap();
        let (s, v) = hub
            .post(
                "occurrence_update",
                Some(&desk),
                &json!({"id": id, "version": next["version"], "change": {"action": "cancel", "reason": "flooded"}}).to_string(),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let someone = sheet(&hub, &tablet, id).await["lines"][0]["client"]["id"].clone();
        let (s, v) = hub
            .post(
                "attendance_mark",
                Some(&tablet),
                &json!({"op_id": uuid::Uuid::now_v7(), "occurrence_id": id, "client_id": someone, "status": "present"}).to_string(),
            )
            .await;
        assert_eq!(s, StatusCode::CONFLICT, "{v}");
        assert!(v["message"].as_str().unwrap().contains("flooded"), "{v}");
    })
    .await;
}

#[tokio::test]
async fn an_instructor_calendar_feed_is_private_and_stable() {
    each_engine(|t| async move {
        t.demo().await;
        let hub = serve(&t, None).await;
        let mgr = hub.login("manager").await;
        let (s, list) = hub
            .post(
                "instructors_list",
                Some(&mgr),
                &json!({"teaching_only": true}).to_string(),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{list}");
        let somsack = list
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == "Somsack Keola")
            .unwrap()["id"]
            .clone();
        let feed = |on: bool| {
            let body = json!({"staff_id": somsack, "enabled": on}).to_string();
            let hub = &hub;
            let mgr = &mgr;
            async move { hub.post("instructor_calendar_feed", Some(mgr), &body).await }
        };
        let (s, v) = feed(true).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let path = v["path"].as_str().unwrap().to_string();
        let get = |path: String| {
            let hub = &hub;
            async move {
                hub.http
                    .get(format!("{}{path}", hub.base))
                    .send()
                    .await
                    .unwrap()
            }
        };
        let res = get(path.clone()).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar"));
        let body = res.text().await.unwrap();
        assert!(body.starts_with("BEGIN:VCALENDAR"));
        let uids = |b: &str| -> Vec<String> {
            b.lines()
                .filter(|l| l.starts_with("UID:"))
                .map(str::to_string)
                .collect()
        };
        assert!(uids(&body).len() > 20, "a month back and three ahead");
        assert!(body.contains("SUMMARY:Karate kids"));
        let again = get(path.clone()).await.text().await.unwrap();
        assert_eq!(
            uids(&body),
            uids(&again),
            "the same classes keep their UIDs"
        );

        // A new address replaces the old; off, there is none.
        let (_, v) = feed(true).await;
        let fresh = v["path"].as_str().unwrap().to_string();
        assert_eq!(get(path).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(get(fresh.clone()).await.status(), StatusCode::OK);
        feed(false).await;
        assert_eq!(get(fresh).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            get("/calendar/guess.ics".into()).await.status(),
            StatusCode::NOT_FOUND
        );
    })
    .await;
}
