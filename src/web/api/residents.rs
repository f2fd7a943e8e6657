//! Resident registration.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::i18n::Lang;
use crate::service::identity::residents::{self, NewResident};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::Ctx;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewResidentWire {
    login: String,
    password: String,
    display_name: String,
    phone: Option<String>,
    mail: Option<String>,
    #[serde(default)]
    attributes: Map<String, Value>,
}

pub fn create(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let w: NewResidentWire = ctx.json()?;
    let new = NewResident {
        login: w.login,
        password: w.password,
        display_name: w.display_name,
        phone: w.phone,
        mail: w.mail,
        // Mails speak the language the client asked for, else the city's Japanese.
        lang: ctx
            .header("accept-language")
            .and_then(Lang::from_accept_language)
            .unwrap_or(Lang::Ja),
        attributes: w.attributes,
    };
    let id = match &ctx.principal {
        Some(p) => residents::register(ctx.app, Some(p), new)?,
        None => residents::register_self(ctx.app, new, &ctx.remote)?,
    };
    Ok(Reply::json(201, &json!({ "id": id })))
}
