// No console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Started as the typesetting worker: typeset documents until stdin closes, then exit.
    hallpass_core::documents::serve_worker_if_asked();
    // Documents made on this device are typeset in a worker process.
    hallpass_core::documents::isolate_documents();
    hallpass_app_lib::run()
}
