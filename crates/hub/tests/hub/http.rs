//! The API over real HTTP: operations, errors, OpenAPI, the UI, files.

use base64::Engine;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::serve;
use crate::support::each_engine;

#[tokio::test]
async fn api_over_http() {
    each_engine(|t| async move {
        t.demo().await;
        let hub = serve(&t, None).await;

        let health: Value = hub.http.get(format!("{}/api/health", hub.base)).send().await.unwrap().json().await.unwrap();
        assert_eq!(health["status"], "ok");
        assert_eq!(health["engine"], t.engine);

        let (s, v) = hub.post("login", None, r#"{"login":"reception","password":"wrong"}"#).await;
        assert_eq!((s, v["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("unauthenticated")));
        let (s, v) = hub.post("login", None, r#"{"login":"reception","password":"hallpass-demo"}"#).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let token = v["token"].as_str().unwrap().to_string();
        let tok = Some(token.as_str());

        let (s, created) = hub
            .post("client_create", tok, &json!({"client": {"name": "Kham Vongsa", "phones": [{"kind": "mobile", "number": "020 7777 1234"}]}}).to_string())
            .await;
        assert_eq!(s, StatusCode::OK, "{created}");
        let (s, page) = hub.post("clients_search", tok, r#"{"query":"7771"}"#).await;
        assert_eq!(s, StatusCode::OK);
        assert!(page["items"].as_array().unwrap().iter().any(|c| c["id"] == created["id"]), "{page}");
        let (s, got) = hub.post("client_get", tok, &json!({"id": created["id"]}).to_string()).await;
        assert_eq!((s, &got["name"]), (StatusCode::OK, &json!("Kham Vongsa")));

        // Errors: each a JSON ApiError with the right status; the hub keeps serving.
        let before = t.state().await;
        let cases: &[(&str, Option<&str>, &str, StatusCode, &str)] = &[
            ("client_create", tok, r#"{"client":{"name":"A","emails":[{"value":"nope"}]}}"#, StatusCode::UNPROCESSABLE_ENTITY, "validation"),
            ("client_create", tok, r#"{"name":"#, StatusCode::BAD_REQUEST, "bad_request"),
            ("client_create", tok, "", StatusCode::UNPROCESSABLE_ENTITY, "validation"),
            ("client_get", tok, r#"{"id":"018f0000-0000-7000-8000-000000000000"}"#, StatusCode::NOT_FOUND, "not_found"),
            ("client_get", None, r#"{"id":"018f0000-0000-7000-8000-000000000000"}"#, StatusCode::UNAUTHORIZED, "unauthenticated"),
            ("client_get", Some("expired-or-forged"), "{}", StatusCode::UNAUTHORIZED, "unauthenticated"),
            ("centre_update", tok, "{}", StatusCode::FORBIDDEN, "forbidden"),
            ("what_is_this", tok, "{}", StatusCode::NOT_FOUND, "not_found"),
        ];
        for (op, token, body, status, code) in cases {
            let (s, v) = hub.post(op, *token, body).await;
            assert_eq!((s, v["code"].as_str()), (*status, Some(*code)), "{op} {body}: {v}");
        }
        let (_, v) = hub.post("client_create", tok, r#"{"client":{"name":"A","emails":[{"value":"nope"}]}}"#).await;
        assert_eq!(v["errors"][0]["field"], "client.emails.0.value");
        let res = hub.http.get(format!("{}/api/client_get", hub.base)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
        for ct in [Some("text/plain"), Some("application/x-www-form-urlencoded"), None] {
            let mut req = hub.http.post(format!("{}/api/client_create", hub.base)).bearer_auth(&token).body(r#"{"client":{"name":"Cross Site"}}"#);
            if let Some(ct) = ct {
                req = req.header("content-type", ct);
            }
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{ct:?}");
        }
        let res = hub.http.post(format!("{}/api/centre_setup", hub.base)).header("content-type", "text/plain").body("{}").send().await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let huge = format!(r#"{{"name":"{}"}}"#, "x".repeat(3 * 1024 * 1024));
        let res = hub.http.post(format!("{}/api/client_create", hub.base)).bearer_auth(&token).header("content-type", "application/json").body(huge).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(t.state().await, before);

        let (s, _) = hub.post("logout", tok, "{}").await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = hub.post("centre_get", tok, "{}").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let health = hub.http.get(format!("{}/api/health", hub.base)).send().await.unwrap();
        assert_eq!(health.status(), StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn openapi_and_ui() {
    let t = crate::support::sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!doctype html><title>Hallpass</title>",
    )
    .unwrap();
    let hub = serve(&t, Some(dir.path().to_path_buf())).await;
    let doc: Value = hub
        .http
        .get(format!("{}/api/openapi.json", hub.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for op in hallpass_core::ops::OPERATIONS {
        assert!(
            doc["paths"][format!("/api/{}", op.name)]["post"].is_object(),
            "{}",
            op.name
        );
    }
    for path in ["/", "/clients/some-id"] {
        let res = hub
            .http
            .get(format!("{}{path}", hub.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(res
            .text()
            .await
            .unwrap()
            .contains("<title>Hallpass</title>"));
    }
}

/// Files travel as base64 in JSON: a photo up and back down, an import bigger than the
/// ordinary 2 MB limit accepted, and one over its own limit refused with 413 before it is read.
#[tokio::test]
async fn files_and_imports_over_http() {
    each_engine(|t| async move {
        t.demo().await;
        let hub = serve(&t, None).await;
        let (_, v) = hub.post("login", None, r#"{"login":"manager","password":"hallpass-demo"}"#).await;
        let token = v["token"].as_str().unwrap().to_string();
        let tok = Some(token.as_str());

        let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
        let (s, file) = hub.post("file_upload", tok, &json!({"file_name": "me.png", "content": png, "purpose": "photo"}).to_string()).await;
        assert_eq!(s, StatusCode::OK, "{file}");
        let (s, got) = hub.post("file_get", tok, &json!({"id": file["id"]}).to_string()).await;
        assert_eq!((s, got["mime"].as_str(), got["content"].as_str()), (StatusCode::OK, Some("image/png"), Some(png)));
        let (s, v) = hub.post("file_upload", tok, &json!({"file_name": "fake.png", "content": "aGVsbG8=", "purpose": "photo"}).to_string()).await;
        assert_eq!((s, v["errors"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_image")));

        // A 3 MB list (dry run): more than ordinary operations accept, well within an import's limit.
        let mut csv = String::from("Name;Phone\n");
        let mut i = 0;
        while csv.len() < 3 * 1024 * 1024 {
            csv.push_str(&format!("Client Number{i};020 {:04} {:04}\n", 5000 + i % 4000, i % 10_000));
            i += 1;
        }
        let content = base64::engine::general_purpose::STANDARD.encode(csv.as_bytes());
        let body = json!({"file_name": "big.csv", "content": content, "dry_run": true}).to_string();
        let (s, r) = hub.post("clients_import", tok, &body).await;
        assert_eq!(s, StatusCode::OK, "{}", r["code"]);
        assert_eq!(r["total_rows"].as_u64(), Some(i as u64));
        let (s, v) = hub.post("client_create", tok, &body).await;
        assert_eq!((s, v["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("too_large")));
        let limit = hallpass_core::ops::max_body("clients_import");
        let res = hub.http.post(format!("{}/api/clients_import", hub.base)).bearer_auth(&token)
            .header("content-type", "application/json").body(vec![b' '; limit + 1]).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let v: Value = res.json().await.unwrap();
        assert!(v["message"].as_str().unwrap().contains("MB"), "{v}");
        // Without a session, a large operation is refused before its body is read.
        let res = hub.http.post(format!("{}/api/clients_import", hub.base))
            .header("content-type", "application/json").body(vec![b' '; 4 * 1024 * 1024]).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    })
    .await;
}
