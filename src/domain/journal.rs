//! The double-entry journal: every movement of value is one entry whose postings sum to
//! zero for each program, and each entry's hash covers the previous one, so a changed or
//! removed entry breaks the chain.

use sha2::{Digest, Sha256};

use super::money::Yen;

/// Where value sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Account {
    /// The program's source: its balance is minus what it has issued.
    Issue,
    /// A lot in a wallet.
    Lot(i64),
    /// Owed to a store for payments it took (until settled).
    Store(i64),
    /// Paid to the city as tax.
    Tax,
    /// Value that expired unused.
    Expired,
}

impl Account {
    /// The account's name and reference as stored.
    pub fn parts(self) -> (&'static str, Option<i64>) {
        match self {
            Account::Issue => ("issue", None),
            Account::Lot(id) => ("lot", Some(id)),
            Account::Store(id) => ("store", Some(id)),
            Account::Tax => ("tax", None),
            Account::Expired => ("expired", None),
        }
    }

    pub fn from_parts(name: &str, id: Option<i64>) -> Option<Account> {
        Some(match (name, id) {
            ("issue", None) => Account::Issue,
            ("lot", Some(i)) => Account::Lot(i),
            ("store", Some(i)) => Account::Store(i),
            ("tax", None) => Account::Tax,
            ("expired", None) => Account::Expired,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posting {
    pub account: Account,
    pub program: String,
    pub amount: Yen,
}

/// Non-empty, no zero postings, and the postings of each program sum to zero.
pub fn is_balanced(postings: &[Posting]) -> bool {
    if postings.is_empty() || postings.iter().any(|p| p.amount == Yen::ZERO) {
        return false;
    }
    let mut sums: std::collections::HashMap<&str, i64> = std::collections::HashMap::new();
    for p in postings {
        *sums.entry(&p.program).or_default() += p.amount.0;
    }
    sums.values().all(|s| *s == 0)
}

/// What the hash of an entry covers besides its postings.
#[derive(Debug, Clone)]
pub struct EntryHead<'a> {
    pub id: i64,
    pub kind: &'a str,
    pub at: i64,
    pub actor: &'a str,
    pub wallet_id: Option<i64>,
    pub store_id: Option<i64>,
}

/// The hash of an entry chained to the previous one (all zeros before the first).
pub fn entry_hash(prev: &[u8], head: &EntryHead, postings: &[Posting]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(
        format!(
            "{}|{}|{}|{}|{:?}|{:?}",
            head.id, head.kind, head.at, head.actor, head.wallet_id, head.store_id
        )
        .as_bytes(),
    );
    for p in postings {
        let (name, id) = p.account.parts();
        h.update(format!("|{name}:{id:?}:{}:{}", p.program, p.amount.0).as_bytes());
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(a: Account, prog: &str, y: i64) -> Posting {
        Posting {
            account: a,
            program: prog.into(),
            amount: Yen(y),
        }
    }

    #[test]
    fn balance_is_per_program() {
        assert!(is_balanced(&[
            p(Account::Issue, "cash", -100),
            p(Account::Lot(1), "cash", 100)
        ]));
        // Sums to zero overall but moves value between programs.
        assert!(!is_balanced(&[
            p(Account::Issue, "cash", -100),
            p(Account::Lot(1), "gift", 100)
        ]));
        assert!(!is_balanced(&[]));
        assert!(!is_balanced(&[p(Account::Tax, "cash", 0)]));
    }

    #[test]
    fn hash_covers_everything() {
        let head = EntryHead {
            id: 1,
            kind: "charge",
            at: 5,
            actor: "user:1",
            wallet_id: Some(1),
            store_id: None,
        };
        let ps = vec![
            p(Account::Issue, "cash", -100),
            p(Account::Lot(1), "cash", 100),
        ];
        let h = entry_hash(&[0; 32], &head, &ps);
        assert_ne!(h, entry_hash(&[1; 32], &head, &ps), "previous hash");
        assert_ne!(
            h,
            entry_hash(
                &[0; 32],
                &EntryHead {
                    at: 6,
                    ..head.clone()
                },
                &ps
            ),
            "time"
        );
        let mut other = ps.clone();
        other[1].amount = Yen(101);
        assert_ne!(h, entry_hash(&[0; 32], &head, &other), "amount");
        for a in [
            Account::Issue,
            Account::Lot(3),
            Account::Store(2),
            Account::Tax,
            Account::Expired,
        ] {
            let (n, i) = a.parts();
            assert_eq!(Account::from_parts(n, i), Some(a));
        }
    }
}
