use crate::CoreError;
use subtle::ConstantTimeEq;

/// Length of a generated secret: 160 bits, the size RFC 4226 recommends for HMAC-SHA1.
pub const SECRET_LEN: usize = 20;

/// A shared TOTP secret (raw key bytes). Generated secrets are [`SECRET_LEN`] bytes;
/// parsed ones may be any non-empty length (the RFC 6238 vectors use 20, 32 and 64).
///
/// The bytes are wiped when the value is dropped (the wizard drops it when it closes,
/// the server after encrypting it), and equality takes the same time wherever the
/// first difference is.
#[derive(Clone, zeroize::ZeroizeOnDrop)]
pub struct Secret(Vec<u8>);

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        // Unequal lengths return early: the length of a secret is not secret.
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for Secret {}

impl Secret {
    /// A secret from bytes the caller drew from a CSPRNG (pure; tests pass fixed bytes).
    pub fn from_random_bytes(bytes: [u8; SECRET_LEN]) -> Self {
        Self(bytes.to_vec())
    }

    /// A fresh secret from the operating system's (or browser's) CSPRNG.
    pub fn generate() -> Result<Self, CoreError> {
        let mut bytes = [0u8; SECRET_LEN];
        getrandom::fill(&mut bytes).map_err(|e| CoreError::Random(e.to_string()))?;
        Ok(Self::from_random_bytes(bytes))
    }

    /// Raw key bytes of any non-empty length.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CoreError> {
        if bytes.is_empty() {
            return Err(CoreError::EmptySecret);
        }
        Ok(Self(bytes.to_vec()))
    }

    /// Parses Base32 the way people and apps write it: any case, with or without `=`
    /// padding, spaces or dashes between groups.
    pub fn from_base32(text: &str) -> Result<Self, CoreError> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '=')
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if cleaned.is_empty() {
            return Err(CoreError::EmptySecret);
        }
        let bytes = base32_decode(cleaned.as_bytes()).ok_or(CoreError::InvalidBase32)?;
        Self::from_bytes(&bytes)
    }

    /// Base32 without padding, upper case: what goes into `otpauth://` URIs.
    pub fn to_base32(&self) -> String {
        base32_encode(&self.0)
    }

    /// Base32 in groups of four separated by spaces, for people to read and type.
    pub fn to_grouped_base32(&self) -> String {
        group_in_fours(&self.to_base32())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// Never print key material by accident (logs, panics).
impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({} bytes)", self.0.len())
    }
}

// RFC 4648 Base32 by hand instead of the data-encoding crate: the browser bundle only needs
// this one alphabet without padding, and the crate's generic engine cost ≈17 KB of wasm
// (about 8% of the size budget) for it.
const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity((bytes.len() * 8).div_ceil(5));
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32_ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32_ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Upper-case Base32 without padding; `None` for a character outside the alphabet, a
/// length no byte string encodes to (8n + 1, 3 or 6 characters) or non-zero trailing
/// bits (a non-canonical encoding), as data-encoding's `BASE32_NOPAD` refused them.
fn base32_decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &c in text {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => return None,
        };
        buffer = (buffer << 5) | u32::from(value);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    // Five or more bits left over means a character that no byte needed.
    (bits < 5 && buffer & ((1 << bits) - 1) == 0).then_some(out)
}

fn group_in_fours(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for (i, c) in text.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secret_is_160_bits_of_base32_without_padding() {
        let a = Secret::generate().unwrap();
        let b = Secret::generate().unwrap();
        assert_eq!(a.as_bytes().len(), 20);
        assert_ne!(a, b, "two draws from the CSPRNG must differ");
        let text = a.to_base32();
        assert_eq!(text.len(), 32);
        assert!(!text.contains('='));
        assert!(
            text.chars()
                .all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))
        );
    }

    #[test]
    fn equality_compares_every_byte() {
        let a = Secret::from_bytes(b"12345678901234567890").unwrap();
        assert_eq!(a, Secret::from_base32(&a.to_base32()).unwrap());
        assert_ne!(a, Secret::from_bytes(b"12345678901234567891").unwrap());
        assert_ne!(a, Secret::from_bytes(b"1234567890123456789").unwrap());
        // Wiping is what ZeroizeOnDrop runs on drop; check it clears the key bytes.
        let mut wiped = a.clone();
        zeroize::Zeroize::zeroize(&mut wiped.0);
        assert!(wiped.0.is_empty());
    }

    #[test]
    fn known_bytes_encode_to_known_base32() {
        // RFC 4648 section 10 vector "foobar", and the RFC 6238 SHA1 seed.
        assert_eq!(
            Secret::from_bytes(b"foobar").unwrap().to_base32(),
            "MZXW6YTBOI"
        );
        let seed = Secret::from_random_bytes(*b"12345678901234567890");
        assert_eq!(seed.to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(
            seed.to_grouped_base32(),
            "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
        );
    }

    #[test]
    fn base32_parse_is_lenient_in_form_strict_in_content() {
        let s = Secret::from_base32("gezd gnbv-gy3t qojq gezd gnbv gy3t qojq").unwrap();
        assert_eq!(s.as_bytes(), b"12345678901234567890");
        assert_eq!(
            Secret::from_base32("MZXW6YTBOI======").unwrap().as_bytes(),
            b"foobar"
        );
        assert_eq!(Secret::from_base32("MZXW1"), Err(CoreError::InvalidBase32));
        assert_eq!(Secret::from_base32("  "), Err(CoreError::EmptySecret));
    }

    #[test]
    fn base32_matches_the_rfc_4648_vectors() {
        // RFC 4648 section 10, without the padding.
        let vectors: [(&[u8], &str); 7] = [
            (b"", ""),
            (b"f", "MY"),
            (b"fo", "MZXQ"),
            (b"foo", "MZXW6"),
            (b"foob", "MZXW6YQ"),
            (b"fooba", "MZXW6YTB"),
            (b"foobar", "MZXW6YTBOI"),
        ];
        for (bytes, text) in vectors {
            assert_eq!(base32_encode(bytes), text);
            assert_eq!(base32_decode(text.as_bytes()).as_deref(), Some(bytes));
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(base32_decode(base32_encode(&all).as_bytes()), Some(all));
    }

    #[test]
    fn base32_refuses_impossible_lengths_and_trailing_bits() {
        for text in ["M", "MZX", "MZXW6Y", "MZXW6YTBO"] {
            assert_eq!(base32_decode(text.as_bytes()), None, "{text}");
        }
        // "MZ" leaves the bits 01 after the byte "f": not what any encoder writes.
        assert_eq!(base32_decode(b"MZ"), None);
        assert_eq!(base32_decode(b"MZXW6YTBOJ"), None);
        assert_eq!(base32_decode(b"mzxq"), None, "the caller upper-cases");
    }

    #[test]
    fn debug_does_not_reveal_the_key() {
        let s = Secret::from_random_bytes(*b"12345678901234567890");
        assert_eq!(format!("{s:?}"), "Secret(20 bytes)");
    }
}
