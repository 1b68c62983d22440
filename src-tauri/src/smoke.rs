//! `--smoke`: open the window, load the UI, let its first call reach core through a generated
//! command, report the time to that first screen and exit 0 — or exit 1 if the UI could not
//! reach core or has not painted within a minute.
//!
//! `--smoke=SCREEN` also fails unless the first screen is SCREEN (`app`, `login`, `setup`,
//! `device`). In hub mode, `HALLPASS_SMOKE_SIGN_IN=login:password` signs the device in to the
//! hub before the window loads (the token goes to the keyring like any sign-in), so the
//! window starts signed in.

use std::time::{Duration, Instant};

use hallpass_core::api::LoginResult;
use tauri::AppHandle;

use crate::mode::{Backend, Shell};

pub struct Smoke {
    pub enabled: bool,
    expect: Option<String>,
    started: Instant,
}

impl Smoke {
    pub fn from_args(args: &[String], started: Instant) -> Smoke {
        let expect = args
            .iter()
            .find_map(|a| a.strip_prefix("--smoke="))
            .map(str::to_string);
        Smoke {
            enabled: expect.is_some() || args.iter().any(|a| a == "--smoke"),
            expect,
            started,
        }
    }

    /// Hub mode in a smoke run: sign the device in as the environment says.
    pub async fn sign_in(&self, shell: &Shell) -> Result<(), String> {
        let credentials = std::env::var("HALLPASS_SMOKE_SIGN_IN").ok();
        let (true, Some(credentials), Ok(Backend::Remote(hub))) =
            (self.enabled, credentials, shell.backend())
        else {
            return Ok(());
        };
        let (login, password) = credentials
            .split_once(':')
            .ok_or("HALLPASS_SMOKE_SIGN_IN is login:password")?;
        let args = serde_json::json!({ "login": login, "password": password });
        let signed: LoginResult = hub
            .call("login", None, &args)
            .await
            .map_err(|e| format!("smoke: signing in to the hub failed: {e}"))?;
        println!("smoke: signed in to {} as {}", hub.url, signed.user.login);
        Ok(())
    }

    /// In smoke mode, fail if the UI never reports its first paint.
    pub fn arm(&self, app: AppHandle) {
        if !self.enabled {
            return;
        }
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(60));
            eprintln!("smoke: the UI did not paint within 60 s");
            app.exit(1);
        });
    }

    /// Called by the UI once its first screen is on display.
    pub fn painted(&self, app: &AppHandle, screen: &str) {
        let ms = self.started.elapsed().as_millis();
        println!("first paint after {ms} ms ({screen} screen)");
        if self.enabled {
            if screen == "offline" {
                eprintln!("smoke: the UI could not reach core");
                app.exit(1);
            } else if self.expect.as_deref().is_some_and(|e| e != screen) {
                eprintln!("smoke: expected the {:?} screen", self.expect);
                app.exit(1);
            } else {
                println!("smoke: ok");
                app.exit(0);
            }
        }
    }
}
