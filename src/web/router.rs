//! The route table: every (method, path) the server answers, who may call it, and the
//! handler. Paths are patterns with `{param}` segments; the OpenAPI document and the
//! role-matrix tests are checked against this table.

use super::error::WebError;
use super::reply::Reply;
use super::request::Ctx;
use super::{api, pages};
use crate::domain::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub fn parse(m: &str) -> Option<Method> {
        match m {
            "GET" | "HEAD" => Some(Method::Get),
            "POST" => Some(Method::Post),
            "PUT" => Some(Method::Put),
            "DELETE" => Some(Method::Delete),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// JSON API (errors as api.md's JSON body, 401 when not logged in) or HTML page (errors
/// as a page in the user's language, a redirect to the login page when not logged in).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Api,
    Page,
}

/// Who may call a route: anonymous visitors or not, and which roles.
#[derive(Debug, Clone, Copy)]
pub struct Access {
    pub anonymous: bool,
    pub roles: &'static [Role],
}

impl Access {
    pub fn admits(&self, role: Option<Role>) -> bool {
        match role {
            None => self.anonymous,
            Some(r) => self.roles.contains(&r),
        }
    }
}

pub type Handler = fn(&mut Ctx) -> Result<Reply, WebError>;

pub struct Route {
    pub method: Method,
    pub pattern: &'static str,
    pub kind: Kind,
    pub access: Access,
    pub handler: Handler,
}

const ALL: &[Role] = &Role::ALL;
const PUBLIC: Access = Access {
    anonymous: true,
    roles: ALL,
};
const ANY: Access = Access {
    anonymous: false,
    roles: ALL,
};
const ADMIN: Access = only(&[Role::Admin]);
const STAFF: Access = only(crate::service::STAFF);
const MERCHANT: Access = only(&[Role::Merchant]);
const RESIDENT: Access = only(&[Role::Resident]);
const DISTRIBUTOR: Access = only(&[Role::Distributor]);
/// Residents charge their own wallet; the secretariat takes cash at the counter, and
/// card-selling stores take cash for cards.
const CHARGERS: Access = only(&[Role::Admin, Role::Operator, Role::Resident, Role::Merchant]);
/// Card-selling stores and the office sell cards.
const CARD_SELLERS: Access = only(&[Role::Admin, Role::Operator, Role::Merchant]);
/// The city, the secretariat, and city systems through the API hand out grants.
const GRANTERS: Access = only(&[Role::Admin, Role::Operator, Role::Integration]);
/// Self-registration: a visitor who is not logged in, or staff registering someone.
const VISITOR_OR_STAFF: Access = Access {
    anonymous: true,
    roles: crate::service::STAFF,
};

const fn only(roles: &'static [Role]) -> Access {
    Access {
        anonymous: false,
        roles,
    }
}

macro_rules! routes {
    ($($method:ident $pattern:literal $kind:ident $access:ident => $handler:path,)*) => {
        pub static ROUTES: &[Route] = &[$(Route {
            method: Method::$method,
            pattern: $pattern,
            kind: Kind::$kind,
            access: $access,
            handler: $handler,
        },)*];
    };
}

routes! {
    // method pattern                          kind access            handler
    Get  "/healthz"                            Api  PUBLIC           => api::system::healthz,
    Get  "/metrics"                            Api  ADMIN            => api::system::metrics,
    Get  "/api/v1/openapi.json"                Api  PUBLIC           => api::system::openapi,
    Get  "/api/v1/sandbox/clock"               Api  ADMIN            => api::system::get_clock,
    Put  "/api/v1/sandbox/clock"               Api  ADMIN            => api::system::set_clock,
    Post "/api/v1/sandbox/panic"               Api  ADMIN            => api::system::panic,
    Post "/api/v1/auth/token"                  Api  PUBLIC           => api::auth::token,
    Get  "/api/v1/me"                          Api  ANY              => api::auth::me,
    Post "/api/v1/me/password"                 Api  ANY              => api::auth::change_password,
    Post "/api/v1/residents"                   Api  VISITOR_OR_STAFF => api::residents::create,
    Get  "/api/v1/stores"                      Api  PUBLIC           => api::stores::list,
    Post "/api/v1/stores"                      Api  STAFF            => api::stores::create,
    Get  "/api/v1/stores/{id}"                 Api  PUBLIC           => api::stores::get,
    Post "/api/v1/stores/{id}/staff"           Api  STAFF            => api::stores::add_staff,
    Post "/api/v1/stores/{id}/payments"        Api  MERCHANT         => api::money::pay_cpm,
    Get  "/api/v1/programs"                    Api  STAFF            => api::money::list_programs,
    Post "/api/v1/programs"                    Api  ADMIN            => api::money::create_program,
    Post "/api/v1/charges"                     Api  CHARGERS         => api::money::charge,
    Post "/api/v1/grants"                      Api  GRANTERS         => api::money::grant,
    Post "/api/v1/payments"                    Api  RESIDENT         => api::money::pay_mpm,
    Post "/api/v1/payments/{id}/refunds"       Api  MERCHANT         => api::money::refund,
    Post "/api/v1/tax-payments"                Api  RESIDENT         => api::money::pay_tax,
    Get  "/api/v1/me/balance"                  Api  RESIDENT         => api::money::my_balance,
    Get  "/api/v1/me/transactions"             Api  RESIDENT         => api::money::my_transactions,
    Get  "/api/v1/me/qr-token"                 Api  RESIDENT         => api::money::qr_token,
    Get  "/api/v1/residents/{id}/balance"      Api  STAFF            => api::money::resident_balance,
    Get  "/api/v1/notices"                     Api  PUBLIC           => api::system::notices,
    Post "/api/v1/card-batches"                Api  ADMIN            => api::cards::issue_batch,
    Get  "/api/v1/card-batches/{id}/cards"     Api  STAFF            => api::cards::batch_cards,
    Get  "/api/v1/cards/{id}"                  Api  STAFF            => api::cards::get,
    Post "/api/v1/cards/{id}/freeze"           Api  STAFF            => api::cards::freeze,
    Post "/api/v1/cards/{id}/unfreeze"         Api  STAFF            => api::cards::unfreeze,
    Post "/api/v1/cards/{id}/sale"             Api  CARD_SELLERS     => api::cards::sell,
    Post "/api/v1/cards/{id}/reissue"          Api  STAFF            => api::cards::reissue,
    Post "/api/v1/me/card-migrations"          Api  RESIDENT         => api::cards::migrate,

    Get  "/"                                   Page PUBLIC           => pages::home::index,
    Get  "/lang"                               Page PUBLIC           => pages::home::set_lang,
    Get  "/view"                               Page PUBLIC           => pages::home::set_view,
    Get  "/login"                              Page PUBLIC           => pages::auth::login_form,
    Post "/login"                              Page PUBLIC           => pages::auth::login,
    Post "/logout"                             Page ANY              => pages::auth::logout,
    Get  "/password"                           Page ANY              => pages::auth::password_form,
    Post "/password"                           Page ANY              => pages::auth::change_password,
    Get  "/password/forgot"                    Page PUBLIC           => pages::reset::forgot_form,
    Post "/password/forgot"                    Page PUBLIC           => pages::reset::forgot,
    Get  "/password/reset/{token}"             Page PUBLIC           => pages::reset::link_form,
    Post "/password/reset/{token}"             Page PUBLIC           => pages::reset::reset,
    Get  "/register"                           Page VISITOR_OR_STAFF => pages::register::form,
    Post "/register"                           Page VISITOR_OR_STAFF => pages::register::submit,
    Get  "/app"                                Page RESIDENT         => pages::wallet::home,
    Get  "/app/history"                        Page RESIDENT         => pages::wallet::history,
    Get  "/app/history.csv"                    Page RESIDENT         => pages::wallet::history_csv,
    Get  "/app/welcome"                        Page RESIDENT         => pages::resident::welcome,
    Get  "/app/profile"                        Page RESIDENT         => pages::profile::form,
    Post "/app/profile"                        Page RESIDENT         => pages::profile::save,
    Get  "/app/charge"                         Page RESIDENT         => pages::charge::charge_form,
    Post "/app/charge/confirm"                 Page RESIDENT         => pages::charge::charge_confirm,
    Get  "/app/charge/confirm"                 Page RESIDENT         => pages::charge::charge_confirm_page,
    Post "/app/charge"                         Page RESIDENT         => pages::charge::charge,
    Get  "/app/charges/{id}"                   Page RESIDENT         => pages::charge::charge_receipt,
    Get  "/app/payments/{id}"                  Page RESIDENT         => pages::resident::payment_done,
    Get  "/app/qr"                             Page RESIDENT         => pages::resident::show_code,
    Get  "/app/qr/status"                      Page RESIDENT         => pages::resident::code_status,
    Get  "/app/scan"                           Page RESIDENT         => pages::resident::scan,
    Get  "/app/scan/code"                      Page RESIDENT         => pages::resident::scan_code,
    Get  "/c/{code}"                           Page PUBLIC           => pages::card::balance,
    Post "/c/{code}"                           Page RESIDENT         => pages::card::move_to_account,
    Get  "/p/{code}"                           Page RESIDENT         => pages::resident::pay_form,
    Post "/p/{code}/confirm"                   Page RESIDENT         => pages::resident::pay_confirm,
    Get  "/p/{code}/confirm"                   Page RESIDENT         => pages::resident::pay_confirm_page,
    Post "/p/{code}"                           Page RESIDENT         => pages::resident::pay,
    Get  "/stores"                             Page PUBLIC           => pages::directory::list,
    Get  "/stores/map"                         Page PUBLIC           => pages::directory::map,
    Get  "/notices"                            Page PUBLIC           => pages::notices::list,
    Get  "/apply"                              Page VISITOR_OR_STAFF => pages::applications::form,
    Post "/apply"                              Page VISITOR_OR_STAFF => pages::applications::submit,
    Get  "/apply/status/{token}"               Page PUBLIC           => pages::applications::status,
    Get  "/apply/status"                       Page PUBLIC           => pages::applications::lookup,
    Get  "/apply/terms"                        Page PUBLIC           => pages::applications::terms,
    Get  "/office/applications"                Page STAFF            => pages::applications::queue,
    Get  "/office/stores"                      Page STAFF            => pages::stores_office::list,
    Get  "/office/residents"                   Page STAFF            => pages::residents_office::find,
    Get  "/office/residents/{id}/password"     Page STAFF            => pages::recovery_office::reissue_form,
    Post "/office/residents/{id}/password"     Page STAFF            => pages::recovery_office::reissue,
    Get  "/office/residents/{id}/sessions"     Page STAFF            => pages::recovery_office::log_out_form,
    Post "/office/residents/{id}/sessions"     Page STAFF            => pages::recovery_office::log_out,
    Post "/office/stores/{id}/photo/remove"    Page STAFF            => pages::stores_office::remove_photo,
    Get  "/office/stores/import"               Page STAFF            => pages::store_import::form,
    Get  "/office/store-requests"              Page STAFF            => pages::stores_office::requests,
    Get  "/office/devices"                     Page STAFF            => pages::device::office,
    Get  "/office/devices.csv"                 Page STAFF            => pages::device::csv,
    Post "/office/devices/{id}/decide"         Page STAFF            => pages::device::decide,
    Get  "/office/devices/{id}/receipt"        Page STAFF            => pages::device::receipt,
    Post "/office/store-requests/{id}/decide"  Page STAFF            => pages::stores_office::decide_request,
    Post "/office/stores/import"               Page STAFF            => pages::store_import::upload,
    Post "/office/stores/import/confirm"       Page STAFF            => pages::store_import::confirm,
    Post "/office/stores/{id}/status"          Page STAFF            => pages::stores_office::set_status,
    Get  "/office/stores/{id}"                 Page STAFF            => pages::stores_office::show,
    Get  "/office/stores/{id}/location"        Page STAFF            => pages::stores_office::location,
    Post "/office/stores/{id}/location"        Page STAFF            => pages::stores_office::set_location,
    Get  "/office/applications/{id}"           Page STAFF            => pages::applications::review,
    Post "/office/applications/{id}/decide"    Page STAFF            => pages::applications::decide,
    Get  "/notices/{id}"                       Page PUBLIC           => pages::notices::show,
    Get  "/office/notices"                     Page STAFF            => pages::notices::office,
    Post "/office/notices"                     Page STAFF            => pages::notices::create,
    Post "/office/notices/{id}/approve"        Page ADMIN            => pages::notices::approve,
    Post "/office/notices/{id}/withdraw"       Page STAFF            => pages::notices::withdraw,
    Get  "/stores/{id}"                        Page PUBLIC           => pages::directory::show,
    Get  "/stores/{id}/photo"                  Page PUBLIC           => pages::directory::photo,
    Get  "/shop"                               Page MERCHANT         => pages::home::shop,
    Get  "/shop/till"                          Page MERCHANT         => pages::shop::till,
    Get  "/shop/feed"                          Page MERCHANT         => pages::shop::feed,
    Get  "/shop/history"                       Page MERCHANT         => pages::shop::history,
    Get  "/shop/cards"                         Page MERCHANT         => pages::shop_cards::form,
    Post "/shop/cards"                         Page MERCHANT         => pages::shop_cards::sell_or_charge,
    Get  "/shop/cpm"                           Page MERCHANT         => pages::shop::cpm_form,
    Post "/shop/cpm/confirm"                   Page MERCHANT         => pages::shop::cpm_confirm,
    Get  "/shop/cpm/confirm"                   Page MERCHANT         => pages::shop::cpm_confirm_page,
    Post "/shop/cpm"                           Page MERCHANT         => pages::shop::cpm,
    Get  "/shop/payments.csv"                  Page MERCHANT         => pages::shop::payments_csv,
    Get  "/shop/payments/{id}"                 Page MERCHANT         => pages::refund::payment,
    Post "/shop/payments/{id}/refund/confirm"  Page MERCHANT         => pages::refund::confirm,
    Get  "/shop/payments/{id}/refund/confirm"  Page MERCHANT         => pages::refund::confirm_page,
    Post "/shop/payments/{id}/refund"          Page MERCHANT         => pages::refund::refund,
    Get  "/shop/refunds/{id}"                  Page MERCHANT         => pages::refund::receipt,
    Get  "/shop/staff"                         Page MERCHANT         => pages::shop_owner::staff,
    Get  "/shop/profile"                       Page MERCHANT         => pages::shop_owner::profile,
    Get  "/shop/device"                        Page MERCHANT         => pages::device::store_page,
    Post "/shop/device"                        Page MERCHANT         => pages::device::apply,
    Post "/shop/device/receipt"                Page MERCHANT         => pages::device::receipt_upload,
    Post "/shop/profile"                       Page MERCHANT         => pages::shop_owner::request_update,
    Post "/shop/photo"                         Page MERCHANT         => pages::shop_owner::upload_photo,
    Post "/shop/removal"                       Page MERCHANT         => pages::shop_owner::request_removal,
    Post "/shop/staff"                         Page MERCHANT         => pages::shop_owner::add_staff,
    Post "/shop/staff/{id}/remove"             Page MERCHANT         => pages::shop_owner::remove_staff,
    Get  "/distributor"                        Page DISTRIBUTOR      => pages::home::distributor,
    Get  "/office"                             Page STAFF            => pages::home::office,
    Get  "/office/programs"                    Page STAFF            => pages::wallet::programs_summary,
    Post "/office/programs"                    Page ADMIN            => pages::programs_office::create,
    Get  "/office/programs/new"                Page ADMIN            => pages::programs_office::new_form,
    Get  "/office/programs/{code}"             Page STAFF            => pages::programs_office::show,
    Get  "/office/programs/{code}/edit"        Page ADMIN            => pages::programs_office::edit_form,
    Post "/office/programs/{code}/edit"        Page ADMIN            => pages::programs_office::save,
    Post "/office/programs/{code}/approve"     Page ADMIN            => pages::programs_office::approve,
    Post "/office/programs/{code}/reject"      Page ADMIN            => pages::programs_office::reject,
    Get  "/office/cards"                       Page STAFF            => pages::cards_office::list,
    Post "/office/cards"                       Page ADMIN            => pages::cards_office::issue,
    Get  "/office/cards/find"                  Page STAFF            => pages::cards_office::find,
    Get  "/office/cards/batches/{id}"          Page STAFF            => pages::cards_office::batch,
    Get  "/office/cards/{id}"                  Page STAFF            => pages::cards_office::show,
    Post "/office/cards/{id}/sell"             Page STAFF            => pages::cards_office::sell,
    Post "/office/cards/{id}/freeze"           Page STAFF            => pages::cards_office::freeze,
    Post "/office/cards/{id}/reissue"          Page STAFF            => pages::cards_office::reissue,
    Post "/office/cards/{id}/unfreeze"         Page STAFF            => pages::cards_office::unfreeze,
    Get  "/office/grants"                      Page STAFF            => pages::grants_office::list,
    Post "/office/grants"                      Page STAFF            => pages::grants_office::request,
    Get  "/office/grants/new"                  Page STAFF            => pages::grants_office::new_form,
    Post "/office/grants/new"                  Page STAFF            => pages::grants_office::form_again,
    Post "/office/grants/preview"              Page STAFF            => pages::grants_office::preview,
    Get  "/office/grants/{id}"                 Page STAFF            => pages::grants_office::show,
    Post "/office/grants/{id}/approve"         Page ADMIN            => pages::grants_office::approve,
    Post "/office/grants/{id}/reject"          Page ADMIN            => pages::grants_office::reject,
    Get  "/admin"                              Page ADMIN            => pages::home::admin,
    Get  "/admin/accounts"                     Page ADMIN            => pages::admin::accounts,
    Post "/admin/accounts"                     Page ADMIN            => pages::admin::create_account,
    Get  "/admin/settings"                     Page ADMIN            => pages::admin::settings,
    Post "/admin/settings"                     Page ADMIN            => pages::admin::save_settings,
    Get  "/admin/audit"                        Page ADMIN            => pages::admin::audit,
    Get  "/admin/logins"                       Page ADMIN            => pages::logins::failures,
    Post "/admin/logins/unlock"                Page ADMIN            => pages::logins::unlock,
    Get  "/admin/maintenance"                  Page ADMIN            => pages::maintenance::show,
    Post "/admin/maintenance"                  Page ADMIN            => pages::maintenance::announce,
    Post "/admin/maintenance/read-only"        Page ADMIN            => pages::maintenance::set_read_only,
    Post "/admin/logo"                         Page ADMIN            => pages::admin::upload_logo,
    Get  "/assets/brand.css"                   Page PUBLIC           => pages::assets::brand_css,
    Get  "/assets/logo"                        Page PUBLIC           => pages::assets::logo,
    Get  "/assets/{name}"                      Page PUBLIC           => pages::assets::file,
    Get  "/assets/leaflet/{name}"              Page PUBLIC           => pages::assets::file,
    Get  "/assets/leaflet/images/{name}"       Page PUBLIC           => pages::assets::file,
}

/// One route of the table as plain data, for tests and tools outside the web layer
/// (the role-matrix test tries every one of them with every role).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: &'static str,
    /// The path pattern, with `{param}` segments.
    pub pattern: &'static str,
    /// JSON API (`true`) or HTML page (`false`).
    pub api: bool,
    /// Whether visitors who are not logged in are admitted.
    pub anonymous: bool,
    /// The roles admitted, by `Role::as_str` name, in `Role::ALL` order.
    pub roles: Vec<&'static str>,
}

/// Every route of `ROUTES`, in table order, with the roles it admits.
pub fn table() -> Vec<RouteInfo> {
    ROUTES
        .iter()
        .map(|r| RouteInfo {
            method: r.method.as_str(),
            pattern: r.pattern,
            api: r.kind == Kind::Api,
            anonymous: r.access.anonymous,
            roles: Role::ALL
                .into_iter()
                .filter(|role| r.access.admits(Some(*role)))
                .map(Role::as_str)
                .collect(),
        })
        .collect()
}

pub enum Found {
    Route(&'static Route, Vec<String>),
    /// The path exists, but not with this method.
    WrongMethod,
    None,
}

/// Finds the route for a request path (already split from its query string). Literal
/// segments match exactly; `{param}` segments match any one non-empty segment, and the
/// first route in table order wins.
pub fn find(method: Method, path: &str) -> Found {
    let segs: Vec<&str> = segments(path);
    let mut path_exists = false;
    for r in ROUTES {
        if let Some(params) = match_pattern(r.pattern, &segs) {
            if r.method == method {
                return Found::Route(r, params);
            }
            path_exists = true;
        }
    }
    if path_exists {
        Found::WrongMethod
    } else {
        Found::None
    }
}

/// The methods a path answers to, for the `Allow` header of a 405.
/// Whether a path is answered in JSON or with pages, known before routing so that even
/// a 404 or 405 takes the right form.
pub fn kind_of(path: &str) -> Kind {
    if path.starts_with("/api/") || path == "/healthz" || path == "/metrics" {
        Kind::Api
    } else {
        Kind::Page
    }
}

pub fn allowed(path: &str) -> Vec<&'static str> {
    let segs = segments(path);
    let mut methods: Vec<&'static str> = ROUTES
        .iter()
        .filter(|r| match_pattern(r.pattern, &segs).is_some())
        .map(|r| r.method.as_str())
        .collect();
    methods.dedup();
    methods
}

fn segments(path: &str) -> Vec<&str> {
    path.split('/').filter(|s| !s.is_empty()).collect()
}

fn match_pattern(pattern: &str, segs: &[&str]) -> Option<Vec<String>> {
    let pat = segments(pattern);
    if pat.len() != segs.len() {
        return None;
    }
    let mut params = Vec::new();
    for (p, s) in pat.iter().zip(segs) {
        if p.starts_with('{') {
            params.push(super::request::percent_decode(s));
        } else if p != s {
            return None;
        }
    }
    Some(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_routes_and_params() {
        match find(Method::Post, "/api/v1/stores/42/staff") {
            Found::Route(r, p) => {
                assert_eq!(r.pattern, "/api/v1/stores/{id}/staff");
                assert_eq!(p, vec!["42"]);
            }
            _ => panic!("route not found"),
        }
        assert!(matches!(
            find(Method::Delete, "/healthz"),
            Found::WrongMethod
        ));
        assert!(matches!(find(Method::Get, "/nowhere"), Found::None));
        assert!(matches!(find(Method::Get, "/"), Found::Route(..)));
        // A literal route listed before a pattern wins over it.
        match find(Method::Get, "/assets/brand.css") {
            Found::Route(r, _) => assert_eq!(r.pattern, "/assets/brand.css"),
            _ => panic!(),
        }
    }

    #[test]
    fn the_table_as_data_names_each_routes_roles() {
        let t = table();
        assert_eq!(t.len(), ROUTES.len());
        let metrics = t.iter().find(|r| r.pattern == "/metrics").unwrap();
        assert_eq!(
            (metrics.method, metrics.api, metrics.anonymous),
            ("GET", true, false)
        );
        assert_eq!(metrics.roles, vec!["admin"]);
        let home = t.iter().find(|r| r.pattern == "/").unwrap();
        assert!(!home.api && home.anonymous && home.roles.len() == Role::ALL.len());
    }

    #[test]
    fn every_pattern_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for r in ROUTES {
            assert!(
                seen.insert((r.method, r.pattern)),
                "{} {} twice",
                r.method.as_str(),
                r.pattern
            );
            assert_eq!(r.kind, kind_of(r.pattern), "{}", r.pattern);
        }
    }
}
