//! Adding an email address (SPEC section 2, G; password reset only): the person types
//! the address, the server sends a code there, the person types the code on the phone
//! dialog's code screen ([`crate::screens::phone::finish_request`]). "Change" sends the
//! code to the new address and names the method it replaces; the old address stays until
//! the new one is verified.

use crate::api::{EmailStartRequest, ErrorCode, Problem};
use crate::methods::normalize_email;
use crate::screens::phone::Refusal;

/// The start request for the typed address (trimmed, domain lower-cased), or why not.
pub fn start_request(
    address: &str,
    replaces: Option<String>,
    locale: Option<String>,
) -> Result<EmailStartRequest, Refusal> {
    let address = normalize_email(address).map_err(|_| Refusal::AddressInvalid)?;
    Ok(EmailStartRequest {
        address,
        replaces,
        locale,
    })
}

/// The refusal for a problem the server answered about the address or its code (`None`:
/// the general message). The server's `validation` is about the address here.
pub fn refusal(problem: &Problem) -> Option<Refusal> {
    match problem.code {
        ErrorCode::Validation => Some(Refusal::AddressInvalid),
        _ => Refusal::from_problem(problem),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_address_is_trimmed_and_its_domain_lower_cased() {
        let request = start_request("  Jan.Jansen@Contoso.NL ", None, Some("nl".into())).unwrap();
        assert_eq!(request.address, "Jan.Jansen@contoso.nl");
        assert_eq!(request.replaces, None);
        assert_eq!(request.locale.as_deref(), Some("nl"));
        let change = start_request("a@b.cd", Some("m7".into()), None).unwrap();
        assert_eq!(
            change.replaces.as_deref(),
            Some("m7"),
            "Change names the old one"
        );
    }

    #[test]
    fn what_is_not_an_address_is_refused_before_sending() {
        for bad in [
            "",
            "jan",
            "jan@",
            "@contoso.nl",
            "jan@contoso",
            "jan jansen@contoso.nl",
        ] {
            assert_eq!(
                start_request(bad, None, None),
                Err(Refusal::AddressInvalid),
                "{bad:?}"
            );
        }
        assert!(
            Refusal::AddressInvalid.about_number(),
            "aria-invalid on the field"
        );
    }

    #[test]
    fn server_answers_become_the_dialogs_messages() {
        let mut limited = Problem::new(ErrorCode::RateLimited);
        limited.retry_after = Some(40);
        assert_eq!(refusal(&limited), Some(Refusal::RateLimited(40)));
        assert_eq!(
            refusal(&Problem::new(ErrorCode::Validation)),
            Some(Refusal::AddressInvalid)
        );
        assert_eq!(
            refusal(&Problem::new(ErrorCode::DeliveryFailed)),
            Some(Refusal::DeliveryFailed)
        );
        assert_eq!(
            refusal(&Problem::new(ErrorCode::InvalidCode)),
            Some(Refusal::CodeWrong)
        );
        assert_eq!(refusal(&Problem::new(ErrorCode::StepUpRequired)), None);
    }
}
