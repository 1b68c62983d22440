//! The stand-in PBX's channels, followed from the recorded events it has played (or that
//! happened while nobody was connected), so it can answer `CoreShowChannels` and `Status` as
//! Asterisk does: each channel's snapshot as its latest event gave it, its bridge, its age.
//! The user it plays is the recordings' `crm` (`write=originate,call`): `CoreShowChannels` is
//! refused as the recorded PBX refused it, unless the peer is told it has `reporting` too.

use super::super::Block;

/// The fields of a channel's snapshot, as every channel event carries them.
const SNAPSHOT: [&str; 14] = [
    "Channel",
    "ChannelState",
    "ChannelStateDesc",
    "CallerIDNum",
    "CallerIDName",
    "ConnectedLineNum",
    "ConnectedLineName",
    "Language",
    "AccountCode",
    "Context",
    "Exten",
    "Priority",
    "Uniqueid",
    "Linkedid",
];

struct Channel {
    snapshot: Vec<(String, String)>,
    /// The recording's time it was made at, in seconds.
    born: f64,
    bridge: String,
    application: (String, String),
}

/// The channels alive at the recording's current moment.
#[derive(Default)]
pub(crate) struct Channels {
    live: Vec<Channel>,
    clock: f64,
}

impl Channels {
    fn find(&mut self, uid: &str) -> Option<&mut Channel> {
        self.live
            .iter_mut()
            .find(|c| c.snapshot.iter().any(|(k, v)| k == "Uniqueid" && v == uid))
    }

    /// One recorded block happened at `at` (seconds into the recording).
    pub fn apply(&mut self, bytes: &[u8], at: f64) {
        self.clock = at;
        let b = Block::parse(bytes);
        let Some(event) = b.event() else { return };
        // A dial's other side comes with the `Dest` prefix.
        for prefix in ["", "Dest"] {
            let field = |k: &str| b.get(&format!("{prefix}{k}"));
            let Some(uid) = field("Uniqueid").map(str::to_string) else {
                continue;
            };
            let snapshot: Vec<(String, String)> = SNAPSHOT
                .iter()
                .filter_map(|k| Some((k.to_string(), field(k)?.to_string())))
                .collect();
            if prefix.is_empty() && event == "Newchannel" {
                self.live.push(Channel {
                    snapshot,
                    born: at,
                    bridge: String::new(),
                    application: Default::default(),
                });
                continue;
            }
            if prefix.is_empty() && event == "Hangup" {
                self.live
                    .retain(|c| !c.snapshot.iter().any(|(k, v)| k == "Uniqueid" && *v == uid));
                continue;
            }
            let Some(c) = self.find(&uid) else { continue };
            for (k, v) in snapshot {
                match c.snapshot.iter_mut().find(|(have, _)| *have == k) {
                    Some(slot) => slot.1 = v,
                    None => c.snapshot.push((k, v)),
                }
            }
            if prefix.is_empty() {
                match event {
                    "BridgeEnter" => c.bridge = b.get("BridgeUniqueid").unwrap_or_default().into(),
                    "BridgeLeave" => c.bridge.clear(),
                    "Newexten" => {
                        c.application = (
                            b.get("Application").unwrap_or_default().into(),
                            b.get("AppData").unwrap_or_default().into(),
                        )
                    }
                    _ => {}
                }
            }
        }
    }

    /// The answer to `action` (under our `ActionID` `id`), as Asterisk writes it.
    pub fn answer(&self, action: &str, id: &str, reporting: bool) -> Option<String> {
        let mut out = String::new();
        let mut line = |k: &str, v: &str| {
            out.push_str(k);
            out.push_str(": ");
            out.push_str(v);
            out.push_str("\r\n");
        };
        match action {
            "CoreShowChannels" if !reporting => {
                line("Response", "Error");
                line("ActionID", id);
                line("Message", "Permission denied");
            }
            "CoreShowChannels" => {
                line("Response", "Success");
                line("ActionID", id);
                line("EventList", "start");
                line("Message", "Channels will follow");
                for c in &self.live {
                    out.push_str("\r\n");
                    let mut line = |k: &str, v: &str| {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    };
                    line("Event", "CoreShowChannel");
                    line("ActionID", id);
                    for (k, v) in &c.snapshot {
                        line(k, v);
                    }
                    line("Application", &c.application.0);
                    line("ApplicationData", &c.application.1);
                    let s = self.age(c);
                    line(
                        "Duration",
                        &format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60),
                    );
                    line("BridgeId", &c.bridge);
                }
                out.push_str("\r\n");
                out.push_str(&format!(
                    "Event: CoreShowChannelsComplete\r\nActionID: {id}\r\nEventList: Complete\r\nListItems: {}\r\n",
                    self.live.len()
                ));
            }
            "Status" => {
                line("Response", "Success");
                line("ActionID", id);
                line("EventList", "start");
                line("Message", "Channel status will follow");
                for c in &self.live {
                    out.push_str("\r\nEvent: Status\r\nPrivilege: Call\r\n");
                    for (k, v) in &c.snapshot {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    }
                    out.push_str(&format!(
                        "BridgeID: {}\r\nApplication: {}\r\nData: {}\r\nSeconds: {}\r\nActionID: {id}\r\n",
                        c.bridge,
                        c.application.0,
                        c.application.1,
                        self.age(c)
                    ));
                }
                out.push_str(&format!(
                    "\r\nEvent: StatusComplete\r\nActionID: {id}\r\nEventList: Complete\r\nListItems: {n}\r\nItems: {n}\r\n",
                    n = self.live.len()
                ));
            }
            _ => return None,
        }
        out.push_str("\r\n");
        Some(out)
    }

    fn age(&self, c: &Channel) -> u64 {
        (self.clock - c.born).max(0.0) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telephony::ami::replay::Recording;
    use crate::telephony::ami::{Frame, Framer};

    fn blocks(text: &str) -> Vec<Block> {
        let mut framer = Framer::new(64 * 1024);
        framer.push(b"peer\r\n");
        framer.push(text.as_bytes());
        std::iter::from_fn(|| framer.next_frame())
            .filter_map(|f| match f {
                Ok(Frame::Block(b)) => Some(b),
                _ => None,
            })
            .collect()
    }

    /// The recorded PBX listed its channels during call a (`ami-a-coreshowchannels`, over a
    /// second connection): the peer, having played call a up to that moment, lists the same.
    #[test]
    fn lists_the_channels_the_recorded_pbx_listed() {
        let a = Recording::fixture("a").unwrap();
        let listing = Recording::fixture("a-coreshowchannels").unwrap();
        let recorded: Vec<Block> = listing
            .blocks
            .iter()
            .map(|(b, _)| Block::parse(b))
            .filter(|b| b.event() == Some("CoreShowChannel"))
            .collect();
        // When the listing came, on call a's clock.
        let at = listing.started_at + listing.blocks[3].1;
        let mut channels = Channels::default();
        for (bytes, t) in &a.blocks[1..] {
            if a.started_at + t <= at {
                channels.apply(bytes, *t);
            }
        }
        let ours = blocks(&channels.answer("CoreShowChannels", "x", true).unwrap());
        assert_eq!(ours[0].get("EventList"), Some("start"));
        let listed: Vec<&Block> = ours
            .iter()
            .filter(|b| b.event() == Some("CoreShowChannel"))
            .collect();
        assert_eq!(listed.len(), recorded.len());
        for (ours, theirs) in listed.iter().zip(&recorded) {
            for k in SNAPSHOT.iter().chain(&["Duration", "BridgeId"]) {
                assert_eq!(
                    ours.get(k),
                    theirs.get(k),
                    "{k} of {:?}",
                    theirs.get("Channel")
                );
            }
        }
        assert_eq!(ours.last().unwrap().get("ListItems"), Some("2"));

        // The recordings' user may not list them so; `Status` it may.
        let denied = blocks(&channels.answer("CoreShowChannels", "y", false).unwrap());
        assert_eq!(
            (denied[0].response(), denied[0].get("Message")),
            (Some("Error"), Some("Permission denied"))
        );
        let status = blocks(&channels.answer("Status", "z", false).unwrap());
        assert_eq!(status.len(), 4);
        assert_eq!(status[1].get("BridgeID"), recorded[0].get("BridgeId"));
        assert_eq!(status[3].event(), Some("StatusComplete"));
    }
}
