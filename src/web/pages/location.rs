//! A store's location as a form: a map to tap (Leaflet, `assets/pick.js`) and the
//! latitude and longitude fields it fills, which work by hand without the map. Used at
//! an application's approval and on the office's location form of a store.

use crate::i18n::Msg;
use maud::{Markup, html};
use unicode_normalization::UnicodeNormalization;

use crate::web::request::{Ctx, field};
use crate::web::views::{Field, Lang};

/// The fields, refilled with `lat` and `lng` as typed; the map starts at `centre`
/// (latitude, longitude, zoom) when no location is given yet.
pub fn location_fields(
    ctx: &Ctx,
    lat: &str,
    lng: &str,
    address: &str,
    centre: (f64, f64, u8),
) -> Markup {
    let l: Lang = ctx.lang;
    let cfg = &ctx.app.config;
    html! {
        link rel="stylesheet" href="/assets/leaflet/leaflet.css";
        fieldset.location {
            legend { (l.t(Msg::LocationOnTheMap)) }
            p.hint #location-hint { (l.f(Msg::LocationHint, &[("address", &address)])) }
            div.map-frame {
                div #pick-map.map hidden data-tiles=(cfg.map_tiles) data-attribution=(cfg.map_attribution)
                    data-lat=(centre.0) data-lng=(centre.1) data-zoom=(centre.2)
                    role="region" aria-label=(l.t(Msg::MapToPickTheLocation)) {}
                p #pick-tiles-failed.map-failed role="alert" hidden { (l.t(Msg::MapTilesCouldNotLoadPick)) }
            }
            (Field::new(l.t(Msg::Latitude), "lat").value(lat).hint(l.t(Msg::LatitudeHint)).render(l))
            (Field::new(l.t(Msg::Longitude), "lng").value(lng).hint(l.t(Msg::LongitudeHint)).render(l))
        }
        script src="/assets/leaflet/leaflet.js" defer {}
        script src="/assets/pick.js" defer {}
    }
}

/// The location a form gives: both fields empty is none; one without the other, or
/// something that is not a number, is refused with the message to show.
pub fn location_from_form(f: &[(String, String)]) -> Result<Option<(f64, f64)>, Msg> {
    let number = |n: &str| -> Option<String> {
        let typed: String = field(f, n).unwrap_or("").nfkc().collect();
        let t = typed.trim();
        (!t.is_empty()).then(|| t.to_owned())
    };
    match (number("lat"), number("lng")) {
        (None, None) => Ok(None),
        (Some(a), Some(b)) => match (a.parse::<f64>(), b.parse::<f64>()) {
            (Ok(a), Ok(b)) if a.is_finite() && b.is_finite() => Ok(Some((a, b))),
            _ => Err(Msg::LatLngMustBeNumbers),
        },
        _ => Err(Msg::GiveBothLatAndLng),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(lat: &str, lng: &str) -> Vec<(String, String)> {
        vec![("lat".into(), lat.into()), ("lng".into(), lng.into())]
    }

    #[test]
    fn a_location_is_both_numbers_or_nothing() {
        assert_eq!(location_from_form(&form("", " ")), Ok(None));
        assert_eq!(
            location_from_form(&form("36.5", "138.25")),
            Ok(Some((36.5, 138.25)))
        );
        assert_eq!(
            location_from_form(&form("３６.５", "１３８")),
            Ok(Some((36.5, 138.0)))
        );
        assert_eq!(
            location_from_form(&form("36.5", "")),
            Err(Msg::GiveBothLatAndLng)
        );
        assert_eq!(
            location_from_form(&form("north", "1")),
            Err(Msg::LatLngMustBeNumbers)
        );
        assert_eq!(
            location_from_form(&form("NaN", "1")),
            Err(Msg::LatLngMustBeNumbers)
        );
    }
}
