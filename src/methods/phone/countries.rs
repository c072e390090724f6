//! The country or region picker's options: the core's table, named in the person's
//! language by the browser (`Intl.DisplayNames`), sorted by that name.

use security_info_core::phone::COUNTRIES;

/// One option: ISO code and the text shown (`Netherlands (+31)`).
pub struct CountryOption {
    pub iso: &'static str,
    pub label: String,
}

/// Every country of the table, named in `lang`, sorted by name.
pub fn options(lang: &str) -> Vec<CountryOption> {
    let names = display_names(lang);
    let mut options: Vec<CountryOption> = COUNTRIES
        .iter()
        .map(|c| {
            let name = names
                .as_ref()
                .and_then(|n| n.of(c.iso))
                .map(String::from)
                .unwrap_or_else(|| c.iso.to_owned());
            CountryOption {
                iso: c.iso,
                label: format!("{name} (+{})", c.calling_code),
            }
        })
        .collect();
    // The browser's collation for the language (`to_lowercase` and friends would carry
    // Unicode tables into the chunk).
    let locales = js_sys::Array::of1(&lang.into());
    let no_options = js_sys::Object::new();
    options.sort_by(|a, b| {
        js_sys::JsString::from(a.label.as_str())
            .locale_compare(&b.label, &locales, &no_options)
            .cmp(&0)
    });
    options
}

/// The browser's region names in `lang` (`None` where `Intl.DisplayNames` is missing
/// or refuses the tag: a host's own locale may be any string).
fn display_names(lang: &str) -> Option<js_sys::Intl::DisplayNames> {
    use js_sys::Reflect;
    use wasm_bindgen::JsCast;
    let options = js_sys::Intl::DisplayNamesOptions::new();
    options.set_type(js_sys::Intl::DisplayNamesType::Region);
    let locales = js_sys::Array::of1(&lang.into());
    let intl = Reflect::get(&js_sys::global(), &"Intl".into()).ok()?;
    let class: js_sys::Function = Reflect::get(&intl, &"DisplayNames".into())
        .ok()?
        .dyn_into()
        .ok()?;
    Reflect::construct(&class, &js_sys::Array::of2(&locales, &options))
        .ok()?
        .dyn_into()
        .ok()
}
