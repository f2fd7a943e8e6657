//! Static assets compiled into the binary, and the stylesheet made from the branding.

use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::Ctx;

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../assets/app.css"),
    ),
    (
        "icon.svg",
        "image/svg+xml",
        include_bytes!("../../../assets/icon.svg"),
    ),
    ("keypad.js", JS, include_bytes!("../../../assets/keypad.js")),
    ("cpm.js", JS, include_bytes!("../../../assets/cpm.js")),
    ("scan.js", JS, include_bytes!("../../../assets/scan.js")),
    ("map.js", JS, include_bytes!("../../../assets/map.js")),
    ("pick.js", JS, include_bytes!("../../../assets/pick.js")),
    ("till.js", JS, include_bytes!("../../../assets/till.js")),
    (
        "jsQR.js",
        JS,
        include_bytes!("../../../assets/vendor/jsqr/jsQR.js"),
    ),
    (
        "leaflet/leaflet.js",
        JS,
        include_bytes!("../../../assets/vendor/leaflet/leaflet.js"),
    ),
    (
        "leaflet/leaflet.css",
        "text/css; charset=utf-8",
        include_bytes!("../../../assets/vendor/leaflet/leaflet.css"),
    ),
    (
        "leaflet/images/marker-icon.png",
        PNG,
        include_bytes!("../../../assets/vendor/leaflet/images/marker-icon.png"),
    ),
    (
        "leaflet/images/marker-icon-2x.png",
        PNG,
        include_bytes!("../../../assets/vendor/leaflet/images/marker-icon-2x.png"),
    ),
    (
        "leaflet/images/marker-shadow.png",
        PNG,
        include_bytes!("../../../assets/vendor/leaflet/images/marker-shadow.png"),
    ),
    (
        "leaflet/images/layers.png",
        PNG,
        include_bytes!("../../../assets/vendor/leaflet/images/layers.png"),
    ),
    (
        "leaflet/images/layers-2x.png",
        PNG,
        include_bytes!("../../../assets/vendor/leaflet/images/layers-2x.png"),
    ),
];

const PNG: &str = "image/png";

const JS: &str = "text/javascript; charset=utf-8";

/// An embedded file; the path parameters are joined, so `/assets/leaflet/images/x.png`
/// finds `leaflet/images/x.png`.
pub fn file(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let prefix = match ctx.path.matches('/').count() {
        4 => "leaflet/images/",
        3 => "leaflet/",
        _ => "",
    };
    let name = format!(
        "{prefix}{}",
        ctx.params.first().map(String::as_str).unwrap_or("")
    );
    let (_, ty, bytes) = FILES
        .iter()
        .find(|(n, _, _)| *n == name)
        .ok_or(WebError::RouteNotFound)?;
    Ok(Reply::bytes(200, ty, bytes.to_vec()).cacheable())
}

/// The city's colour as CSS custom properties (kept out of inline styles so the
/// Content-Security-Policy can forbid them).
pub fn brand_css(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let b = ctx.app.branding();
    let css = format!(":root {{ --brand: {}; }}\n", b.color);
    Ok(Reply::bytes(
        200,
        "text/css; charset=utf-8",
        css.into_bytes(),
    ))
}

/// The city's uploaded logo.
pub fn logo(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let b = ctx.app.branding();
    match (
        b.logo_type.as_deref(),
        crate::service::operations::settings::logo(ctx.app)?,
    ) {
        (Some("image/png"), Some(bytes)) => Ok(Reply::bytes(200, "image/png", bytes).cacheable()),
        (Some("image/jpeg"), Some(bytes)) => Ok(Reply::bytes(200, "image/jpeg", bytes).cacheable()),
        _ => Err(WebError::RouteNotFound),
    }
}
