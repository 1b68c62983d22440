//! The OpenAPI 3.1 document's parts: one path per operation and the document around them.

use super::max_body;
use crate::roles::Permission;

pub(super) fn openapi_path(
    name: &str,
    summary: &str,
    permission: Option<Permission>,
    args: schemars::Schema,
    result: schemars::Schema,
    error: &schemars::Schema,
) -> serde_json::Value {
    let err = |d: &str| serde_json::json!({ "description": d, "content": { "application/json": { "schema": error } } });
    let mut responses = serde_json::json!({
        "200": { "description": "OK", "content": { "application/json": { "schema": result } } },
        "400": err("Malformed request"),
        "422": err("Invalid arguments; `errors` names each field"),
        "500": err("Internal error"),
    });
    let mut op = serde_json::json!({
        "operationId": name,
        "summary": summary,
        "requestBody": { "required": true, "content": { "application/json": { "schema": args } } },
    });
    if let Some(p) = permission {
        responses["401"] = err("Missing, unknown or expired token");
        responses["403"] = err(&format!(
            "The caller's role lacks the `{}` permission",
            p.as_str()
        ));
        responses["404"] = err("Not found");
        responses["409"] = err("Conflict with the current state");
        responses["413"] = err(&format!(
            "The request is larger than {} bytes",
            max_body(name)
        ));
        op["security"] = serde_json::json!([{ "bearer": [] }]);
        op["x-permission"] = serde_json::json!(p.as_str());
    } else {
        responses["401"] = err("Wrong login or password");
        responses["429"] = err("Too many wrong passwords for this login; see `retry_after_secs`");
        responses["409"] = err("Conflict with the current state");
        op["security"] = serde_json::json!([]);
    }
    op["responses"] = responses;
    serde_json::json!({ "post": op })
}

/// `GET /api/events`: the live change feed (Server-Sent Events); `change` carries a
/// `ChangeEvent`, whose schema `event` names.
pub(super) fn events_path(event: schemars::Schema, error: &schemars::Schema) -> serde_json::Value {
    serde_json::json!({
        "get": {
            "operationId": "events",
            "summary": "The live change feed as Server-Sent Events: `ready` (data and id: the sequence number a reconnect resumes from), `change` (id: the sequence number; data: a ChangeEvent the caller's role may see), `reset` (too much was missed: reload), `signed_out` (data: the ApiError; the stream ends). Resume with the `Last-Event-ID` header or `last_event_id`. The token comes as a bearer header or, for EventSource, the `token` query parameter.",
            "parameters": [
                { "name": "token", "in": "query", "required": false, "schema": { "type": "string" }, "description": "The session token, for clients that cannot send headers." },
                { "name": "last_event_id", "in": "query", "required": false, "schema": { "type": "integer" }, "description": "Resume after this sequence number." },
                { "name": "Last-Event-ID", "in": "header", "required": false, "schema": { "type": "string" }, "description": "Sent by EventSource when it reconnects." }
            ],
            "responses": {
                "200": { "description": "An event stream", "content": { "text/event-stream": { "schema": { "type": "string" }, "x-event-data": event } } },
                "401": { "description": "Missing, unknown or expired token", "content": { "application/json": { "schema": error } } }
            }
        }
    })
}

pub(super) fn openapi_document(
    version: &str,
    mut paths: serde_json::Map<String, serde_json::Value>,
    schemas: serde_json::Map<String, serde_json::Value>,
) -> serde_json::Value {
    paths.insert("/api/health".into(), serde_json::json!({
        "get": {
            "operationId": "health",
            "summary": "Liveness and the database engine.",
            "security": [],
            "responses": { "200": { "description": "OK", "content": { "application/json": { "schema": {
                "type": "object",
                "properties": { "status": { "type": "string" }, "engine": { "type": "string" }, "version": { "type": "string" } },
                "required": ["status", "engine", "version"]
            } } } } }
        }
    }));
    serde_json::json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Hallpass hub API",
            "version": version,
            "description": "Every operation is `POST /api/<operation>` with JSON arguments and a JSON result. \
                Send `Authorization: Bearer <token>` from `login`. Errors are JSON `ApiError` objects with a `code`."
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } }
        },
        "security": [{ "bearer": [] }]
    })
}
