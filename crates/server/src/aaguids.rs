//! Names of common authenticator models by AAGUID, to suggest a security key's name (the
//! browser bundle does not carry this table). From the models' published metadata; an
//! AAGUID not listed (or all zeros, as many keys send without attestation) has no name.

const MODELS: [(&str, &str); 20] = [
    ("cb69481e-8ff7-4039-93ec-0a2729a154a8", "YubiKey 5 Series"),
    ("ee882879-721c-4913-9775-3dfcce97072a", "YubiKey 5 Series"),
    (
        "fa2b99dc-9e39-4257-8f92-4a30d23c4118",
        "YubiKey 5 Series with NFC",
    ),
    (
        "2fc0579f-8113-47ea-b116-bb5a8db9202a",
        "YubiKey 5 Series with NFC",
    ),
    ("c5ef55ff-ad9a-4b9f-b580-adebafe026d0", "YubiKey 5Ci"),
    (
        "73bb0cd4-e502-49b8-9c6f-b59445bf720b",
        "YubiKey 5 FIPS Series",
    ),
    ("d8522d9f-575b-4866-88a9-ba99fa02f35b", "YubiKey Bio Series"),
    (
        "149a2021-8ef6-4133-96b8-81f8d5b7f1f5",
        "Security Key by Yubico with NFC",
    ),
    (
        "a4e9fc6d-4cbe-4758-b8ba-37598bb5bbaa",
        "Security Key NFC by Yubico",
    ),
    (
        "0bb43545-fd2c-4185-87dd-feb0b2916ace",
        "Security Key NFC by Yubico - Enterprise Edition",
    ),
    (
        "42b4fb4a-2866-43b2-9bf7-6c6669c2e5d3",
        "Google Titan Security Key v2",
    ),
    (
        "ea9b8d66-4d01-1d21-3ce4-b6b48cb575d4",
        "Google Password Manager",
    ),
    ("adce0002-35bc-c60a-648b-0b25f1f05503", "Chrome on Mac"),
    ("fbfc3007-154e-4ecc-8c0b-6e020557d7bd", "iCloud Keychain"),
    ("08987058-cadc-4b81-b6e1-30de50dcbe96", "Windows Hello"),
    ("9ddd1817-af5a-4672-a2b9-3e3dd95000a9", "Windows Hello"),
    ("6028b017-b1d4-4c02-b4b3-afcdafc96bb2", "Windows Hello"),
    ("bada5566-a7aa-401f-bd96-45619a55120d", "1Password"),
    ("d548826e-79b4-db40-a3d8-11116f7e8349", "Bitwarden"),
    ("531126d6-e717-415c-9320-3d9aa6981239", "Dashlane"),
];

/// The model's name for an AAGUID (hyphenated, any case), if it is a known one.
pub fn model(aaguid: &str) -> Option<&'static str> {
    MODELS
        .iter()
        .find(|(id, _)| id.eq_ignore_ascii_case(aaguid))
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_models_are_named_and_others_are_not() {
        assert_eq!(
            model("CB69481E-8FF7-4039-93EC-0A2729A154A8"),
            Some("YubiKey 5 Series")
        );
        assert_eq!(model("00000000-0000-0000-0000-000000000000"), None);
        assert!(MODELS.len() >= 10);
        for (id, _) in MODELS {
            assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
        }
    }
}
