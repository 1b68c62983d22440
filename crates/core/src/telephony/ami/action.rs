//! Writing an action: `Action:` and `ActionID:` first, then the fields, then the empty line.
//! A value that would end its line early (CR or LF) is refused: it could smuggle a second
//! action onto the connection.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionError {
    pub field: String,
}

impl std::fmt::Display for ActionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the AMI field {} holds a line break", self.field)
    }
}

/// The bytes of an action.
pub fn action(name: &str, action_id: &str, fields: &[(&str, &str)]) -> Result<String, ActionError> {
    let mut out = String::new();
    for (k, v) in [("Action", name), ("ActionID", action_id)]
        .iter()
        .chain(fields)
    {
        if k.contains(['\r', '\n', ':']) || v.contains(['\r', '\n']) {
            return Err(ActionError {
                field: k.to_string(),
            });
        }
        out.push_str(k);
        out.push_str(": ");
        out.push_str(v);
        out.push_str("\r\n");
    }
    out.push_str("\r\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_an_originate_as_the_pbx_expects() {
        let a = action(
            "Originate",
            "click2call-42",
            &[
                ("Channel", "PJSIP/101"),
                ("Exten", "87011234567"),
                ("Variable", "HALLPASS_CLIENT=42"),
            ],
        )
        .unwrap();
        assert_eq!(
            a,
            "Action: Originate\r\nActionID: click2call-42\r\nChannel: PJSIP/101\r\nExten: 87011234567\r\nVariable: HALLPASS_CLIENT=42\r\n\r\n"
        );
    }

    #[test]
    fn refuses_a_line_break_in_a_value() {
        let e = action("Originate", "1", &[("Exten", "1\r\nAction: Command")]).unwrap_err();
        assert_eq!(e.field, "Exten");
    }
}
