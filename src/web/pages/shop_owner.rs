//! The store owner's pages: the store's logins (staff), its profile and photo, and
//! the requests to change the profile or leave the scheme.

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
                p { (l.t("スタッフのログインを作成しました。仮パスワードを本人に伝えてください(再表示できません)。", "The staff login was created. Give them this one-time password (not shown again).")) }
                dl { dt { (l.t("ログインID", "Login ID")) } dd { code { (login) } } dt { (l.t("仮パスワード", "One-time password")) } dd { code.secret { (otp) } } }
            }
        }
        @if let Some(e) = error { (alert(e)) }
        form.card method="post" action="/shop/staff" {
            h2 { (l.t("スタッフを追加", "Add staff")) }
            (csrf_field(&csrf))
            (crate::web::views::Field::new(l.t("ログインID", "Login ID"), "login").required(true).hint(l.t("半角英数字 3〜64文字", "3 to 64 letters or digits")).render(l))
            button.primary type="submit" { (l.t("作成する", "Create")) }
        }
        ul.notice-admin {
            @for (login, owner, active, id) in &list {
                li.card {
                    strong { (login) } " "
                    small { (if *owner { l.t("責任者", "owner") } else { l.t("スタッフ", "staff") }) " · " (if *active { l.t("利用中", "active") } else { l.t("停止", "stopped") }) }
                    @if !*owner && *active {
                        form method="post" action={ "/shop/staff/" (id) "/remove" } {
                            (csrf_field(&csrf))
                            button type="submit" { (l.t("ログインを停止", "Stop this login")) }
                        }
                    }
                }
            }
        }
    };
    Ok(render(ctx, status, l.t("スタッフの管理", "Staff"), body))
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
                        (if r.kind == "update" { l.t("掲載内容の変更", "Profile change") } else { l.t("登録の抹消", "Removal") }) " — "
                        strong { (match r.status.as_str() { "pending" => l.t("審査中", "pending"), "approved" => l.t("承認", "approved"), _ => l.t("不承認", "rejected") }) }
                        @if let Some(reason) = &r.reason { small { (reason) } }
                    }
                }
            }
        }
        @if owner {
            form.card method="post" action="/shop/photo" enctype="multipart/form-data" {
                h2 { (l.t("お店の写真", "Store photo")) }
                @if let Some(src) = super::directory::photo_url(&s) {
                    p { img.store-photo src=(src) alt=(l.t("いまの写真", "The current photo")); }
                }
                p.small { (l.t("お店の一覧に表示されます(PNGまたはJPEG、800KBまで)。責任者のログインで登録できます。", "Shown in the store directory (PNG or JPEG, up to 800 KB). The owner's login can set it.")) }
                (csrf_field(&csrf))
                div.field {
                    label for="f-photo" { (l.t("写真を選ぶ", "Choose a photo")) }
                    input #f-photo type="file" name="photo" accept="image/png,image/jpeg" required;
                }
                button type="submit" { (l.t("写真を登録する", "Upload the photo")) }
            }
            form.card method="post" action="/shop/profile" {
                p { (l.t("変更は事務局の確認後に反映されます。", "Changes show once the secretariat has checked them.")) }
                (csrf_field(&csrf))
                (super::store_form::store_fields(l, &values))
                button.primary type="submit" { (l.t("変更を申請する", "Ask for the change")) }
            }
            form.card method="post" action="/shop/removal" {
                h2 { (l.t("加盟店をやめる", "Leave the scheme")) }
                (csrf_field(&csrf))
                div.field {
                    label for="f-note" { (l.t("理由", "Why")) }
                    textarea #f-note name="note" rows="2" required {}
                }
                button type="submit" { (l.t("登録の抹消を申請する", "Ask to be removed")) }
            }
        } @else {
            (notice(l.t("掲載内容の変更・写真の登録・登録の抹消の申請は、店舗の責任者のログインで行えます。", "Only the store's owner login can ask for profile changes or removal, or set the photo.")))
            dl.confirm {
                dt { (l.t("店名", "Name")) } dd { (s.name) }
                dt { (l.t("業種", "Category")) } dd { (s.category) }
                dt { (l.t("住所", "Address")) } dd { (s.address) }
            }
        }
    };
    Ok(render(
        ctx,
        status,
        l.t("お店の掲載内容", "Store profile"),
        body,
    ))
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
        Ok(_) => profile_page(
            ctx,
            200,
            None,
            Some(l.t("変更を申請しました。", "The change was requested.")),
        ),
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
            let e = l.t("写真を選んでください", "Choose a photo");
            return profile_page(ctx, 400, Some(e), None);
        }
    };
    answer_form(
        ctx,
        result,
        profile_page,
        200,
        l.t("写真を登録しました。", "The photo was uploaded."),
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
        l.t("登録の抹消を申請しました。", "Removal was requested."),
    )
}
