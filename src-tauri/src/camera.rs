//! The webview's camera, for a client's photo taken at the desk. WebKitGTK (Linux) keeps
//! media streams off and refuses `getUserMedia` unless the application switches them on and
//! answers the permission request; WebView2 (Windows) and WKWebView (macOS) ask the user
//! themselves.

/// Lets the app's windows (those open at start: the main window) use the camera, video only.
#[cfg(target_os = "linux")]
pub fn allow(app: &tauri::App) {
    use tauri::Manager;
    use webkit2gtk::glib::prelude::Cast;
    use webkit2gtk::{PermissionRequestExt, SettingsExt, UserMediaPermissionRequest, WebViewExt};

    for window in app.webview_windows().values() {
        let done = window.with_webview(|webview| {
            let view = webview.inner();
            if let Some(settings) = WebViewExt::settings(&view) {
                settings.set_enable_media_stream(true);
            }
            view.connect_permission_request(|_, request| {
                if request
                    .downcast_ref::<UserMediaPermissionRequest>()
                    .is_some()
                {
                    request.allow();
                    true
                } else {
                    false
                }
            });
        });
        if let Err(e) = done {
            tracing::warn!("the camera stays off in this window: {e}");
        }
    }
}

#[cfg(not(target_os = "linux"))]
pub fn allow(_app: &tauri::App) {}
