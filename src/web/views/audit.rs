//! The audit log in words: who (by name), what (the action said as a sentence), which
//! record, and the details as "name: value" instead of raw JSON.

use crate::i18n::Msg;
use maud::{Markup, html};

use super::Lang;

/// One entry as the page shows it.
pub struct AuditLine {
    pub when: String,
    pub who: String,
    pub action: String,
    pub target: String,
    pub details: Vec<(String, String)>,
}

/// The action's words; an action without words yet is shown as recorded.
pub fn action_words(l: Lang, action: &str) -> String {
    let m = match action {
        "account.create" => Msg::AuditAccountCreate,
        "account.password" => Msg::AuditAccountPassword,
        "account.unlock" => Msg::AuditAccountUnlock,
        "account.password_reset" => Msg::AuditAccountPasswordReset,
        "account.reset_request" => Msg::AuditAccountResetRequest,
        "resident.password_reissue" => Msg::AuditResidentPasswordReissue,
        "resident.logout_everywhere" => Msg::AuditResidentLogoutEverywhere,
        "store.staff.create" => Msg::AuditStoreStaffCreate,
        "store.staff.remove" => Msg::AuditStoreStaffRemove,
        "application.enter" => Msg::AuditApplicationEnter,
        "application.approved" => Msg::AuditApplicationApprove,
        "application.rejected" => Msg::AuditApplicationReject,
        "application.changes_requested" => Msg::AuditApplicationChanges,
        "grant.approve" => Msg::AuditGrantApprove,
        "grant.execute" => Msg::AuditGrantExecute,
        "grant.reject" => Msg::AuditGrantReject,
        "grant.request" => Msg::AuditGrantRequest,
        "grant.schedule" => Msg::AuditGrantSchedule,
        "maintenance.announce" => Msg::AuditMaintenanceAnnounce,
        "maintenance.read_only" => Msg::AuditMaintenanceReadOnly,
        "notice.approve" => Msg::AuditNoticeApprove,
        "notice.draft" => Msg::AuditNoticeDraft,
        "notice.withdraw" => Msg::AuditNoticeWithdraw,
        "program.approve" => Msg::AuditProgramApprove,
        "program.create" => Msg::AuditProgramCreate,
        "program.edit" => Msg::AuditProgramEdit,
        "program.reject" => Msg::AuditProgramReject,
        "resident.create" => Msg::AuditResidentCreate,
        "resident.lookup" => Msg::AuditResidentLookup,
        "sandbox.clock" => Msg::AuditSandboxClock,
        "settings.branding" | "settings.logo" | "settings.registration" => Msg::AuditSettings,
        "settings.phone_login" => Msg::AuditSettingsPhoneLogin,
        "store.create" => Msg::AuditStoreCreate,
        "store.import" => Msg::AuditStoreImport,
        "store.photo" => Msg::AuditStorePhoto,
        "store.photo.remove" => Msg::AuditStorePhotoRemove,
        "store.suspended" => Msg::AuditStoreSuspended,
        "store.removed" => Msg::AuditStoreRemoved,
        "store.active" => Msg::AuditStoreReinstated,
        "token.create" => Msg::AuditTokenCreate,
        "token.revoke" => Msg::AuditTokenRevoke,
        other => return other.to_owned(),
    };
    l.t(m).to_owned()
}

/// `program:p1` → "事業 p1"; other records as recorded.
pub fn target_words(l: Lang, target: &str) -> String {
    let Some((kind, id)) = target.split_once(':') else {
        return target.to_owned();
    };
    let m = match kind {
        "program" => Msg::Program,
        "store" => Msg::StoreName,
        "grant" | "grant-request" => Msg::Grants,
        "user" => Msg::AuditTargetAccount,
        "notice" => Msg::AuditTargetNotice,
        "application" => Msg::AuditTargetApplication,
        _ => return target.to_owned(),
    };
    format!("{} {id}", l.t(m))
}

/// The JSON detail as name-value pairs (nested values as compact JSON).
pub fn details(detail: &str) -> Vec<(String, String)> {
    match serde_json::from_str::<serde_json::Value>(detail) {
        Ok(serde_json::Value::Object(m)) => m
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                (k, v)
            })
            .collect(),
        _ if detail.is_empty() || detail == "{}" => vec![],
        _ => vec![(String::new(), detail.to_owned())],
    }
}

pub fn table(l: Lang, rows: &[AuditLine]) -> Markup {
    html! {
        div.table-scroll tabindex="0" role="region" aria-label=(l.t(Msg::AuditLog)) { table {
            thead { tr { th { (l.t(Msg::When)) } th { (l.t(Msg::Who)) } th { (l.t(Msg::Action)) } th { (l.t(Msg::Target)) } th { (l.t(Msg::Detail)) } } }
            tbody {
                @for r in rows {
                    tr {
                        td { (r.when) } td { (r.who) } td { (r.action) } td { (r.target) }
                        td {
                            @for (k, v) in &r.details {
                                span.detail { @if !k.is_empty() { (k) ": " } (v) } " "
                            }
                        }
                    }
                }
            }
        } }
    }
}
