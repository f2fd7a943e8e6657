//! Money endpoints: programs, charges, grants, payments (MPM, CPM, tax), refunds, balance,
//! history and the resident's CPM code.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Paging, value_moving};
use crate::domain::program::{ChargePremium, Expiry, Program, ProgramKind, start_of_day};
use crate::domain::time::{parse_date, parse_rfc3339, rfc3339};
use crate::domain::{Amount, Code, Payer, Rate, Yen};
use crate::service::money::ledger::{self, ChargeRequest, GrantRequest, Method, PaymentOutcome};
use crate::service::money::{idempotency, movement, programs};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::Ctx;

pub(super) fn amount(n: i64) -> Result<Yen, WebError> {
    Yen::positive(n).ok_or_else(|| {
        WebError::BadRequest("amount must be a whole number of yen from 1 to 10,000,000".into())
    })
}

/// An instant: RFC 3339 with offset, or a JST date meaning the start of that day.
fn instant(field: &str, s: &str) -> Result<i64, WebError> {
    parse_rfc3339(s)
        .map(|t| t.timestamp())
        .or_else(|| parse_date(s).map(start_of_day))
        .ok_or_else(|| {
            WebError::BadRequest(format!(
                "{field} must be an RFC 3339 time or a date like 2025-03-31"
            ))
        })
}

/// An expiry given as a date means "usable through that day": it ends at the next midnight.
fn end_instant(field: &str, s: &str) -> Result<i64, WebError> {
    match parse_date(s) {
        Some(d) => Ok(start_of_day(d) + 86_400),
        None => instant(field, s),
    }
}

// --- programs ---------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChargePremiumWire {
    rate_percent: f64,
    cap_per_person: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewProgramWire {
    code: String,
    name: String,
    kind: String,
    expires_at: Option<String>,
    valid_days: Option<u32>,
    #[serde(default)]
    store_ids: Vec<i64>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    weekdays: Vec<u32>,
    usable_from: Option<String>,
    usable_until: Option<String>,
    tax_payable: Option<bool>,
    per_person_cap: Option<i64>,
    budget: Option<i64>,
    charge_premium: Option<ChargePremiumWire>,
    charge_unit: Option<i64>,
}

fn positive(field: &str, v: Option<i64>) -> Result<Option<Yen>, WebError> {
    v.map(|n| {
        (n > 0 && n <= 1_000_000_000_000)
            .then_some(Yen(n))
            .ok_or_else(|| WebError::BadRequest(format!("{field} must be a positive whole number")))
    })
    .transpose()
}

pub fn create_program(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let w: NewProgramWire = ctx.json()?;
    let p = programs::create(ctx.app, ctx.who()?, new_program(w)?)?;
    Ok(Reply::json(201, &json!({ "code": p.code })))
}

/// A program in the API's JSON form (the demo fixtures use it too).
pub fn program_from_json(v: Value) -> Result<programs::NewProgram, WebError> {
    new_program(
        serde_json::from_value(v)
            .map_err(|e| WebError::BadRequest(format!("invalid program: {e}")))?,
    )
}

fn new_program(w: NewProgramWire) -> Result<programs::NewProgram, WebError> {
    let kind = ProgramKind::parse(&w.kind).ok_or_else(|| {
        WebError::BadRequest("kind must be premium, subsidy, cash or points".into())
    })?;
    let expiry = match (w.expires_at.as_deref(), w.valid_days) {
        (Some(_), Some(_)) => {
            return Err(WebError::BadRequest(
                "give expires_at or valid_days, not both".into(),
            ));
        }
        (Some(s), None) => Expiry::At(end_instant("expires_at", s)?),
        (None, Some(0)) => {
            return Err(WebError::BadRequest("valid_days must be at least 1".into()));
        }
        (None, Some(d)) if d > 36_500 => {
            return Err(WebError::BadRequest("valid_days is too large".into()));
        }
        (None, Some(d)) => Expiry::Days(d),
        (None, None) => Expiry::Never,
    };
    let charge_premium = w
        .charge_premium
        .map(|c| -> Result<ChargePremium, WebError> {
            Ok(ChargePremium {
                rate: Rate::from_percent(c.rate_percent).ok_or_else(|| {
                    WebError::BadRequest(
                        "rate_percent must be 0 to 1000 with at most two decimals".into(),
                    )
                })?,
                cap_per_person: positive("cap_per_person", c.cap_per_person)?,
            })
        })
        .transpose()?;
    Ok(programs::NewProgram {
        code: w.code,
        name: w.name,
        kind,
        expiry,
        store_ids: w.store_ids,
        categories: w.categories,
        weekdays: w.weekdays,
        usable_from: w
            .usable_from
            .as_deref()
            .map(|s| instant("usable_from", s))
            .transpose()?,
        usable_until: w
            .usable_until
            .as_deref()
            .map(|s| end_instant("usable_until", s))
            .transpose()?,
        tax_payable: w.tax_payable,
        per_person_cap: positive("per_person_cap", w.per_person_cap)?.map(Amount::from),
        budget: positive("budget", w.budget)?.map(Amount::from),
        charge_premium,
        charge_unit: positive("charge_unit", w.charge_unit)?,
        // api.md: a program made through the API is in force at once.
        window: Default::default(),
    })
}

pub fn list_programs(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let figures = ledger::program_figures(ctx.app, ctx.who()?)?;
    let all = programs::all(ctx.app);
    let items: Vec<Value> = figures
        .iter()
        .filter_map(|f| all.get(&f.code).map(|p| (p, f)))
        .map(|(p, f)| {
            let mut v = program_json(p);
            v["issued"] = json!(f.issued.0);
            v["outstanding"] = json!(f.outstanding.0);
            v["redeemed"] = json!(f.redeemed.0);
            v["expired"] = json!(f.expired.0);
            v
        })
        .collect();
    Ok(Reply::json(
        200,
        &json!({ "items": items, "next_cursor": null }),
    ))
}

fn program_json(p: &Program) -> Value {
    json!({
        "code": p.code,
        "name": p.name,
        "kind": p.kind.code(),
        "expires_at": match p.expiry { Expiry::At(t) => Some(rfc3339(t)), _ => None },
        "valid_days": match p.expiry { Expiry::Days(d) => Some(d), _ => None },
        "store_ids": p.store_ids,
        "categories": p.categories,
        "weekdays": p.weekdays,
        "tax_payable": p.tax_payable,
        "per_person_cap": p.per_person_cap.map(|y| y.0),
        "budget": p.budget.map(|y| y.0),
        "charge_unit": p.charge_unit.0,
        "charge_premium": p.charge_premium.map(|c| json!({
            "rate_percent": c.rate.0 as f64 / 100.0,
            "cap_per_person": c.cap_per_person.map(|y| y.0),
        })),
    })
}

// --- charges and grants -----------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChargeWire {
    resident_id: Option<i64>,
    card_id: Option<i64>,
    amount: i64,
    method: String,
    program: Option<String>,
    expires_at: Option<String>,
}

pub fn charge(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let w: ChargeWire = ctx.json()?;
    let who = ctx.who()?.clone();
    let holder = match (w.resident_id, w.card_id) {
        (Some(r), None) => Payer::Resident(r),
        (None, Some(c)) => Payer::Card(c),
        _ => return Err(WebError::BadRequest("give resident_id or card_id".into())),
    };
    let rq = ChargeRequest {
        holder,
        amount: amount(w.amount)?,
        method: Method::parse(&w.method).ok_or_else(|| {
            WebError::BadRequest("method must be credit_card, bank, cash or admin".into())
        })?,
        program: w.program,
        expires_at: w
            .expires_at
            .as_deref()
            .map(|s| end_instant("expires_at", s))
            .transpose()?,
    };
    let key = ctx.header("idempotency-key");
    Ok(answer(ledger::charge_paid(
        &ctx.shared,
        &who,
        &rq,
        key,
        &fingerprint(ctx),
    )?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantWire {
    program: String,
    amount: i64,
    #[serde(default)]
    resident_ids: Vec<i64>,
    #[serde(default)]
    card_ids: Vec<i64>,
    scheduled_at: Option<String>,
}

pub fn grant(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let w: GrantWire = ctx.json()?;
    let rq = GrantRequest {
        program: w.program,
        amount: amount(w.amount)?.into(),
        recipients: (w.resident_ids.iter().map(|id| Payer::Resident(*id)))
            .chain(w.card_ids.iter().map(|id| Payer::Card(*id)))
            .collect(),
        scheduled_at: w
            .scheduled_at
            .as_deref()
            .map(|s| instant("scheduled_at", s))
            .transpose()?,
    };
    let who = ctx.who()?.clone();
    value_moving(ctx, &who, movement::Grant(rq), |o| {
        (
            201,
            json!({ "grant_id": o.grant_id, "count": o.count, "status": if o.scheduled { "scheduled" } else { "done" } }),
        )
    })
}

// --- payments ---------------------------------------------------------------------

fn payment_json(o: &PaymentOutcome) -> Value {
    json!({
        "payment_id": o.payment_id,
        "store": o.store.as_ref().map(|(id, name)| json!({ "id": id, "name": name })),
        "amount": o.amount.0,
        "paid_at": rfc3339(o.paid_at),
        "breakdown": o.breakdown.iter().map(|(p, y)| json!({ "program": p, "amount": y.0 })).collect::<Vec<_>>(),
        "balance_after": o.balance_after.0,
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MpmWire {
    store_code: String,
    amount: i64,
}

pub fn pay_mpm(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let w: MpmWire = ctx.json()?;
    let amount = amount(w.amount)?;
    let who = ctx.who()?.clone();
    value_moving(
        ctx,
        &who,
        movement::PayAtStore {
            store_code: w.store_code,
            amount,
        },
        |o| (201, payment_json(o)),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CpmWire {
    token: String,
    amount: i64,
    pin: Option<String>,
}

pub fn pay_cpm(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let store_id = ctx.param_id(0)?;
    let w: CpmWire = ctx.json()?;
    let amount = amount(w.amount)?;
    let who = ctx.who()?.clone();
    crate::service::money::cards::count_pin_attempt(ctx.app, &w.token, w.pin.as_deref())?;
    value_moving(
        ctx,
        &who,
        movement::PayByToken {
            store_id,
            token: w.token,
            amount,
            pin: w.pin,
        },
        |o| (201, payment_json(o)),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaxWire {
    amount: i64,
    notice_number: String,
}

pub fn pay_tax(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let w: TaxWire = ctx.json()?;
    let amount = amount(w.amount)?;
    let who = ctx.who()?.clone();
    value_moving(
        ctx,
        &who,
        movement::PayTax {
            amount,
            notice_number: w.notice_number.clone(),
        },
        move |o| {
            let mut v = payment_json(o);
            v["notice_number"] = json!(w.notice_number.trim());
            (201, v)
        },
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RefundWire {
    amount: i64,
}

pub fn refund(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let payment_id = ctx.param_id(0)?;
    let w: RefundWire = ctx.json()?;
    let amount = amount(w.amount)?;
    let who = ctx.who()?.clone();
    value_moving(ctx, &who, movement::Refund { payment_id, amount }, |o| {
        (
            201,
            json!({ "refund_id": o.refund_id, "amount": o.amount.0, "payment_id": o.payment_id }),
        )
    })
}

// --- reading ----------------------------------------------------------------------

pub(super) fn balance_json(ctx: &Ctx, holder: Payer) -> Result<Reply, WebError> {
    let b = ledger::balance(ctx.app, holder)?;
    Ok(Reply::json(
        200,
        &json!({
            "total": b.total.0,
            "points": b.points.0,
            "lots": b.lots.iter().map(|l| json!({
                "program": l.program,
                "program_name": l.program_name,
                "amount": l.amount.0,
                "unit": l.unit.code(),
                "expires_at": l.expires_at.map(rfc3339),
                "restricted": l.restricted,
            })).collect::<Vec<_>>(),
        }),
    ))
}

fn me(ctx: &Ctx) -> Result<i64, WebError> {
    ctx.who()?.user_id.ok_or(WebError::RouteNotFound)
}

pub fn my_balance(ctx: &mut Ctx) -> Result<Reply, WebError> {
    balance_json(ctx, Payer::Resident(me(ctx)?))
}

pub fn resident_balance(ctx: &mut Ctx) -> Result<Reply, WebError> {
    balance_json(ctx, Payer::Resident(ctx.param_id(0)?))
}

pub fn my_transactions(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let paging = Paging::from(ctx)?;
    let before = (paging.after_id > 0).then_some(paging.after_id);
    let rows = ledger::history(
        ctx.app,
        Payer::Resident(me(ctx)?),
        &Default::default(),
        before,
        paging.limit,
    )?;
    let last = rows.last().map(|r| r.entry_id);
    let items = rows
        .iter()
        .map(|r| {
            let mut v = json!({
                "id": r.entry_id,
                "kind": r.kind.code(),
                "unit": r.unit.code(),
                "amount": r.amount.0.abs(),
                "delta": r.amount.0,
                "at": rfc3339(r.at),
            });
            if let Some((id, name)) = &r.store {
                v["store"] = json!({ "id": id, "name": name });
            }
            v
        })
        .collect();
    Ok(Reply::json(200, &paging.page(items, last)))
}

pub fn qr_token(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let (token, expires_at) = ledger::issue_qr_token(ctx.app, ctx.who()?)?;
    Ok(Reply::json(
        200,
        &json!({ "token": token, "expires_at": rfc3339(expires_at) }),
    ))
}

/// The request's identity for idempotency: method, path and body.
pub fn fingerprint(ctx: &Ctx) -> [u8; 32] {
    let mut data = format!("{} {}\n", ctx.method.as_str(), ctx.path).into_bytes();
    data.extend_from_slice(&ctx.body);
    crate::service::crypto::sha256(&data)
}

/// A stored or fresh answer as a reply.
pub fn answer(a: idempotency::Answer) -> Reply {
    let r = Reply::bytes(
        a.status,
        "application/json; charset=utf-8",
        a.body.into_bytes(),
    );
    if a.replayed {
        r.header("Idempotent-Replayed", "true")
    } else {
        r
    }
}
