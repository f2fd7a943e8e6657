//! The store owner's pages: the store's logins (staff), its profile and photo, and
//! the requests to change the profile or leave the scheme.

use crate::i18n::Msg;
use maud::html;

use super::{answer_form, message, render, status_of};
use crate::web::error::WebError;
use crate::web::reply::Reply;
use crate::web::request::{Ctx, field};
use crate::web::views::{alert, csrf_field, notice};

/// The owner's list of the store's logins, with adding and stopping staff.
pub fn staff(ctx: &mut Ctx) -> Result<Reply, WebError> {
    staff_page(ctx, 200, None, None)
}

fn staff_page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    created: Option<(String, String)>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let list = crate::service::merchants::stores::staff_of_store(ctx.app, ctx.who()?)?;
    let csrf = ctx.csrf_token();
    let body = html! {
        @if let Some((login, otp)) = &created {
            div.notice role="status" {
                p { (l.t(Msg::TheStaffLoginWasCreated)) }
                dl { dt { (l.t(Msg::LoginId)) } dd { code { (login) } } dt { (l.t(Msg::OneTimePassword)) } dd { code.secret { (otp) } } }
            }
        }
        @if let Some(e) = error { (alert(e)) }
        form.card method="post" action="/shop/staff" {
            h2 { (l.t(Msg::AddStaff)) }
            (csrf_field(&csrf))
            (crate::web::views::Field::new(l.t(Msg::LoginId), "login").required(true).hint(l.t(Msg::N3To64LettersOr)).render(l))
            button.primary type="submit" { (l.t(Msg::Create)) }
        }
        ul.notice-admin {
            @for (login, owner, active, id) in &list {
                li.card {
                    strong { (login) } " "
                    small { (if *owner { l.t(Msg::Owner) } else { l.t(Msg::Staff) }) " · " (if *active { l.t(Msg::Active) } else { l.t(Msg::Stopped) }) }
                    @if !*owner && *active {
                        form method="post" action={ "/shop/staff/" (id) "/remove" } {
                            (csrf_field(&csrf))
                            button type="submit" { (l.t(Msg::StopThisLogin)) }
                        }
                    }
                }
            }
        }
    };
    Ok(render(ctx, status, l.t(Msg::Staff2), body))
}

pub fn add_staff(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let f = ctx.form();
    let who = ctx.who()?.clone();
    match crate::service::merchants::stores::owner_adds_staff(
        ctx.app,
        &who,
        field(&f, "login").unwrap_or(""),
    ) {
        Ok(created) => staff_page(ctx, 201, None, Some(created)),
        Err(e) if status_of(&e) < 500 => {
            staff_page(ctx, status_of(&e), Some(&message(ctx, &e)), None)
        }
        Err(e) => Err(e.into()),
    }
}

pub fn remove_staff(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let who = ctx.who()?.clone();
    match crate::service::merchants::stores::owner_removes_staff(ctx.app, &who, ctx.param_id(0)?) {
        Ok(()) => Ok(Reply::redirect("/shop/staff")),
        Err(e) if status_of(&e) < 500 => {
            staff_page(ctx, status_of(&e), Some(&message(ctx, &e)), None)
        }
        Err(e) => Err(e.into()),
    }
}

/// The store's profile as it stands, a form to ask for changes, and a removal request.
pub fn profile(ctx: &mut Ctx) -> Result<Reply, WebError> {
    profile_page(ctx, 200, None, None)
}

fn profile_page(
    ctx: &Ctx,
    status: u16,
    error: Option<&str>,
    done: Option<&str>,
) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let who = ctx.who()?.clone();
    let s = crate::service::merchants::stores::get(
        ctx.app,
        who.store_id.ok_or(WebError::RouteNotFound)?,
    )?;
    let values = super::store_form::profile_values(&s.profile);
    let requests = crate::service::merchants::store_requests::requests(ctx.app, &who)?;
    // Other staff see the profile, but the requests and the photo are the owner's.
    let owner = crate::service::merchants::stores::is_owner(ctx.app, &who)?;
    let csrf = ctx.csrf_token();
    let body = html! {
        @if let Some(d) = done { (notice(d)) }
        @if let Some(e) = error { (alert(e)) }
        @if !requests.is_empty() {
            ul.notice-list {
                @for r in &requests {
                    li {
                        (if r.kind == "update" { l.t(Msg::ProfileChange) } else { l.t(Msg::Removal) }) " — "
                        strong { (match r.status.as_str() { "pending" => l.t(Msg::Pending), "approved" => l.t(Msg::Approved), _ => l.t(Msg::Rejected) }) }
                        @if let Some(reason) = &r.reason { small { (reason) } }
                    }
                }
            }
        }
        @if owner {
            form.card method="post" action="/shop/photo" enctype="multipart/form-data" {
                h2 { (l.t(Msg::StorePhoto)) }
                @if let Some(src) = super::directory::photo_url(&s) {
                    p { img.store-photo src=(src) alt=(l.t(Msg::TheCurrentPhoto)); }
                }
                p.small { (l.t(Msg::ShownInTheStoreDirectory)) }
                (csrf_field(&csrf))
                div.field {
                    label for="f-photo" { (l.t(Msg::ChooseAPhoto)) }
                    input #f-photo type="file" name="photo" accept="image/png,image/jpeg" required;
                }
                button type="submit" { (l.t(Msg::UploadThePhoto)) }
            }
            form.card method="post" action="/shop/profile" {
                p { (l.t(Msg::ChangesShowOnceTheSecretariat)) }
                (csrf_field(&csrf))
                (super::store_form::store_fields(l, &values))
                button.primary type="submit" { (l.t(Msg::AskForTheChange)) }
            }
            form.card method="post" action="/shop/removal" {
                h2 { (l.t(Msg::LeaveTheScheme)) }
                (csrf_field(&csrf))
                div.field {
                    label for="f-note" { (l.t(Msg::Why)) }
                    textarea #f-note name="note" rows="2" required {}
                }
                button type="submit" { (l.t(Msg::AskToBeRemoved)) }
            }
        } @else {
            (notice(l.t(Msg::OnlyTheStoresOwnerLogin)))
            dl.confirm {
                dt { (l.t(Msg::Name3)) } dd { (s.name) }
                dt { (l.t(Msg::Category)) } dd { (s.category) }
                dt { (l.t(Msg::Address)) } dd { (s.address) }
            }
        }
    };
    Ok(render(ctx, status, l.t(Msg::StoreProfile), body))
}

pub fn request_update(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let f = ctx.form();
    let who = ctx.who()?.clone();
    match crate::service::merchants::store_requests::request_update(
        ctx.app,
        &who,
        super::store_form::profile_from_form(&f),
    ) {
        Ok(_) => profile_page(ctx, 200, None, Some(l.t(Msg::TheChangeWasRequested))),
        Err(e) if status_of(&e) < 500 => {
            profile_page(ctx, status_of(&e), Some(&message(ctx, &e)), None)
        }
        Err(e) => Err(e.into()),
    }
}

pub fn upload_photo(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let who = ctx.who()?.clone();
    let result = match ctx.files().into_iter().find(|f| f.name == "photo") {
        Some(f) if !f.data.is_empty() => {
            crate::service::merchants::stores::set_photo(ctx.app, &who, &f.data)
        }
        _ => {
            let e = l.t(Msg::ChooseAPhoto2);
            return profile_page(ctx, 400, Some(e), None);
        }
    };
    answer_form(
        ctx,
        result,
        profile_page,
        200,
        l.t(Msg::ThePhotoWasUploaded),
    )
}

pub fn request_removal(ctx: &mut Ctx) -> Result<Reply, WebError> {
    let l = ctx.lang;
    let f = ctx.form();
    let who = ctx.who()?.clone();
    answer_form(
        ctx,
        crate::service::merchants::store_requests::request_removal(
            ctx.app,
            &who,
            field(&f, "note").unwrap_or(""),
        ),
        profile_page,
        200,
        l.t(Msg::RemovalWasRequested),
    )
}
