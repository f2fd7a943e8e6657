//! The public store directory: list, category filter, kana-insensitive search, store page.

use crate::i18n::Msg;
use maud::html;

use super::render;
use crate::domain::{StoreStatus, image};
use crate::service::merchants::directory;
use crate::service::merchants::stores::{self, StoreRow};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, percent_encode};
use crate::web::views::Lang;

fn media_label(l: Lang, m: &str) -> &'static str {
    match m {
        "money" => l.t(Msg::Money),
        "coupons" => l.t(Msg::DiscountCoupons),
        "points" => l.t(Msg::CommunityPoints),
        _ => "",
    }
}

const PAGE: i64 = 50;

pub fn list(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let q = ctx.query_get("q").unwrap_or("").trim().to_owned();
    let category = ctx.query_get("category").unwrap_or("").trim().to_owned();
    let after = ctx
        .query_get("after")
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(0);
    let found = stores::search(ctx.app, Some(&q), Some(&category), after, PAGE)?;
    let categories = directory::categories(ctx.app)?;
    let more = (found.len() as i64 == PAGE)
        .then(|| found.last().map(|s| s.id))
        .flatten();
    let body = html! {
        form.card.search method="get" action="/stores" role="search" {
            div.field {
                label for="f-q" { (l.t(Msg::NameOrKeywordAnyKana)) }
                small #f-q-hint { (l.t(Msg::SearchCoversHint)) }
                input #f-q type="search" name="q" value=(q) aria-describedby="f-q-hint";
            }
            div.field {
                label for="f-category" { (l.t(Msg::Category)) }
                select #f-category name="category" {
                    option value="" { (l.t(Msg::All)) }
                    @for c in &categories { option value=(c) selected[*c == category] { (c) } }
                }
            }
            button.primary type="submit" { (l.t(Msg::Search)) }
        }
        p { a href="/stores/map" { (l.t(Msg::SeeThemOnAMap)) } }
        p.count role="status" { (l.f(if more.is_some() { Msg::StoresFoundMore } else { Msg::StoresFound }, &[("n", &found.len())])) }
        ul.stores {
            @for s in &found {
                li {
                    a href={ "/stores/" (s.id) } { strong { (s.name) } }
                    span.category { (s.category) }
                    span.address { (s.address) }
                    span.accepts { @for m in &s.accepts { span.tag { (media_label(l, m)) } } }
                    @if s.lat.is_none() { span.no-location { (l.t(Msg::NoLocationYet)) } }
                }
            }
        }
        @if let Some(last) = more {
            p { a.button href={ "/stores?q=" (percent_encode(&q)) "&category=" (percent_encode(&category)) "&after=" (last) } { (l.t(Msg::More)) } }
        }
    };
    Ok(render(ctx, 200, l.t(Msg::Stores2), body))
}

/// Where a store's photo is shown from; the version changes with the photo, so browsers
/// may keep it.
pub fn photo_url(s: &StoreRow) -> Option<String> {
    s.photo_at.map(|v| format!("/stores/{}/photo?v={v}", s.id))
}

/// A store's photo (active stores only).
pub fn photo(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let (kind, bytes) = stores::photo(ctx.app, ctx.param_id(0)?)?;
    // The table allows only these two types.
    let kind = if kind == image::PNG {
        image::PNG
    } else {
        image::JPEG
    };
    Ok(Reply::bytes(200, kind, bytes).cacheable())
}

pub fn show(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let s: StoreRow = stores::get(ctx.app, ctx.param_id(0)?)?;
    if s.status != StoreStatus::Active {
        return Err(WebError::RouteNotFound);
    }
    let body = html! {
        section.card {
            @if let Some(src) = photo_url(&s) {
                img.store-photo src=(src) alt=(l.f(Msg::StorePhotoOf, &[("store", &s.name)]));
            }
            p.category { (s.category) }
            @if let Some(pr) = &s.pr { p.pr { (pr) } }
            dl {
                dt { (l.t(Msg::Address)) } dd { (s.address) }
                @if let Some(p) = &s.phone { dt { (l.t(Msg::Phone)) } dd { a href={ "tel:" (p) } { (p) } } }
                @if let Some(h) = &s.hours { dt { (l.t(Msg::Hours)) } dd { (h) } }
                @if let Some(h) = &s.holidays { dt { (l.t(Msg::Closed)) } dd { (h) } }
                dt { (l.t(Msg::Accepts)) } dd { @for m in &s.accepts { span.tag { (media_label(l, m)) } " " } }
                @if let Some(u) = &s.url { dt { "URL" } dd { a href=(u) rel="noopener noreferrer" { (u) } } }
            }
        }
        p { a href="/stores" { (l.t(Msg::BackToTheList2)) } }
    };
    Ok(render(ctx, 200, &s.name, body))
}

/// The map of stores. The list under it works without the map (no JavaScript, or tiles
/// that cannot load).
pub fn map(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let all = stores::search(ctx.app, None, None, 0, 2000)?;
    let (placed, unplaced): (Vec<&StoreRow>, Vec<&StoreRow>) =
        all.iter().partition(|s| s.lat.is_some() && s.lng.is_some());
    let cfg = &ctx.app.config;
    let body = html! {
        link rel="stylesheet" href="/assets/leaflet/leaflet.css";
        div.map-frame {
            div #map.map hidden data-tiles=(cfg.map_tiles) data-attribution=(cfg.map_attribution) role="region" aria-label=(l.t(Msg::MapOfStores)) {}
            p #map-tiles-failed.map-failed role="alert" hidden { (l.t(Msg::MapTilesCouldNotLoad)) }
        }
        ul.stores.placed {
            @for s in &placed {
                li data-lat=(s.lat.unwrap_or_default()) data-lng=(s.lng.unwrap_or_default()) {
                    a href={ "/stores/" (s.id) } { strong { (s.name) } }
                    span.category { (s.category) }
                    span.address { (s.address) }
                }
            }
        }
        @if !unplaced.is_empty() {
            section #no-location aria-labelledby="no-location-h" {
                h2 #no-location-h { (l.t(Msg::NoLocationYet)) }
                p { (l.t(Msg::TheseStoresAreNotOnTheMap)) }
                ul.stores.unplaced {
                    @for s in &unplaced {
                        li {
                            a href={ "/stores/" (s.id) } { strong { (s.name) } }
                            span.category { (s.category) }
                            span.address { (s.address) }
                        }
                    }
                }
                p { a href="/stores" { (l.t(Msg::SeeEveryStoreInThe)) } }
            }
        }
        script src="/assets/leaflet/leaflet.js" defer {}
        script src="/assets/map.js" defer {}
    };
    Ok(render(ctx, 200, l.t(Msg::StoreMap), body))
}
