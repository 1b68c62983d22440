//! SMS over SMPP 3.4 (`rusmppc`): one bound transceiver link per centre, opened when a message
//! is to go and kept for the provider's delivery receipts and for the texts people send back.
//! A text the GSM alphabet cannot carry (Cyrillic, Lao, Khmer) goes as UCS-2, long texts in
//! concatenated parts (67 characters each in UCS-2, 153 in GSM); the first part's message id
//! is the SMS's, for its receipt. A link that cannot be had, a server that is busy or a bind
//! refused tries again later; an address the server refuses fails the message.

use std::str::FromStr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use rusmpp::extra::concatenation::SubmitSmMultipartExt;
use rusmpp::extra::encoding::ucs2::Ucs2;
use rusmpp::pdus::{BindTransceiver, DeliverSm, DeliverSmResp, SubmitSm};
use rusmpp::types::{COctetString, OctetString};
use rusmpp::values::{
    DataCoding, EsmClass, InterfaceVersion, MessageType, Npi, RegisteredDelivery, Ton,
};
use rusmpp::{CommandStatus, Pdu};
use rusmppc::{Client, ConnectionBuilder, Event};
use tokio::sync::Mutex;

use super::outbox::{Queued, Sent};
use super::rating::inbound::{self, Fate};
use super::settings::{MessageSettings, Secrets};
use crate::Core;

/// The centre's SMPP link, opened on demand.
#[derive(Default)]
pub struct Link {
    bound: Mutex<Option<(String, Client)>>,
    reference: AtomicU16,
    /// Ids of the later parts of long texts sent lately: their receipts are not the message's.
    later_parts: std::sync::Mutex<std::collections::VecDeque<String>>,
}

impl Link {
    /// A bound client for the settings `s` (a new link when there is none, it closed, or the
    /// settings changed).
    async fn client(
        &self,
        core: &Core,
        s: &MessageSettings,
        secrets: &Secrets,
    ) -> Result<Client, String> {
        let key = format!(
            "{}\n{}\n{}",
            s.smpp_address, s.smpp_system_id, secrets.smpp_password
        );
        let mut bound = self.bound.lock().await;
        if let Some((k, c)) = bound.as_ref() {
            if *k == key && !c.is_closed() {
                return Ok(c.clone());
            }
            let _ = c.close().await;
        }
        *bound = None;
        let client = bind(core, s, secrets).await?;
        *bound = Some((key, client.clone()));
        Ok(client)
    }

    /// Closes the link (the settings changed, or the centre stops).
    pub async fn close(&self) {
        if let Some((_, c)) = self.bound.lock().await.take() {
            let _ = c.unbind().await;
            let _ = c.close().await;
        }
    }
}

fn text(field: &str, v: &str) -> Result<COctetString<1, 16>, String> {
    COctetString::from_str(v).map_err(|_| format!("the {field} cannot be sent to the SMPP server"))
}

async fn bind(core: &Core, s: &MessageSettings, secrets: &Secrets) -> Result<Client, String> {
    let (client, mut events) = ConnectionBuilder::new()
        .enquire_link_interval(Duration::from_secs(30))
        .response_timeout(Duration::from_secs(15))
        .disable_interface_version_check()
        .connect(format!("smpp://{}", s.smpp_address.trim()))
        .await
        .map_err(|e| format!("the SMPP server: {e}"))?;
    let password = COctetString::from_str(&secrets.smpp_password)
        .map_err(|_| "the SMPP password cannot be sent".to_string())?;
    let bound = client
        .bind_transceiver(
            BindTransceiver::builder()
                .system_id(text("system id", s.smpp_system_id.trim())?)
                .password(password)
                .interface_version(InterfaceVersion::Smpp3_4)
                .build(),
        )
        .await;
    if let Err(e) = bound {
        let _ = client.close().await;
        return Err(format!("the SMPP server refused the login: {e}"));
    }
    // Receipts and replies, for as long as the link lives.
    let (core, answer) = (core.clone(), client.clone());
    tokio::spawn(async move {
        while let Some(event) = events.next().await {
            match event {
                Event::Incoming(command) => {
                    if let Some(Pdu::DeliverSm(d)) = command.pdu() {
                        let (core, d) = (core.clone(), d.clone());
                        tokio::spawn(async move {
                            if let Err(e) = delivered(&core, &d).await {
                                tracing::warn!(error = %e, "an SMPP delivery could not be kept");
                            }
                        });
                        let resp = DeliverSmResp::builder().build();
                        let _ = answer
                            .deliver_sm_resp(command.sequence_number(), resp)
                            .await;
                    }
                }
                Event::Error(e) => tracing::warn!(error = %e, "the SMPP link"),
            }
        }
    });
    Ok(client)
}

/// A `deliver_sm`: a delivery receipt, or a text someone sent.
async fn delivered(core: &Core, d: &DeliverSm) -> Result<(), crate::error::ApiError> {
    let body = decode(d.data_coding, d.short_message().as_ref());
    if d.esm_class.message_type == MessageType::ShortMessageContainsMCDeliveryReceipt {
        let (id, stat) = receipt(&body);
        let Some(id) = id else { return Ok(()) };
        let later = core
            .smpp
            .later_parts
            .lock()
            .map(|l| l.contains(&id))
            .unwrap_or(false);
        if !later && !inbound::status(core, &id, Fate::parse(&stat), &stat).await? {
            tracing::info!(%id, "an SMPP receipt for no message sent from here");
        }
        return Ok(());
    }
    inbound::received(core, d.source_addr.as_str(), &body).await
}

/// A short message's text: UCS-2 (big-endian) or GSM/ASCII as bytes.
pub fn decode(coding: DataCoding, bytes: &[u8]) -> String {
    if coding == DataCoding::Ucs2 {
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|p| u16::from_be_bytes([p[0], p[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// The message id and state of a receipt's text (`id:… sub:… dlvrd:… stat:DELIVRD err:…`).
pub fn receipt(text: &str) -> (Option<String>, String) {
    let field = |name: &str| {
        text.split_whitespace()
            .find_map(|w| w.strip_prefix(name).map(str::to_string))
    };
    (field("id:"), field("stat:").unwrap_or_default())
}

pub async fn send(core: &Core, s: &MessageSettings, secrets: &Secrets, m: &Queued) -> Sent {
    let client = match core.smpp.client(core, s, secrets).await {
        Ok(c) => c,
        Err(e) => return Sent::Later(e),
    };
    let sender = s.sms_sender.trim();
    let alphanumeric = sender.chars().any(|c| c.is_ascii_alphabetic());
    let to: String = m.address.chars().filter(char::is_ascii_digit).collect();
    let (Ok(source), Ok(destination)) =
        (COctetString::from_str(sender), COctetString::from_str(&to))
    else {
        return Sent::Never("the sender or the number cannot be sent over SMPP".into());
    };
    let reference = core.smpp.reference.fetch_add(1, Ordering::Relaxed);
    let parts = SubmitSm::builder()
        .source_addr_ton(if alphanumeric {
            Ton::Alphanumeric
        } else {
            Ton::International
        })
        .source_addr_npi(if alphanumeric {
            Npi::Unknown
        } else {
            Npi::Isdn
        })
        .source_addr(source)
        .dest_addr_ton(Ton::International)
        .dest_addr_npi(Npi::Isdn)
        .destination_addr(destination)
        .esm_class(EsmClass::default())
        .registered_delivery(RegisteredDelivery::request_all())
        .data_coding(DataCoding::default())
        .short_message(OctetString::empty())
        .build()
        .multipart(&m.body)
        .reference_u16(reference)
        .gsm7bit_unpacked()
        .fallback(Ucs2::new())
        .build();
    let parts = match parts {
        Ok(p) => p,
        Err(e) => return Sent::Never(format!("the text cannot be sent as SMS: {e}")),
    };
    let mut first = None;
    for part in parts {
        match client.submit_sm(part).await {
            Ok(resp) => {
                let id = resp.message_id().as_str().to_string();
                if first.is_none() {
                    first = Some(id);
                } else if let Ok(mut later) = core.smpp.later_parts.lock() {
                    if later.len() >= 10_000 {
                        later.pop_front();
                    }
                    later.push_back(id);
                }
            }
            // A text half sent is not sent again whole: the client would get it twice.
            Err(e) if first.is_some() => {
                return Sent::Never(format!("the SMPP server took only part of the text: {e}"));
            }
            Err(rusmppc::error::Error::UnexpectedResponse { response }) => {
                let status = response.status();
                let said = format!("the SMPP server answered {status:?}");
                return match status {
                    CommandStatus::EsmeRinvdstadr
                    | CommandStatus::EsmeRinvsrcadr
                    | CommandStatus::EsmeRinvmsglen => Sent::Never(said),
                    _ => Sent::Later(said),
                };
            }
            Err(e) => {
                core.smpp.close().await;
                return Sent::Later(format!("the SMPP server: {e}"));
            }
        }
    }
    Sent::Ok(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_and_ucs2_are_read() {
        let (id, stat) = receipt("id:m-7 sub:001 dlvrd:001 submit date:2611231600 done date:2611231601 stat:DELIVRD err:000 text:Hi");
        assert_eq!((id.as_deref(), stat.as_str()), (Some("m-7"), "DELIVRD"));
        let bytes: Vec<u8> = "5 спасибо"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(decode(DataCoding::Ucs2, &bytes), "5 спасибо");
        assert_eq!(decode(DataCoding::McSpecific, b"4"), "4");
    }
}
