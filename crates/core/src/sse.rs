//! Server-sent events as the browser reads them through `fetch`: the components read the
//! push challenge streams this way because `EventSource` cannot send a bearer token.

/// The data of every complete event in `buffer` (its `data:` lines joined by newlines;
/// comments such as keep-alives, and other fields, skipped), removing those events from
/// the buffer; an incomplete last event stays for the next chunk.
pub fn drain_events(buffer: &mut Vec<u8>) -> Vec<String> {
    let mut events = Vec::new();
    while let Some(end) = buffer.windows(2).position(|w| w == b"\n\n") {
        let event: Vec<u8> = buffer.drain(..end + 2).collect();
        let text = String::from_utf8_lossy(&event);
        let data: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .map(|d| d.strip_prefix(' ').unwrap_or(d))
            .collect();
        if !data.is_empty() {
            events.push(data.join("\n"));
        }
    }
    events
}

#[cfg(test)]
mod tests {
    use super::drain_events;

    #[test]
    fn events_split_across_chunks_and_keep_alives() {
        let mut buffer = b"event: state\ndata: {\"a\":1}\n\n:keep-alive\n\nevent: st".to_vec();
        assert_eq!(drain_events(&mut buffer), vec![r#"{"a":1}"#.to_owned()]);
        assert_eq!(buffer, b"event: st");
        buffer.extend_from_slice(b"ate\ndata: line 1\ndata:line 2\n\n");
        assert_eq!(drain_events(&mut buffer), vec!["line 1\nline 2".to_owned()]);
        assert!(buffer.is_empty());
        assert!(drain_events(&mut buffer).is_empty());
    }

    #[test]
    fn multibyte_text_split_between_chunks() {
        let text = "data: \u{00e9}t\u{00e9}\n\n".as_bytes();
        let mut buffer = text[..8].to_vec();
        assert!(drain_events(&mut buffer).is_empty());
        buffer.extend_from_slice(&text[8..]);
        assert_eq!(
            drain_events(&mut buffer),
            vec!["\u{00e9}t\u{00e9}".to_owned()]
        );
    }
}
