//! `--smoke`: open the window, load the UI, let its first call reach core through a generated
//! command, report the time to that first screen and exit 0 — or exit 1 if the UI could not
//! reach core or has not painted within a minute.

use std::time::{Duration, Instant};

use tauri::AppHandle;

pub struct Smoke {
    pub enabled: bool,
    started: Instant,
}

impl Smoke {
    pub fn from_args(args: &[String], started: Instant) -> Smoke {
        Smoke {
            enabled: args.iter().any(|a| a == "--smoke"),
            started,
        }
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
            } else {
                println!("smoke: ok");
                app.exit(0);
            }
        }
    }
}
