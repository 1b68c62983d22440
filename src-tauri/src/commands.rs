//! Tauri commands, one per operation of the core registry (generated), plus the shell's own.
//! Every command takes the session token the UI holds; the core checks it and the permission.
//! In hub mode each command is forwarded to the hub instead ([`crate::mode::Backend`]).

use tauri::{AppHandle, State};

use crate::smoke::Smoke;

macro_rules! tauri_operations {
    (
        public { $( $pn:ident ( $pa:ident ) -> $pr:ident , $pdoc:literal ; )* }
        session { $( $sn:ident ( $sa:ident ) -> $sr:ident [ $perm:ident ] , $sdoc:literal ; )* }
    ) => {
        mod generated {
            use hallpass_core::api::*;
            use tauri::State;
            use crate::mode::{Backend, Shell};
            $(
                #[doc = $pdoc]
                #[tauri::command]
                #[specta::specta]
                pub async fn $pn(shell: State<'_, Shell>, token: Option<String>, args: $pa) -> Result<$pr, ApiError> {
                    let _ = token;
                    match shell.backend()? {
                        Backend::Core(core) => core.$pn(args).await,
                        Backend::Remote(hub) => hub.call(stringify!($pn), None, &args).await,
                    }
                }
            )*
            $(
                #[doc = $sdoc]
                #[tauri::command]
                #[specta::specta]
                pub async fn $sn(shell: State<'_, Shell>, token: Option<String>, args: $sa) -> Result<$sr, ApiError> {
                    match shell.backend()? {
                        Backend::Core(core) => core.$sn(token.as_deref(), args).await,
                        Backend::Remote(hub) => hub.call(stringify!($sn), token.as_deref(), &args).await,
                    }
                }
            )*
        }

        /// The command set and its types, for the invoke handler and the TypeScript export.
        pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
            tauri_specta::Builder::<tauri::Wry>::new()
                .commands(tauri_specta::collect_commands![
                    $( generated::$pn, )*
                    $( generated::$sn, )*
                    app_ready,
                    crate::files::file_save,
                    crate::live::events_listen,
                    crate::live::events_stop,
                    crate::mode::commands::device_mode_get,
                    crate::mode::commands::device_mode_set,
                    crate::mode::commands::hub_probe,
                    crate::outbox::outbox_list,
                    crate::outbox::outbox_put,
                    crate::outbox::outbox_delete,
                ])
                .typ::<hallpass_core::api::LiveEvent>()
                .dangerously_cast_bigints_to_number()
                .disable_serde_phases()
        }
    };
}

hallpass_core::for_each_operation!(tauri_operations);

/// The UI has painted its first screen (`setup`, `login`, `app`, or `offline` when its first
/// call to core failed).
#[tauri::command]
#[specta::specta]
fn app_ready(app: AppHandle, smoke: State<'_, Smoke>, screen: String) {
    smoke.painted(&app, &screen);
}
