//! Voice broadcast through the office PBX (a peer replaying the recorded click-to-call): a
//! WAV recording uploaded, the numbers dialled with `Originate` into `Playback` of the
//! recording's address on the hub, the call marked placed; a file that is not WAV and a PBX
//! that is not there refused.

use base64::Engine;
use hallpass_core::api::*;
use hallpass_core::telephony::ami::replay::{serve_times, Recording};
use hallpass_core::telephony::live;
use tokio::sync::mpsc;

use crate::support::each_engine;
use crate::telephony_live::{asterisk_at, visiting_parent, wait_for};

/// A short silent WAV: 8 kHz, mono, 16-bit.
fn wav() -> Vec<u8> {
    let data = vec![0u8; 1600];
    let mut w = Vec::new();
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes());
    w.extend_from_slice(&8000u32.to_le_bytes());
    w.extend_from_slice(&16000u32.to_le_bytes());
    w.extend_from_slice(&2u16.to_le_bytes());
    w.extend_from_slice(&16u16.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&(data.len() as u32).to_le_bytes());
    w.extend_from_slice(&data);
    w
}

#[tokio::test]
async fn a_recording_is_played_to_the_list_through_the_pbx() {
    each_engine(|t| async move {
        t.demo().await;
        let manager = t.login("manager").await;
        let reception = t.login("reception").await;
        let mgr = Some(manager.as_str());
        let upload = |content: Vec<u8>| FileUploadArgs {
            file_name: "open-day".into(),
            content: base64::engine::general_purpose::STANDARD.encode(content),
            purpose: FilePurpose::Recording,
        };
        let not_wav = t.core.file_upload(mgr, upload(b"just text".to_vec())).await;
        assert!(matches!(&not_wav, Err(ApiError::Validation { errors }) if errors[0].code == "unsupported_type"), "{not_wav:?}");
        let file = t.core.file_upload(mgr, upload(wav())).await.unwrap();
        assert_eq!((file.mime.as_str(), file.name.as_str()), ("audio/wav", "open-day.wav"));
        let parent = visiting_parent(&t, &manager).await;
        let args = || VoiceBroadcastStartArgs {
            name: "Open day".into(),
            file_id: file.id,
            client_ids: vec![parent.id],
            group_id: None,
            saved_filter_id: None,
            hub_address: "http://192.168.1.10:8080/".into(),
        };
        live::start(&t.core);
        let refused = t.core.voice_broadcast_start(mgr, args()).await;
        assert!(matches!(refused, Err(ApiError::Unavailable { .. })), "no PBX: {refused:?}");

        let (heard, mut actions) = mpsc::unbounded_channel();
        let address = serve_times(Recording::fixture("d").unwrap(), 20.0, 1, heard).await.unwrap();
        asterisk_at(&t, &manager, &reception, address).await;
        wait_for(async || {
            t.core.pbx_status(mgr, NoArgs {}).await.unwrap().link == PbxLink::Connected
        })
        .await;
        let mut bad = args();
        bad.hub_address = "192.168.1.10".into();
        bad.name = String::new();
        let Err(ApiError::Validation { errors }) = t.core.voice_broadcast_start(mgr, bad).await else {
            panic!("refused")
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "hub_address"]);

        let started = t.core.voice_broadcast_start(mgr, args()).await.unwrap();
        assert_eq!((started.total, started.skipped), (1, 0));
        let originate = loop {
            let b = actions.recv().await.unwrap();
            if b.get("Action") == Some("Originate") {
                break b;
            }
        };
        // The card's first number, as the centre dials it.
        let card = t.core.client_get(mgr, ClientGetArgs { id: parent.id }).await.unwrap();
        let channel = originate.get("Channel").unwrap();
        let dialled = channel.strip_prefix("Local/").and_then(|c| c.strip_suffix("@internal")).unwrap();
        assert!(dialled.chars().all(|c| c.is_ascii_digit()), "{channel}");
        assert!(card.phones[0].number.ends_with(dialled.trim_start_matches('0')), "{channel}");
        assert_eq!(originate.get("Application"), Some("Playback"));
        let data = originate.get("Data").unwrap().to_string();
        let token = data.strip_prefix("http://192.168.1.10:8080/api/media/").expect("the hub's address");
        let media = hallpass_core::telephony::broadcast::media(&t.core, token).await.unwrap();
        assert_eq!(media, Some(wav()), "the PBX fetches the recording");
        assert_eq!(hallpass_core::telephony::broadcast::media(&t.core, "nope.wav").await.unwrap(), None);
        wait_for(async || {
            let list = t.core.voice_broadcasts_list(mgr, NoArgs {}).await.unwrap();
            list[0].status == "done"
        })
        .await;
        let list = t.core.voice_broadcasts_list(mgr, NoArgs {}).await.unwrap();
        assert_eq!((list[0].placed, list[0].failed), (1, 0));
        live::stop(&t.core);
    })
    .await;
}
