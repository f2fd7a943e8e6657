//! A store's profile as a form: the fields (shared by the application form and the
//! owner's profile form), the profile they give, and the values that refill them. The
//! one place a profile field meets the pages.

use crate::i18n::Msg;
use maud::{Markup, html};

use crate::domain::store::split_keywords;
use crate::domain::{BankAccount, StoreProfile};
use crate::web::request::field;
use crate::web::views::{Field, Lang};

const CATEGORIES: &[&str] = &[
    "食料品",
    "飲食店",
    "医薬品・日用品",
    "衣料品",
    "家電・日用雑貨",
    "理美容",
    "宿泊・観光",
    "サービス",
    "その他",
];

/// The store profile fields; `values` refills them.
pub fn store_fields(l: Lang, values: &[(String, String)]) -> Markup {
    let v = |n: &str| field(values, n).unwrap_or("").to_owned();
    let checked = |n: &str, val: &str| values.iter().any(|(k, x)| k == n && x == val);
    html! {
            (Field::new(l.t(Msg::StoreName), "name").value(&v("name")).required(true).render(l))
            (Field::new(l.t(Msg::StoreNameInKana), "name_kana").value(&v("name_kana")).required(true).hint(l.t(Msg::KanaReadingHint)).render(l))
            div.field {
                label for="f-category" { (l.t(Msg::Category)) span.req { (l.t(Msg::Required)) } }
                select #f-category name="category" required {
                    option value="" { (l.t(Msg::Choose)) }
                    @for c in CATEGORIES { option value=(c) selected[v("category") == *c] { (c) } }
                }
            }
            (Field::new(l.t(Msg::Address), "address").value(&v("address")).required(true).render(l))
            (Field::new(l.t(Msg::Phone2), "phone").kind("tel").value(&v("phone")).render(l))
            (Field::new(l.t(Msg::OpeningHours), "hours").value(&v("hours")).render(l))
            (Field::new(l.t(Msg::ClosedOn), "holidays").value(&v("holidays")).render(l))
            (Field::new(l.t(Msg::AboutYourStore), "pr").value(&v("pr")).render(l))
            (Field::new("URL", "url").kind("url").value(&v("url")).render(l))
            (Field::new(l.t(Msg::SearchKeywordsCommaSeparated), "keywords").value(&v("keywords")).hint(l.t(Msg::KeywordReadingHint)).render(l))
            fieldset {
                legend { (l.t(Msg::Accepts)) }
                label.choice { input type="checkbox" name="accepts" value="money" checked[values.is_empty() || checked("accepts", "money")]; " " (l.t(Msg::Money)) }
                label.choice { input type="checkbox" name="accepts" value="coupons" checked[checked("accepts", "coupons")]; " " (l.t(Msg::DiscountCoupons)) }
                label.choice { input type="checkbox" name="accepts" value="points" checked[checked("accepts", "points")]; " " (l.t(Msg::CommunityPoints)) }
                label.choice { input type="checkbox" name="sells_cards" value="1" checked[checked("sells_cards", "1")]; " " (l.t(Msg::SellAndChargeCards)) }
            }
    }
}

/// A form field as typed, trimmed; `None` when left empty.
fn text(f: &[(String, String)], n: &str) -> Option<String> {
    field(f, n)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The store profile of those fields (no bank account, no position).
pub fn profile_from_form(f: &[(String, String)]) -> StoreProfile {
    StoreProfile {
        name: text(f, "name").unwrap_or_default(),
        name_kana: text(f, "name_kana").unwrap_or_default(),
        category: text(f, "category").unwrap_or_default(),
        address: text(f, "address").unwrap_or_default(),
        phone: text(f, "phone"),
        hours: text(f, "hours"),
        holidays: text(f, "holidays"),
        pr: text(f, "pr"),
        url: text(f, "url"),
        keywords: text(f, "keywords")
            .map(|k| split_keywords(&k))
            .unwrap_or_default(),
        accepts: f
            .iter()
            .filter(|(k, _)| k == "accepts")
            .map(|(_, v)| v.clone())
            .collect(),
        sells_cards: field(f, "sells_cards") == Some("1"),
        ..StoreProfile::default()
    }
}

/// The values that fill the fields with a profile as it stands.
pub fn profile_values(s: &StoreProfile) -> Vec<(String, String)> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        ("name", s.name.clone()),
        ("name_kana", s.name_kana.clone()),
        ("category", s.category.clone()),
        ("address", s.address.clone()),
        ("phone", opt(&s.phone)),
        ("hours", opt(&s.hours)),
        ("holidays", opt(&s.holidays)),
        ("pr", opt(&s.pr)),
        ("url", opt(&s.url)),
        ("keywords", s.keywords.join("、")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .chain(s.accepts.iter().map(|m| ("accepts".to_owned(), m.clone())))
    .chain(
        s.sells_cards
            .then(|| ("sells_cards".to_owned(), "1".to_owned())),
    )
    .collect()
}

/// The bank account fields of the application form.
pub fn bank_from_form(f: &[(String, String)]) -> BankAccount {
    BankAccount {
        bank_code: text(f, "bank_code").unwrap_or_default(),
        branch_code: text(f, "branch_code").unwrap_or_default(),
        account_type: text(f, "account_type").unwrap_or_else(|| "ordinary".into()),
        account_number: text(f, "account_number").unwrap_or_default(),
        holder_kana: text(f, "holder_kana").unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_survives_its_form() {
        let p = StoreProfile {
            name: "花屋".into(),
            name_kana: "ハナヤ".into(),
            category: "その他".into(),
            address: "本町1".into(),
            hours: Some("9-18".into()),
            keywords: vec!["花".into(), "鉢植え".into()],
            accepts: vec!["money".into(), "points".into()],
            sells_cards: true,
            ..StoreProfile::default()
        };
        assert_eq!(profile_from_form(&profile_values(&p)), p);
    }
}
