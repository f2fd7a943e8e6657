//! Merchant applications: the public form (the secretariat uses the same form for
//! applications that came by post), the applicant's status page, and the review queue.

use crate::i18n::Msg;
use maud::{Markup, html};

use super::location::{location_fields, location_from_form};
use super::{message, render, status_of, store_form};
use crate::domain::kana::reading_katakana;
use crate::domain::{StoreProfile, application_number};
use crate::service::merchants::applications::{self, Application, Decision};
use crate::service::merchants::{directory, postcodes};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::{Field, Lang, alert, csrf_field, notice};

fn form_page(ctx: &Ctx, status: u16, values: &[(String, String)], error: Option<&str>) -> Reply {
    form_page_with(ctx, status, values, error, None)
}

fn form_page_with(
    ctx: &Ctx,
    status: u16,
    values: &[(String, String)],
    error: Option<&str>,
    done: Option<&str>,
) -> Reply {
    let l = ctx.lang;
    let v = |n: &str| field(values, n).unwrap_or("").to_owned();
    let ticked = |n: &str| field(values, n) == Some("1");
    let by_staff = ctx.principal.is_some();
    let body: Markup = html! {
        @if by_staff { (notice(l.t(Msg::TypingInAnApplicationThat))) }
        @if let Some(e) = error { (alert(e)) }
        @if let Some(d) = done { (notice(d)) }
        @if !by_staff { p { a href="/apply/status" { (l.t(Msg::AlreadyAppliedSeeTheStatus)) } } }
        form.card method="post" action="/apply" {
            (csrf_field(&ctx.csrf_token()))
            h2 { (l.t(Msg::YourStore)) }
            (Field::new(l.t(Msg::PostalCode), "postal_code").value(&v("postal_code")).required(true).autocomplete("postal-code").hint(l.t(Msg::EG3790192)).render(l))
            p { button type="submit" name="fill" value="address" formnovalidate { (l.t(Msg::FillTheAddressFromThe)) } }
            (store_form::store_fields(l, values))
            h2 { (l.t(Msg::BankAccountForSettlement)) }
            (Field::new(l.t(Msg::BankCode4Digits), "bank_code").value(&v("bank_code")).required(true).render(l))
            (Field::new(l.t(Msg::BranchCode3Digits), "branch_code").value(&v("branch_code")).required(true).render(l))
            fieldset {
                legend { (l.t(Msg::AccountType)) }
                label.choice { input type="radio" name="account_type" value="ordinary" checked[v("account_type") != "current"]; " " (l.t(Msg::Ordinary)) }
                label.choice { input type="radio" name="account_type" value="current" checked[v("account_type") == "current"]; " " (l.t(Msg::Current)) }
            }
            (Field::new(l.t(Msg::AccountNumber7Digits), "account_number").value(&v("account_number")).required(true).render(l))
            (Field::new(l.t(Msg::AccountHolderKatakana), "holder_kana").value(&v("holder_kana")).required(true).render(l))
            h2 { (l.t(Msg::Applicant)) }
            (Field::new(l.t(Msg::YourName), "applicant_name").value(&v("applicant_name")).required(true).render(l))
            (Field::new(l.t(Msg::EMailForTheResult), "email").kind("email").value(&v("email")).required(true).render(l))
            fieldset {
                legend { (l.t(Msg::PledgeAndTerms)) }
                p { a #terms-link href="/apply/terms" target="_blank" rel="noopener" { (l.t(Msg::ReadTheStoreTerms)) } " " small { (l.t(Msg::OpensInANewTab)) } }
                label.choice { input type="checkbox" name="pledge" value="1" required checked[ticked("pledge")]; " " (l.t(Msg::IWillNotMoveThe)) }
                label.choice { input type="checkbox" name="terms" value="1" required checked[ticked("terms")]; " " (l.t(Msg::IAcceptTheStoreTerms)) }
            }
            button.primary type="submit" { (l.t(Msg::Apply)) }
        }
    };
    render(ctx, status, l.t(Msg::ApplyAsAStore), body)
}

pub fn form(ctx: &mut Ctx) -> Result<Reply, WebError> {
    Ok(form_page(ctx, 200, &[], None))
}

pub fn submit(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    // The reading is kept as it will be stored (katakana), also when the form comes back.
    let f: Vec<(String, String)> = ctx
        .form()
        .into_iter()
        .map(|(k, v)| match k.as_str() {
            "name_kana" => (k, reading_katakana(&v)),
            _ => (k, v),
        })
        .collect();
    let text = |n: &str| {
        field(&f, n)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    if field(&f, "fill") == Some("address") {
        return Ok(fill_address(ctx, f));
    }
    if field(&f, "terms") != Some("1") {
        return Ok(form_page(ctx, 400, &f, Some(l.t(Msg::AcceptTheStoreTerms))));
    }
    let application = Application {
        store: StoreProfile {
            bank: Some(store_form::bank_from_form(&f)),
            ..store_form::profile_from_form(&f)
        },
        applicant_name: text("applicant_name").unwrap_or_default(),
        email: text("email").unwrap_or_default(),
        pledge: field(&f, "pledge") == Some("1"),
        postal_code: text("postal_code").unwrap_or_default(),
        lang: l,
    };
    let who = ctx.principal.clone();
    match applications::submit(ctx.app, who.as_ref(), application) {
        Ok(s) => {
            let number = application_number::display(&s.number);
            let body = html! {
                (notice(l.t(Msg::ApplicationReceived)))
                section.card.app-number {
                    h2 { (l.t(Msg::YourApplicationNumber)) }
                    p.big-number { output #app-number { (number) } }
                    p { (l.t(Msg::KeepThisNumber)) }
                }
                p { (l.t(Msg::TheResultComesByMail)) }
                p { a.button.primary href=(s.status_path()) { (l.t(Msg::SeeTheStatus)) } }
            };
            Ok(render(ctx, 201, l.t(Msg::ApplicationReceived), body))
        }
        Err(e) if status_of(&e) < 500 => {
            Ok(form_page(ctx, status_of(&e), &f, Some(&message(ctx, &e))))
        }
        Err(e) => Err(e.into()),
    }
}

/// The form again with the address the postal code names put in the address field
/// (unless what is there already starts with it), nothing submitted.
fn fill_address(ctx: &Ctx, mut f: Vec<(String, String)>) -> Reply {
    let l = ctx.lang;
    let Some(found) = postcodes::address_of(field(&f, "postal_code").unwrap_or("")) else {
        return form_page(ctx, 400, &f, Some(l.t(Msg::NoAddressForThisPostal)));
    };
    let typed = field(&f, "address").unwrap_or("").trim().to_owned();
    if !typed.starts_with(found) {
        f.retain(|(k, _)| k != "address");
        f.push(("address".into(), found.to_owned()));
    }
    form_page_with(ctx, 200, &f, None, Some(l.t(Msg::TheAddressWasFilledIn)))
}

fn status_label(l: Lang, s: &str) -> String {
    l.t(applications::status_label(s)).to_owned()
}

/// Where an applicant types the short number to reach the status page.
pub fn lookup(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let typed = ctx.query_get("number").unwrap_or("").trim().to_owned();
    let mut error = None;
    if !typed.is_empty() {
        match application_number::parse(&typed) {
            Some(n) => match applications::by_token(ctx.app, &n) {
                Ok(_) => {
                    let path = format!("/apply/status/{}", application_number::display(&n));
                    return Ok(Reply::redirect(&path));
                }
                Err(e) if status_of(&e) < 500 => error = Some(message(ctx, &e)),
                Err(e) => return Err(e.into()),
            },
            None => error = Some(l.t(Msg::ApplicationNumberLooksLike).to_owned()),
        }
    }
    let status = if error.is_some() { 404 } else { 200 };
    let body = html! {
        @if let Some(e) = &error { (alert(e)) }
        form.card method="get" action="/apply/status" {
            (Field::new(l.t(Msg::YourApplicationNumber), "number").value(&typed).required(true).hint(l.t(Msg::ApplicationNumberHint)).render(l))
            button.primary type="submit" { (l.t(Msg::SeeTheStatus)) }
        }
    };
    Ok(render(ctx, status, l.t(Msg::ApplicationStatus), body))
}

/// The store terms the form links to: the city's own, else the standard ones.
pub fn terms(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let own = crate::service::operations::settings::store_terms(ctx.app)?;
    let body = html! {
        section.card.terms {
            @match &own {
                Some(t) => {
                    @for para in t.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
                        p { @for (i, line) in para.lines().enumerate() { @if i > 0 { br; } (line) } }
                    }
                }
                None => {
                    p { (l.t(Msg::StandardTermsIntro)) }
                    ol {
                        li { (l.t(Msg::StandardTerms1)) }
                        li { (l.t(Msg::StandardTerms2)) }
                        li { (l.t(Msg::StandardTerms3)) }
                        li { (l.t(Msg::StandardTerms4)) }
                    }
                }
            }
        }
        p { a href="/apply" { (l.t(Msg::BackToTheApplication)) } }
    };
    Ok(render(ctx, 200, l.t(Msg::StoreTerms), body))
}

/// The applicant's own page, reached by the short number or the secret address given
/// at submission.
pub fn status(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let token = ctx.params.first().cloned().unwrap_or_default();
    let a = applications::by_token(ctx.app, &token)?;
    let body = html! {
        dl.confirm {
            dt { (l.t(Msg::Number)) } dd { (a.id) }
            dt { (l.t(Msg::Status)) } dd.status { (status_label(l, &a.status)) }
            @if let Some(r) = &a.reason { dt { (l.t(Msg::Reason)) } dd { (r) } }
        }
        @if a.status == "approved" { p { (l.t(Msg::YourLoginAndOneTime)) " " a href="/login" { (l.t(Msg::LogIn)) } } }
        @if a.status == "changes_requested" { p { a.button href="/apply" { (l.t(Msg::ApplyAgain)) } } }
    };
    Ok(render(ctx, 200, l.t(Msg::ApplicationStatus), body))
}

pub fn queue(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let items = applications::list(ctx.app, ctx.who()?)?;
    let body = html! {
        p { a.button href="/apply" { (l.t(Msg::TypeInAPostedApplication)) } }
        ul.notice-list {
            @for a in &items {
                li {
                    a href={ "/office/applications/" (a.id) } { (a.id) ". " (serde_json::from_str::<StoreProfile>(&a.profile).map(|s| s.name).unwrap_or_default()) }
                    small { (status_label(l, &a.status)) " · " (if a.source == "post" { l.t(Msg::Post) } else { "web" }) " · " (l.datetime(a.created_at)) }
                }
            }
        }
    };
    Ok(render(ctx, 200, l.t(Msg::StoreApplications), body))
}

pub fn review(ctx: &mut Ctx) -> Result<Reply, WebError> {
    review_page(ctx, 200, None, None, &[])
}

fn review_page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    done: Option<Markup>,
    values: &[(String, String)],
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let a = applications::get(ctx.app, ctx.param_id(0)?)?;
    let s: StoreProfile = serde_json::from_str(&a.profile)
        .map_err(|e| WebError::Service(crate::service::ServiceError::Internal(e.to_string())))?;
    let csrf = ctx.csrf_token();
    let bank = s.bank.clone();
    let body = html! {
        @if let Some(d) = done { (d) }
        @if let Some(e) = error { (alert(e)) }
        dl.confirm {
            dt { (l.t(Msg::Status)) } dd.status { (status_label(l, &a.status)) }
            dt { (l.t(Msg::Name3)) } dd { (s.name) " (" (s.name_kana) ")" }
            dt { (l.t(Msg::Category)) } dd { (s.category) }
            dt { (l.t(Msg::Address)) } dd { (s.address) }
            @if let Some(p) = &s.phone { dt { (l.t(Msg::Phone)) } dd { (p) } }
            @if let Some(b) = &bank { dt { (l.t(Msg::Account)) } dd { (b.bank_code) "-" (b.branch_code) " " (b.account_type) " " (b.account_number) " " (b.holder_kana) } }
            dt { (l.t(Msg::Applicant)) } dd { (a.applicant_name) " <" (a.email) ">" }
            @if let Some(r) = &a.reason { dt { (l.t(Msg::Reason2)) } dd { (r) } }
        }
        @if a.status == "submitted" {
            form.card method="post" action={ "/office/applications/" (a.id) "/decide" } {
                (csrf_field(&csrf))
                (location_fields(ctx, field(values, "lat").unwrap_or(""), field(values, "lng").unwrap_or(""), &s.address, directory::map_centre(ctx.app)?))
                div.field {
                    label for="f-reason" { (l.t(Msg::ReasonToRejectOrAsk)) }
                    textarea #f-reason name="reason" rows="3" { (field(values, "reason").unwrap_or("")) }
                }
                div.actions {
                    button.primary type="submit" name="decision" value="approve" { (l.t(Msg::ApproveAndCreateTheStore)) }
                    button type="submit" name="decision" value="changes" { (l.t(Msg::AskForChanges)) }
                    button type="submit" name="decision" value="reject" { (l.t(Msg::Reject)) }
                }
            }
        }
        p { a href="/office/applications" { (l.t(Msg::BackToTheList)) } }
    };
    Ok(render(ctx, status, l.t(Msg::Review), body))
}

pub fn decide(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let f = ctx.form();
    let reason = field(&f, "reason").unwrap_or("").to_owned();
    let decision = match field(&f, "decision") {
        Some("approve") => match location_from_form(&f) {
            Ok(at) => Decision::Approve(at),
            Err(m) => return review_page(ctx, 400, Some(l.t(m)), None, &f),
        },
        Some("reject") => Decision::Reject(reason),
        Some("changes") => Decision::AskForChanges(reason),
        _ => {
            return review_page(ctx, 400, Some(l.t(Msg::ChooseADecision)), None, &f);
        }
    };
    let who = ctx.who()?.clone();
    match applications::decide(ctx.app, &who, ctx.param_id(0)?, decision) {
        Ok(Some(a)) => {
            let done = html! {
                div.notice role="status" {
                    p { (l.t(Msg::ApprovedTheStoreExistsAnd)) }
                    dl { dt { (l.t(Msg::Store)) } dd { (a.store_id) } dt { (l.t(Msg::Login)) } dd { code { (a.login) } } }
                    @if !a.located {
                        p { (l.t(Msg::ApprovedWithoutLocation)) " " a href={ "/office/stores/" (a.store_id) "/location" } { (l.t(Msg::SetTheLocation)) } }
                    }
                }
            };
            review_page(ctx, 200, None, Some(done), &[])
        }
        Ok(None) => review_page(
            ctx,
            200,
            None,
            Some(notice(l.t(Msg::TheApplicantHasBeenTold))),
            &[],
        ),
        Err(e) if status_of(&e) < 500 => {
            review_page(ctx, status_of(&e), Some(&message(ctx, &e)), None, &f)
        }
        Err(e) => Err(e.into()),
    }
}
