//! `ui/src/bindings.ts` is generated from the operation registry and committed; this fails
//! when it is stale. `UPDATE_BINDINGS=1` (or `./dev bindings`) rewrites it.

#[test]
fn bindings_are_fresh() {
    let generated = hallpass_app_lib::bindings().expect("export bindings");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/bindings.ts is stale: run `./dev bindings` (or UPDATE_BINDINGS=1 cargo test -p hallpass-app) and commit it"
    );
    for op in hallpass_core::ops::OPERATIONS {
        assert!(
            generated.contains(&format!("\t{}: {{ args:", op.name)),
            "{} missing from the operation map",
            op.name
        );
    }
}
