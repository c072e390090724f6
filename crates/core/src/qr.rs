//! QR codes as small, accessible SVG.
//!
//! Encoding is `qrcode` (ECC level M). The SVG writer is ours: `qrcode`'s SVG renderer
//! emits one sub-path per module; drawing each row's runs of dark modules as 1-unit-wide
//! horizontal strokes makes the document roughly half the size (≈2–4 KB for an otpauth URI)
//! while keeping all dark modules in one `<path>`.

use crate::CoreError;
use qrcode::{Color, EcLevel, QrCode};
use std::fmt::Write;

/// Light modules around the symbol, as ISO/IEC 18004 requires.
pub const QUIET_ZONE: usize = 4;

/// Renders `data` as a QR code SVG scaled by its `viewBox`, with `role="img"` and a
/// `<title>` text alternative. The background is always white and the modules black,
/// so dark page themes cannot invert it into something scanners reject.
pub fn qr_svg(data: &str, title: &str) -> Result<String, CoreError> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
        .map_err(|_| CoreError::QrTooLong)?;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * QUIET_ZONE;

    let mut path = String::with_capacity(width * width / 2);
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        let mut pen_x = None::<usize>;
        while x < width {
            if row[x] == Color::Light {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && row[x] == Color::Dark {
                x += 1;
            }
            let run = x - start;
            match pen_x {
                // Relative move within the row: shorter than an absolute one.
                Some(px) => {
                    let _ = write!(path, "m{} 0h{run}", start - px);
                }
                None => {
                    let _ = write!(path, "M{} {}.5h{run}", start + QUIET_ZONE, y + QUIET_ZONE);
                }
            }
            pen_x = Some(x);
        }
    }

    Ok(format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {s} {s}" role="img" "#,
            r#"shape-rendering="crispEdges"><title>{t}</title>"#,
            r##"<path fill="#fff" d="M0 0h{s}v{s}H0z"/>"##,
            r##"<path stroke="#000" d="{p}"/></svg>"##
        ),
        s = size,
        t = escape_xml(title),
        p = path
    ))
}

fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Secret, otpauth::OtpAuthUri};

    /// Rasterises the emitted SVG (not the encoder's matrix) and decodes it with an
    /// independent decoder.
    fn decode_svg(svg: &str) -> String {
        let tree = resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default())
            .expect("the SVG parses");
        let scale = 6.0;
        let px = (tree.size().width() * scale).ceil() as u32;
        let mut pixmap = resvg::tiny_skia::Pixmap::new(px, px).expect("pixmap");
        resvg::render(
            &tree,
            resvg::tiny_skia::Transform::from_scale(scale, scale),
            &mut pixmap.as_mut(),
        );
        let luma: Vec<u8> = pixmap
            .pixels()
            .iter()
            .map(|p| {
                // Unrendered pixels are transparent: treat them as dark so a missing
                // background would break decoding.
                if p.alpha() == 0 {
                    0
                } else {
                    ((u32::from(p.red()) + u32::from(p.green()) + u32::from(p.blue())) / 3) as u8
                }
            })
            .collect();
        let img = rqrr::PreparedImage::prepare_from_greyscale(px as usize, px as usize, |x, y| {
            luma[y * px as usize + x]
        });
        let mut img = img;
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "exactly one QR code found");
        let (_meta, content) = grids[0].decode().expect("the QR code decodes");
        content
    }

    fn uri(issuer: &str, account: &str) -> String {
        OtpAuthUri::new(
            issuer,
            account,
            Secret::from_random_bytes(*b"\x01\x23\x45\x67\x89\xab\xcd\xef\xfe\xdc\xba\x98\x76\x54\x32\x10\x00\xff\x7f\x80"),
        )
        .to_string()
    }

    #[test]
    fn emitted_svg_decodes_back_to_the_exact_uri() {
        let cases = [
            uri("Contoso", "jan@contoso.nl"),
            uri("Ünïcödé B.V.", "josé.müller@bücher.de"),
            uri(
                "A Very Long Organisation Name With Several Departments International",
                "firstname.middle-name.lastname.with.suffix@subdomain.example-organisation.com",
            ),
            uri("東京", "ユーザー"),
            "otpauth://totp/x?secret=MZXW6YTBOI".to_owned(),
        ];
        for data in cases {
            let svg = qr_svg(&data, "QR code").unwrap();
            assert_eq!(decode_svg(&svg), data);
        }
    }

    #[test]
    fn svg_has_the_promised_structure() {
        let svg = qr_svg(&uri("Contoso", "jan@contoso.nl"), "Scan <this> & that").unwrap();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
        assert!(svg.contains("role=\"img\""));
        assert!(svg.contains("<title>Scan &lt;this&gt; &amp; that</title>"));
        assert_eq!(
            svg.matches("<path").count(),
            2,
            "background + one path of modules"
        );
        assert!(!svg.contains("style="), "no inline styles (strict CSP)");
        assert!(!svg.contains("width=\""), "scales through viewBox only");
        // Quiet zone: nothing is drawn before x = 4 / y = 4.
        let d = svg.split("d=\"").nth(2).unwrap();
        assert!(
            d.starts_with("M4 4.5h7"),
            "finder pattern starts after the quiet zone: {d}"
        );
        assert!(
            svg.len() < 4096,
            "typical URI stays under 4 KB, was {}",
            svg.len()
        );
    }

    #[test]
    fn golden_svg() {
        let svg = qr_svg(&uri("Contoso", "jan@contoso.nl"), "QR code for Contoso").unwrap();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/contoso.svg");
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(path, &svg).unwrap();
        }
        let golden = std::fs::read_to_string(path).unwrap();
        assert_eq!(
            svg, golden,
            "regenerate with UPDATE_GOLDEN=1 if the change is intended"
        );
    }

    #[test]
    fn too_long_is_an_error() {
        assert_eq!(qr_svg(&"x".repeat(5000), "t"), Err(CoreError::QrTooLong));
    }
}
