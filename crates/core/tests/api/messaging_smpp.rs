//! SMS over SMPP into a local SMSC (a test peer speaking SMPP 3.4 with `rusmpp`'s codec): the
//! bind with the kept password, a Cyrillic text sent as UCS-2 in concatenated parts, the
//! first part's id taken for the delivery receipt that marks it delivered, and a reply the
//! SMSC delivers kept on the card; a wrong password keeps the message queued.

use std::str::FromStr;
use std::sync::{Arc, Mutex};

use futures_util::{SinkExt, StreamExt};
use hallpass_core::api::*;
use hallpass_core::messaging::outbox::drain;
use hallpass_core::messaging::sms_http;
use rusmpp::pdus::{BindTransceiverResp, DeliverSm, SubmitSmResp};
use rusmpp::tokio_codec::CommandCodec;
use rusmpp::types::{COctetString, OctetString};
use rusmpp::values::{DataCoding, EsmClass};
use rusmpp::{Command, CommandStatus, Pdu};
use tokio_util::codec::Framed;

use crate::messaging::{configure, free_port, settings, status_of};
use crate::support::each_engine;
use crate::telephony_live::visiting_parent;

/// What the SMSC took: (destination, data coding, UDH present, bytes).
type Taken = Arc<Mutex<Vec<(String, DataCoding, bool, Vec<u8>)>>>;

/// A local SMSC: binds `hallpass`/`secret8`, takes every part, sends a receipt for the first
/// part of each message and then a reply in UCS-2 from the visiting parent.
async fn smsc() -> (String, Taken) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let taken: Taken = Arc::default();
    let kept = taken.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let mut link = Framed::new(socket, CommandCodec::new());
                let mut n = 0u32;
                let mut seq = 1000u32;
                while let Some(Ok(command)) = link.next().await {
                    let answer = match command.pdu() {
                        Some(Pdu::BindTransceiver(b)) => {
                            let ok = b.system_id.as_str() == "hallpass"
                                && b.password.as_str() == "secret8";
                            let status = if ok {
                                CommandStatus::EsmeRok
                            } else {
                                CommandStatus::EsmeRinvpaswd
                            };
                            let resp = BindTransceiverResp::builder()
                                .system_id(COctetString::from_str("smsc").unwrap())
                                .build();
                            Command::new(status, command.sequence_number(), resp)
                        }
                        Some(Pdu::SubmitSm(sm)) => {
                            n += 1;
                            let udh = u8::from(sm.esm_class) & 0x40 != 0;
                            let bytes = sm.short_message().as_ref().to_vec();
                            kept.lock().unwrap().push((
                                sm.destination_addr.as_str().to_string(),
                                sm.data_coding,
                                udh,
                                bytes,
                            ));
                            let id = format!("m-{n}");
                            let resp = SubmitSmResp::builder()
                                .message_id(COctetString::from_str(&id).unwrap())
                                .build();
                            link.send(Command::new(
                                CommandStatus::EsmeRok,
                                command.sequence_number(),
                                resp,
                            ))
                            .await
                            .unwrap();
                            if n == 1 {
                                let receipt = format!("id:{id} sub:001 dlvrd:001 submit date:2611231600 done date:2611231601 stat:DELIVRD err:000 text:");
                                let reply: Vec<u8> = "5 спасибо"
                                    .encode_utf16()
                                    .flat_map(u16::to_be_bytes)
                                    .collect();
                                for (esm, coding, body) in [
                                    (0x04u8, DataCoding::McSpecific, receipt.into_bytes()),
                                    (0x00u8, DataCoding::Ucs2, reply),
                                ] {
                                    seq += 1;
                                    let d = DeliverSm::builder()
                                        .source_addr(COctetString::from_str("77011234567").unwrap())
                                        .destination_addr(
                                            COctetString::from_str("SunnyDays").unwrap(),
                                        )
                                        .esm_class(EsmClass::from(esm))
                                        .data_coding(coding)
                                        .short_message(OctetString::from_vec(body).unwrap())
                                        .build();
                                    link.send(Command::new(CommandStatus::EsmeRok, seq, d))
                                        .await
                                        .unwrap();
                                }
                            }
                            continue;
                        }
                        Some(Pdu::EnquireLink) => Command::new(
                            CommandStatus::EsmeRok,
                            command.sequence_number(),
                            Pdu::EnquireLinkResp,
                        ),
                        Some(Pdu::Unbind) => Command::new(
                            CommandStatus::EsmeRok,
                            command.sequence_number(),
                            Pdu::UnbindResp,
                        ),
                        _ => continue,
                    };
                    if link.send(answer).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (address, taken)
}

#[tokio::test]
async fn a_cyrillic_sms_goes_over_smpp_in_ucs2_parts_and_its_receipt_and_reply_come_back() {
    each_engine(|t| async move {
        t.demo().await;
        t.exec("DELETE FROM messages_in").await;
        t.exec("DELETE FROM call_ratings").await;
        let manager = t.login("manager").await;
        let (address, taken) = smsc().await;
        let mut s = settings(free_port(), "");
        s.sms_kind = SmsKind::Smpp;
        s.smpp_address = address;
        s.smpp_system_id = "hallpass".into();
        s.smpp_password = Some("wrong".into());
        configure(&t, &manager, s.clone()).await;
        let parent = visiting_parent(&t, &manager).await;
        let body = "Здравствуйте! Напоминаем: ваш абонемент заканчивается через три дня, продлите его на ресепшене.";
        let sent = t
            .core
            .message_send(
                Some(&manager),
                MessageSendArgs {
                    channel: MessageChannel::Sms,
                    client_ids: vec![parent.id],
                    group_id: None,
                    saved_filter_id: None,
                    template_id: None,
                    subject: String::new(),
                    body: body.into(),
                },
            )
            .await
            .unwrap();
        assert_eq!(sent.queued, 1);
        // A refused login: the message waits.
        drain(&t.core, &sms_http::client()).await.unwrap();
        let list = status_of(&t, &manager, parent.id).await;
        assert_eq!(list[0].status, MessageStatus::Queued, "{:?}", list[0]);
        assert!(taken.lock().unwrap().is_empty());

        s.smpp_password = Some("secret8".into());
        configure(&t, &manager, s).await;
        t.exec("UPDATE messages SET next_attempt_at = created_at").await;
        drain(&t.core, &sms_http::client()).await.unwrap();
        let parts = taken.lock().unwrap().clone();
        assert_eq!(parts.len(), 2, "{} characters in UCS-2: two parts", body.chars().count());
        let card = t.core.client_get(Some(&manager), ClientGetArgs { id: parent.id }).await.unwrap();
        let mut text = String::new();
        for (to, coding, udh, bytes) in &parts {
            assert_eq!(to, card.phones[0].number.trim_start_matches('+'), "the card's first number");
            assert_eq!(*coding, DataCoding::Ucs2);
            assert!(*udh, "concatenated parts carry a UDH");
            // The user data header first: its length, then itself.
            let header = 1 + bytes[0] as usize;
            let units: Vec<u16> = bytes[header..].chunks_exact(2).map(|p| u16::from_be_bytes([p[0], p[1]])).collect();
            text.push_str(&String::from_utf16(&units).unwrap());
        }
        assert_eq!(text, body);
        // The receipt and the reply arrive on the link.
        for _ in 0..100 {
            if t.count("messages_in").await == 1
                && status_of(&t, &manager, parent.id).await[0].status == MessageStatus::Delivered
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(status_of(&t, &manager, parent.id).await[0].status, MessageStatus::Delivered);
        assert_eq!(t.count("messages_in").await, 1);
        hallpass_core::messaging::outbox::stop(&t.core);
    })
    .await;
}
