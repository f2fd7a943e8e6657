//! The ledger's charges (see the parent module).

use super::*;
use crate::i18n::Msg;

// --- charges ----------------------------------------------------------------------

/// How a charge is paid for (`domain::kinds::ChargeMethod`).
pub use crate::domain::ChargeMethod as Method;

#[derive(Debug, Clone)]
pub struct ChargeRequest {
    /// Whose wallet is charged.
    pub holder: Payer,
    pub amount: Yen,
    pub method: Method,
    /// The program charged into; `cash` when not named.
    pub program: Option<String>,
    /// An expiry for this charge alone (KUM-エ-h); otherwise the program's.
    pub expires_at: Option<i64>,
}

pub struct ChargeOutcome {
    pub charge_id: i64,
    pub amount: Yen,
    pub premium_granted: Yen,
    pub balance: Yen,
    /// The payment provider that took the money, if any.
    pub provider: Option<String>,
}

/// Who may charge whom, with which method. Checked before any money is taken.
pub fn check_charge(app: &App, who: &Principal, rq: &ChargeRequest) -> Result<Program> {
    let allowed = match who.role {
        Role::Resident => {
            rq.holder == Payer::Resident(who.user_id.unwrap_or(-1)) && rq.method.needs_provider()
        }
        Role::Operator => rq.method == Method::Cash,
        // Card-selling stores take cash for cards (which store: checked with the card).
        Role::Merchant => matches!(rq.holder, Payer::Card(_)) && rq.method == Method::Cash,
        Role::Admin => true,
        _ => false,
    };
    if !allowed {
        return Err(ServiceError::Forbidden(Text::new(Msg::CannotChargeThisWay)));
    }
    if rq.method.needs_provider() && app.provider.is_none() {
        return Err(provider::unavailable());
    }
    if rq.method == Method::Admin && who.role != Role::Admin {
        return Err(ServiceError::Forbidden(Text::new(Msg::OnlyAnAdminMayUse)));
    }
    let program = programs::get(app, rq.program.as_deref().unwrap_or("cash"))?;
    if matches!(program.kind, ProgramKind::Subsidy | ProgramKind::Points) {
        return Err(invalid(
            Text::new(Msg::ProgramIsGrantedOnly).with("program", &program.name),
        ));
    }
    if rq.amount.0 % program.charge_unit.0 != 0 {
        return Err(invalid(
            Text::new(Msg::ChargeUnit)
                .with("program", &program.name)
                .with_yen("unit", program.charge_unit),
        ));
    }
    let now = app.now();
    if let Some(e) = rq.expires_at
        && e <= now
    {
        return Err(invalid(Msg::ExpiresAtIsAlreadyPast));
    }
    if program.expiry.for_issue(now).is_some_and(|e| e <= now)
        || program.usable_until.is_some_and(|u| u <= now)
        || program.window.ends_at.is_some_and(|e| e <= now)
    {
        return Err(ServiceError::Expired(
            Text::new(Msg::ProgramHasEnded).with("program", &program.name),
        ));
    }
    if !program.is_running(now) {
        return Err(not_running(&program));
    }
    Ok(program)
}

/// Records a charge (after the provider approved it): the charged lot plus any premium
/// that active premium programs grant on it.
pub fn charge(
    app: &App,
    tx: &Transaction,
    who: &Principal,
    rq: &ChargeRequest,
    program: &Program,
    approval: Option<(&str, &str)>,
) -> Result<ChargeOutcome> {
    let now = app.now();
    let wallet = holder_wallet(tx, rq.holder, now)?;
    let cash_at_store = match rq.holder {
        Payer::Card(id) => {
            let card = crate::service::money::cards::usable(tx, id)?;
            crate::service::money::cards::check_charge(tx, who, &card, rq)?
        }
        Payer::Resident(_) => None,
    };

    // Premium: the charged program's own, or, for plain cash, the running premium
    // campaign on charges that began last.
    let all = programs::all(app);
    let sources: Vec<&Program> = if program.charge_premium.is_some() {
        vec![program]
    } else if program.kind == ProgramKind::Cash {
        // Premiums never stack: of those running, the one that began last applies.
        all.values()
            .filter(|p| p.kind == ProgramKind::Premium && p.charge_premium.is_some())
            .filter(|p| {
                p.is_running(now)
                    && p.expiry.for_issue(now).is_none_or(|e| e > now)
                    && p.usable_until.is_none_or(|u| u > now)
            })
            .max_by(|a, b| (a.began(), &a.code).cmp(&(b.began(), &b.code)))
            .into_iter()
            .collect()
    } else {
        vec![]
    };
    let mut premiums: Vec<(&Program, Yen)> = Vec::new();
    for p in sources {
        let Some(cp) = p.charge_premium else { continue };
        let received = db::received(tx, wallet, &p.code, Some(LotOrigin::Premium))?.yen();
        let left = budget_left(tx, p)?;
        let y = charge_premium(rq.amount, cp, received, left.map(Amount::yen));
        // Charging into a campaign whose premium budget is spent stops (KUM-エ-d).
        if p.code == program.code && left.is_some_and(|l| l <= Amount::ZERO) {
            return Err(exhausted(p));
        }
        if y > Yen::ZERO {
            premiums.push((p, y));
        }
    }
    let own_premium: Yen = premiums
        .iter()
        .filter(|(p, _)| p.code == program.code)
        .map(|(_, y)| *y)
        .sum();
    check_cap(
        program,
        db::received(tx, wallet, &program.code, None)?,
        (rq.amount + own_premium).into(),
    )?;
    for (p, y) in &premiums {
        if p.code != program.code {
            check_cap(p, db::received(tx, wallet, &p.code, None)?, (*y).into())?;
        }
    }

    let entry = post(
        tx,
        &EntryMeta {
            kind: EntryKind::Charge,
            at: now,
            actor: &who.actor,
            wallet: Some(wallet),
            store_id: None,
        },
        |entry_id| {
            let mut ps = Vec::new();
            ps.extend(issue_lot(
                tx,
                entry_id,
                now,
                &Issue {
                    wallet,
                    program,
                    amount: rq.amount.into(),
                    origin: LotOrigin::Charge,
                    expires_at: rq.expires_at.or(program.expiry.for_issue(now)),
                },
            )?);
            for (p, y) in &premiums {
                ps.extend(issue_lot(
                    tx,
                    entry_id,
                    now,
                    &Issue {
                        wallet,
                        program: p,
                        amount: (*y).into(),
                        origin: LotOrigin::Premium,
                        expires_at: p.expiry.for_issue(now),
                    },
                )?);
            }
            Ok(ps)
        },
    )?;
    let premium_granted: Yen = premiums.iter().map(|(_, y)| *y).sum();
    let charge_id = db::insert_charge(
        tx,
        &db::NewCharge {
            wallet,
            program: &program.code,
            amount: rq.amount,
            premium: premium_granted,
            method: rq.method,
            provider: approval.map(|a| a.0),
            provider_ref: approval.map(|a| a.1),
            entry_id: entry,
            at: now,
            store_id: cash_at_store,
        },
    )?;
    Ok(ChargeOutcome {
        charge_id,
        provider: approval.map(|a| a.0.to_owned()),
        amount: rq.amount,
        premium_granted,
        balance: balance_now(app, tx, wallet, Unit::Yen, now)?.yen(),
    })
}

/// The whole charge: checks, the payment provider (for card and bank), and the ledger,
/// honouring an Idempotency-Key. The provider takes the money before the ledger records
/// it; if recording fails the provider gives it back. The answer is the API's body.
pub fn charge_paid(
    app: &Arc<App>,
    who: &Principal,
    rq: &ChargeRequest,
    key: Option<&str>,
    fingerprint: &[u8],
) -> Result<idempotency::Answer> {
    let program = check_charge(app, who, rq)?;
    let scope = who.idempotency_scope();
    if let Some(a) = idempotency::stored(app, &scope, key, fingerprint)? {
        return Ok(a);
    }
    let provider = match (&app.provider, rq.method.needs_provider()) {
        (Some(p), true) => Some(p),
        (None, true) => return Err(provider::unavailable()),
        (_, false) => None,
    };
    let approval = match provider {
        Some(p) => {
            let attempt = key.map(str::to_owned).unwrap_or_else(crypto::random_token);
            Some(p.authorize(rq.method.code(), rq.amount, &attempt)?)
        }
        None => None,
    };
    let provider_name = provider.map_or("", |p| p.name());
    let reference = approval.as_ref().map(|a| a.reference.clone());
    let (shared, who2, rq2) = (app.clone(), who.clone(), rq.clone());
    let result = idempotency::run(
        app,
        &scope,
        key,
        fingerprint,
        move |tx| {
            charge(
                &shared,
                tx,
                &who2,
                &rq2,
                &program,
                reference.as_deref().map(|r| (provider_name, r)),
            )
        },
        |o| {
            (
                201,
                serde_json::json!({
                    "charge_id": o.charge_id,
                    "amount": o.amount.0,
                    "premium_granted": o.premium_granted.0,
                    "balance": o.balance.0,
                    // Which provider took the money; "sandbox" means no real money moved.
                    "provider": o.provider,
                }),
            )
        },
    );
    if result.is_err()
        && let (Some(p), Some(a)) = (provider, &approval)
    {
        p.void(a);
    }
    result
}
