//! The core's hot operations, natively with criterion (`cargo bench -p security-info-core`)
//! and inside headless Chromium with wasm-bindgen-test's copy of criterion
//! (`cargo bench --target wasm32-unknown-unknown -p security-info-core --profile
//! wasm-release`, run by `wasm-bindgen-test-runner` through chromedriver). The operations
//! are written once ([`operations!`]) so both figures measure the same thing.
//! `scripts/bench.sh` runs both and prints them beside their goals (TOTP generate+verify
//! ≥ 500k ops/s and QR SVG ≤ 0.5 ms, in wasm). Figures, never assertions.

use security_info_core::Secret;
use security_info_core::otpauth::OtpAuthUri;
use security_info_core::qr::qr_svg;
use security_info_core::totp::{TotpParams, Window};
use std::hint::black_box;

/// A fixed moment (2025-12-01 00:00 UTC), so every run checks the same time steps.
const NOW: u64 = 1_764_547_200;

fn fixed_secret() -> Secret {
    Secret::from_random_bytes(
        *b"\x01\x23\x45\x67\x89\xab\xcd\xef\xfe\xdc\xba\x98\x76\x54\x32\x10\x00\xff\x7f\x80",
    )
}

/// What the authenticator wizard encodes: an organisation, an e-mail address, a
/// 160-bit secret (87 characters).
fn typical_uri() -> String {
    OtpAuthUri::new("Contoso", "jan@contoso.nl", fixed_secret()).to_string()
}

/// The benchmarks, for either harness: their `Criterion` types differ, their API does not.
/// - `totp generate+verify`: the code for now, then checking it (the wizard's local
///   check; a valid code matches at the first step tried);
/// - `totp wrong code`: checking a wrong code, which tries every step of the window and
///   the drift steps (23 HMACs, the server's worst case per guess);
/// - `qr svg`: encoding the typical otpauth URI and writing the SVG;
/// - `secret generate`: 160 bits from the OS's (or the browser's) CSPRNG.
macro_rules! operation {
    ($c:expr, totp_generate_verify) => {{
        let params = TotpParams::default();
        let secret = fixed_secret();
        $c.bench_function("totp generate+verify", |b| {
            b.iter(|| {
                let code = params.code_at(black_box(secret.as_bytes()), black_box(NOW));
                params.verify(secret.as_bytes(), &code, NOW, Window::default())
            })
        });
    }};
    ($c:expr, totp_wrong_code) => {{
        let params = TotpParams::default();
        let secret = fixed_secret();
        let right = params.code_at(secret.as_bytes(), NOW);
        let wrong = if right == "000000" {
            "000001"
        } else {
            "000000"
        };
        $c.bench_function("totp wrong code", |b| {
            b.iter(|| {
                params.verify(
                    black_box(secret.as_bytes()),
                    black_box(wrong),
                    NOW,
                    Window::default(),
                )
            })
        });
    }};
    ($c:expr, qr_svg) => {{
        let uri = typical_uri();
        $c.bench_function("qr svg", |b| b.iter(|| qr_svg(black_box(&uri), "QR code")));
    }};
    ($c:expr, secret_generate) => {{
        $c.bench_function("secret generate", |b| b.iter(Secret::generate));
    }};
}

/// Shorter than criterion's default (3 s warm-up, 5 s, 100,000 resamples) for both
/// harnesses: in the browser a benchmark blocks the page's thread, and chromedriver gives
/// up on a page that does not answer for 30 s.
macro_rules! configured {
    ($criterion:expr) => {
        $criterion
            .warm_up_time(std::time::Duration::from_secs(1))
            .measurement_time(std::time::Duration::from_secs(3))
            .nresamples(10_000)
    };
}

#[cfg(not(target_arch = "wasm32"))]
fn native(c: &mut criterion::Criterion) {
    operation!(c, totp_generate_verify);
    operation!(c, totp_wrong_code);
    operation!(c, qr_svg);
    operation!(c, secret_generate);
}

#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_group! {
    name = benches;
    config = configured!(criterion::Criterion::default());
    targets = native
}
#[cfg(not(target_arch = "wasm32"))]
criterion::criterion_main!(benches);

/// One benchmark per function: the page's thread is free between them.
#[cfg(target_arch = "wasm32")]
mod wasm {
    use super::*;
    use wasm_bindgen_test::{Criterion, wasm_bindgen_bench, wasm_bindgen_test_configure};

    wasm_bindgen_test_configure!(run_in_browser);

    fn configured(c: &mut Criterion) -> Criterion {
        configured!(std::mem::take(c))
    }

    #[wasm_bindgen_bench]
    fn bench_totp_generate_verify(c: &mut Criterion) {
        operation!(configured(c), totp_generate_verify);
    }

    #[wasm_bindgen_bench]
    fn bench_totp_wrong_code(c: &mut Criterion) {
        operation!(configured(c), totp_wrong_code);
    }

    #[wasm_bindgen_bench]
    fn bench_qr_svg(c: &mut Criterion) {
        operation!(configured(c), qr_svg);
    }

    #[wasm_bindgen_bench]
    fn bench_secret_generate(c: &mut Criterion) {
        operation!(configured(c), secret_generate);
    }
}

/// The runner calls the exported benchmarks, not `main`.
#[cfg(target_arch = "wasm32")]
fn main() {}
