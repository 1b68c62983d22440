use hallpass_core::api::*;
use serde_json::json;

/// The error JSON is a contract with the UI and integrators: this pins it.
#[test]
fn error_json_shape() {
    let v = ApiError::field("email", "invalid_email", "not an e-mail address");
    assert_eq!(
        serde_json::to_value(&v).unwrap(),
        json!({"code": "validation", "errors": [{"field": "email", "code": "invalid_email", "message": "not an e-mail address"}]})
    );
    assert_eq!(
        serde_json::to_value(ApiError::not_found("client")).unwrap(),
        json!({"code": "not_found", "entity": "client", "message": "client not found"})
    );
    assert_eq!(
        serde_json::to_value(ApiError::Forbidden {
            permission: "clients_write".into(),
            message: "m".into()
        })
        .unwrap(),
        json!({"code": "forbidden", "permission": "clients_write", "message": "m"})
    );
    assert_eq!(
        serde_json::to_value(ApiError::conflict("c")).unwrap(),
        json!({"code": "conflict", "message": "c"})
    );
    assert_eq!(
        serde_json::to_value(ApiError::RateLimited {
            retry_after_secs: 30,
            message: "r".into()
        })
        .unwrap(),
        json!({"code": "rate_limited", "retry_after_secs": 30, "message": "r"})
    );
    assert_eq!(
        serde_json::to_value(ApiError::unauthenticated("u")).unwrap(),
        json!({"code": "unauthenticated", "message": "u"})
    );
    assert_eq!(
        serde_json::to_value(ApiError::bad_request("b")).unwrap(),
        json!({"code": "bad_request", "message": "b"})
    );
    assert_eq!(
        serde_json::to_value(ApiError::Internal {
            message: "i".into()
        })
        .unwrap(),
        json!({"code": "internal", "message": "i"})
    );
    let back: ApiError =
        serde_json::from_value(json!({"code": "conflict", "message": "c"})).unwrap();
    assert_eq!(back, ApiError::conflict("c"));
}
