//! The messages that carry a code, in the person's language (English and Dutch).

use super::Channel;

/// The supported message languages: `nl…` is Dutch, anything else English.
pub fn locale_of(requested: Option<&str>) -> &'static str {
    match requested {
        Some(l) if l.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("nl")) => "nl",
        _ => "en",
    }
}

/// What to send: subject (email), plain text (also what a call reads out) and HTML.
pub struct Compose<'a> {
    pub channel: Channel,
    pub locale: &'static str,
    pub code: &'a str,
    pub minutes: u32,
    pub issuer: &'a str,
}

/// `(subject, text, html)` of the message.
pub fn compose(c: &Compose<'_>) -> (String, String, String) {
    let Compose {
        channel,
        locale,
        code,
        minutes,
        issuer,
    } = *c;
    // A voice reads digits one by one when they are separated.
    let spoken: String = code
        .chars()
        .map(String::from)
        .collect::<Vec<_>>()
        .join(", ");
    let dutch = locale == "nl";
    let subject = if dutch {
        format!("Je verificatiecode voor {issuer}")
    } else {
        format!("Your {issuer} verification code")
    };
    let text = match (channel, dutch) {
        (Channel::Call, false) => format!(
            "This is {issuer}. Your verification code is {spoken}. Again: {spoken}. It expires in {minutes} minutes."
        ),
        (Channel::Call, true) => format!(
            "Dit is {issuer}. Je verificatiecode is {spoken}. Nogmaals: {spoken}. De code verloopt over {minutes} minuten."
        ),
        (_, false) => format!(
            "Your {issuer} verification code is {code}. It expires in {minutes} minutes. If you didn't ask for it, ignore this message."
        ),
        (_, true) => format!(
            "Je verificatiecode voor {issuer} is {code}. De code verloopt over {minutes} minuten. Heb je er niet om gevraagd? Negeer dit bericht dan."
        ),
    };
    let issuer_html = escape(issuer);
    let html = if dutch {
        format!(
            "<!doctype html><html lang=\"nl\"><body><p>Je verificatiecode voor {issuer_html} is:</p>\
             <p style=\"font-size:1.5em;letter-spacing:.2em\"><strong>{code}</strong></p>\
             <p>De code verloopt over {minutes} minuten. Heb je er niet om gevraagd? Negeer dit bericht dan.</p></body></html>"
        )
    } else {
        format!(
            "<!doctype html><html lang=\"en\"><body><p>Your {issuer_html} verification code is:</p>\
             <p style=\"font-size:1.5em;letter-spacing:.2em\"><strong>{code}</strong></p>\
             <p>It expires in {minutes} minutes. If you didn't ask for it, ignore this message.</p></body></html>"
        )
    };
    (subject, text, html)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_translated_and_carry_the_code() {
        let c = Compose {
            channel: Channel::Text,
            locale: locale_of(Some("nl-NL")),
            code: "123456",
            minutes: 10,
            issuer: "Contoso <IT>",
        };
        let (subject, text, html) = compose(&c);
        assert_eq!(subject, "Je verificatiecode voor Contoso <IT>");
        assert!(text.starts_with("Je verificatiecode voor Contoso <IT> is 123456."));
        assert!(html.contains("Contoso &lt;IT&gt;") && html.contains("<strong>123456</strong>"));
        let call = compose(&Compose {
            channel: Channel::Call,
            locale: locale_of(Some("en-GB")),
            ..c
        })
        .1;
        assert!(call.contains("1, 2, 3, 4, 5, 6"), "{call}");
        assert_eq!(locale_of(None), "en");
        assert_eq!(locale_of(Some("n")), "en");
    }
}
