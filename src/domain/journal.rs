//! The double-entry journal: every movement of value is one entry whose postings sum to
//! zero for each program, and each entry's hash covers the previous one, so a changed or
//! removed entry breaks the chain.

use sha2::{Digest, Sha256};

use super::money::Amount;

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
    /// Every account's stored name: the rows of `posting_accounts`.
    pub const NAMES: &'static [&'static str] = &["issue", "lot", "store", "tax", "expired"];

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
    pub amount: Amount,
}

/// Non-empty, no zero postings, and the postings of each program sum to zero.
pub fn is_balanced(postings: &[Posting]) -> bool {
    if postings.is_empty() || postings.iter().any(|p| p.amount == Amount::ZERO) {
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
    /// The entry kind's code (`domain::kinds::EntryKind`).
    pub kind: &'a str,
    pub at: i64,
    pub actor: &'a str,
    pub wallet_id: Option<i64>,
    pub store_id: Option<i64>,
}

/// How an entry's hash was computed; stored with every entry (`entries.hash_version`) so
/// `meguri verify` recomputes each entry the way it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashVersion {
    /// Legacy: built from Rust's `{:?}` output, which is not promised to stay the same
    /// across compiler versions. Entries written before version 2 keep it; never used for
    /// new entries.
    V1Legacy = 1,
    /// The explicit byte encoding of [`entry_bytes_v2`].
    V2 = 2,
}

impl HashVersion {
    /// The version every new entry is hashed with.
    pub const CURRENT: HashVersion = HashVersion::V2;

    /// The version as stored in `entries.hash_version`.
    pub fn number(self) -> i64 {
        self as i64
    }

    /// The stored number's version, or `None` for a number this meguri does not know.
    pub fn from_number(n: i64) -> Option<HashVersion> {
        match n {
            1 => Some(HashVersion::V1Legacy),
            2 => Some(HashVersion::V2),
            _ => None,
        }
    }
}

/// The hash of an entry chained to the previous one (`prev`: all zeros before the first
/// entry), computed the way `version` says.
pub fn entry_hash(
    version: HashVersion,
    prev: &[u8],
    head: &EntryHead,
    postings: &[Posting],
) -> [u8; 32] {
    match version {
        HashVersion::V1Legacy => entry_hash_v1_legacy(prev, head, postings),
        HashVersion::V2 => Sha256::digest(entry_bytes_v2(prev, head, postings)).into(),
    }
}

/// LEGACY, FROZEN: the version 1 hash, kept only so entries written before version 2
/// still verify. Never change it (stored hashes depend on every byte) and never use it for
/// new entries: it hashes `{:?}` (Debug) output, which Rust does not promise to keep.
///
/// SHA-256 over `prev`, then `"{id}|{kind}|{at}|{actor}|{wallet_id:?}|{store_id:?}"`
/// (`Some(3)` / `None`), then per posting `"|{name}:{ref_id:?}:{program}:{amount}"`.
fn entry_hash_v1_legacy(prev: &[u8], head: &EntryHead, postings: &[Posting]) -> [u8; 32] {
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

/// The domain-separation prefix of the version 2 encoding (14 ASCII bytes).
pub const V2_PREFIX: &[u8; 14] = b"meguri-journal";

/// The bytes the version 2 hash covers; the hash is SHA-256 of exactly these bytes.
///
/// Building blocks (all integers big-endian, no padding, no separators):
/// - `i64`: 8 bytes, two's complement;
/// - `str`: the UTF-8 byte length as 8-byte unsigned, then the UTF-8 bytes;
/// - `bytes`: the length as 8-byte unsigned, then the bytes;
/// - `opt`: `0x00` when absent; `0x01` then the `i64` when present;
/// - `account`: one tag byte, `0x01` issue, `0x02` lot, `0x03` store, `0x04` tax,
///   `0x05` expired; lot and store (and only they) are followed by their id as `i64`.
///
/// The encoding, in this order:
/// 1. the 14 ASCII bytes `meguri-journal`, then the version byte `0x02`;
/// 2. `id` (i64), `kind` (str), `at` (i64, Unix seconds), `actor` (str),
///    `wallet_id` (opt), `store_id` (opt);
/// 3. the number of postings as 8-byte unsigned, then each posting in its stored order
///    (posting id ascending): `account`, `program` (str), `amount` (i64, in the program's unit: yen or points);
/// 4. the previous entry's hash (bytes; 32 zero bytes before the first entry).
///
/// For example (Python): `b"meguri-journal\x02" + q(id) + s(kind) + q(at) + s(actor) + ...`
/// with `q = lambda n: n.to_bytes(8, "big", signed=True)` and
/// `s = lambda t: len(t.encode()).to_bytes(8, "big") + t.encode()`.
pub fn entry_bytes_v2(prev: &[u8], head: &EntryHead, postings: &[Posting]) -> Vec<u8> {
    fn int(out: &mut Vec<u8>, n: i64) {
        out.extend_from_slice(&n.to_be_bytes());
    }
    fn len(out: &mut Vec<u8>, n: usize) {
        out.extend_from_slice(&(n as u64).to_be_bytes());
    }
    fn bytes(out: &mut Vec<u8>, b: &[u8]) {
        len(out, b.len());
        out.extend_from_slice(b);
    }
    fn opt(out: &mut Vec<u8>, n: Option<i64>) {
        match n {
            None => out.push(0),
            Some(n) => {
                out.push(1);
                int(out, n);
            }
        }
    }
    let mut out = Vec::with_capacity(128 + 48 * postings.len());
    out.extend_from_slice(V2_PREFIX);
    out.push(HashVersion::V2 as u8);
    int(&mut out, head.id);
    bytes(&mut out, head.kind.as_bytes());
    int(&mut out, head.at);
    bytes(&mut out, head.actor.as_bytes());
    opt(&mut out, head.wallet_id);
    opt(&mut out, head.store_id);
    len(&mut out, postings.len());
    for p in postings {
        let (tag, id) = match p.account {
            Account::Issue => (1, None),
            Account::Lot(id) => (2, Some(id)),
            Account::Store(id) => (3, Some(id)),
            Account::Tax => (4, None),
            Account::Expired => (5, None),
        };
        out.push(tag);
        if let Some(id) = id {
            int(&mut out, id);
        }
        bytes(&mut out, p.program.as_bytes());
        int(&mut out, p.amount.0);
    }
    bytes(&mut out, prev);
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn account_names_are_exactly_the_stored_ones() {
        let all = [
            Account::Issue,
            Account::Lot(1),
            Account::Store(2),
            Account::Tax,
            Account::Expired,
        ];
        let mut names: Vec<&str> = all.iter().map(|a| a.parts().0).collect();
        assert_eq!(names, Account::NAMES);
        names.dedup();
        assert_eq!(names.len(), Account::NAMES.len());
        for a in all {
            let (name, id) = a.parts();
            assert_eq!(Account::from_parts(name, id), Some(a));
        }
    }

    fn p(a: Account, prog: &str, y: i64) -> Posting {
        Posting {
            account: a,
            program: prog.into(),
            amount: Amount(y),
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
        for v in [HashVersion::V1Legacy, HashVersion::V2] {
            let h = entry_hash(v, &[0; 32], &head, &ps);
            assert_ne!(h, entry_hash(v, &[1; 32], &head, &ps), "previous hash");
            let later = EntryHead {
                at: 6,
                ..head.clone()
            };
            assert_ne!(h, entry_hash(v, &[0; 32], &later, &ps), "time");
            let mut other = ps.clone();
            other[1].amount = Amount(101);
            assert_ne!(h, entry_hash(v, &[0; 32], &head, &other), "amount");
        }
        assert_ne!(
            entry_hash(HashVersion::V1Legacy, &[0; 32], &head, &ps),
            entry_hash(HashVersion::V2, &[0; 32], &head, &ps),
            "the versions differ"
        );
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

    #[test]
    fn versions_are_numbered_as_stored() {
        assert_eq!(HashVersion::CURRENT, HashVersion::V2);
        for v in [HashVersion::V1Legacy, HashVersion::V2] {
            assert_eq!(HashVersion::from_number(v.number()), Some(v));
        }
        assert_eq!(HashVersion::from_number(0), None);
        assert_eq!(HashVersion::from_number(3), None);
    }

    fn payment_entry() -> (Vec<u8>, EntryHead<'static>, Vec<Posting>) {
        let head = EntryHead {
            id: 7,
            kind: "payment",
            at: 1_700_000_000,
            actor: "user:3",
            wallet_id: Some(2),
            store_id: Some(4),
        };
        let ps = vec![
            p(Account::Lot(5), "cash", -1200),
            p(Account::Store(4), "cash", 1200),
            p(Account::Lot(9), "商品券", -300),
            p(Account::Store(4), "商品券", 300),
        ];
        ((0..32).collect(), head, ps)
    }

    /// Pins the version 2 encoding byte for byte: the expected values were computed by an
    /// independent script from the doc comment of `entry_bytes_v2`. If this test fails,
    /// the encoding changed, and every stored version 2 hash would stop verifying.
    #[test]
    fn v2_encoding_is_pinned() {
        let head = EntryHead {
            id: 1,
            kind: "charge",
            at: 0,
            actor: "system",
            wallet_id: None,
            store_id: None,
        };
        let ps = vec![
            p(Account::Issue, "cash", -500),
            p(Account::Tax, "cash", 200),
            p(Account::Expired, "cash", 300),
        ];
        assert_eq!(
            crate::hex::encode(&entry_bytes_v2(&[0; 32], &head, &ps)),
            concat!(
                "6d65677572692d6a6f75726e616c02",
                "0000000000000001",
                "0000000000000006",
                "636861726765",
                "0000000000000000",
                "0000000000000006",
                "73797374656d",
                "00",
                "00",
                "0000000000000003",
                "01",
                "0000000000000004",
                "63617368",
                "fffffffffffffe0c",
                "04",
                "0000000000000004",
                "63617368",
                "00000000000000c8",
                "05",
                "0000000000000004",
                "63617368",
                "000000000000012c",
                "0000000000000020",
                "0000000000000000000000000000000000000000000000000000000000000000",
            )
        );
        assert_eq!(
            crate::hex::encode(&entry_hash(HashVersion::V2, &[0; 32], &head, &ps)),
            "ab0c995a0fcf1a7860de454b7452f812bce6417e37af2d5073fb096c5c39c706"
        );
        let (prev, head, ps) = payment_entry();
        assert_eq!(
            crate::hex::encode(&entry_hash(HashVersion::V2, &prev, &head, &ps)),
            "0013a382dfcacf88b17c58ecaa393316767dad9a95dee75c9ee6c2c6f62fb171"
        );
    }

    /// The legacy hash is frozen: entries written with it must keep verifying.
    #[test]
    fn v1_legacy_hash_is_frozen() {
        let (prev, head, ps) = payment_entry();
        assert_eq!(
            crate::hex::encode(&entry_hash(HashVersion::V1Legacy, &prev, &head, &ps)),
            "95949297fb4768b0484e65cf80dcac725167896a67fa50fac4cf07d9233e24a7"
        );
    }

    /// Separators inside the text made version 1 ambiguous; lengths make version 2 exact.
    #[test]
    fn v2_tells_apart_what_v1_confused() {
        let (prev, head, _) = payment_entry();
        let two = vec![p(Account::Lot(1), "x", 5), p(Account::Issue, "y", -5)];
        let one = vec![p(Account::Lot(1), "x:5|issue:None:y", -5)];
        let v1 = HashVersion::V1Legacy;
        assert_eq!(
            entry_hash(v1, &prev, &head, &two),
            entry_hash(v1, &prev, &head, &one)
        );
        let v2 = HashVersion::V2;
        assert_ne!(
            entry_hash(v2, &prev, &head, &two),
            entry_hash(v2, &prev, &head, &one)
        );
    }

    /// An entry that owns its text, for the property test.
    #[derive(Debug, Clone, PartialEq)]
    struct Owned {
        prev: Vec<u8>,
        id: i64,
        kind: String,
        at: i64,
        actor: String,
        wallet_id: Option<i64>,
        store_id: Option<i64>,
        postings: Vec<Posting>,
    }

    impl Owned {
        fn hash(&self) -> [u8; 32] {
            let head = EntryHead {
                id: self.id,
                kind: &self.kind,
                at: self.at,
                actor: &self.actor,
                wallet_id: self.wallet_id,
                store_id: self.store_id,
            };
            entry_hash(HashVersion::V2, &self.prev, &head, &self.postings)
        }
    }

    fn arb_account() -> impl Strategy<Value = Account> {
        prop_oneof![
            Just(Account::Issue),
            any::<i64>().prop_map(Account::Lot),
            any::<i64>().prop_map(Account::Store),
            Just(Account::Tax),
            Just(Account::Expired),
        ]
    }

    fn arb_posting() -> impl Strategy<Value = Posting> {
        (arb_account(), "[a-z:|商品券]{0,6}", any::<i64>()).prop_map(|(account, program, a)| {
            Posting {
                account,
                program,
                amount: Amount(a),
            }
        })
    }

    fn arb_entry() -> impl Strategy<Value = Owned> {
        (
            (
                proptest::collection::vec(any::<u8>(), 32),
                any::<i64>(),
                "[a-z|]{0,8}",
                any::<i64>(),
            ),
            (
                "[a-z0-9:|利用者]{0,8}",
                proptest::option::of(any::<i64>()),
                proptest::option::of(any::<i64>()),
                proptest::collection::vec(arb_posting(), 0..5),
            ),
        )
            .prop_map(
                |((prev, id, kind, at), (actor, wallet_id, store_id, postings))| Owned {
                    prev,
                    id,
                    kind,
                    at,
                    actor,
                    wallet_id,
                    store_id,
                    postings,
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Changing any one field of an entry (taking it from another random entry), one
        /// posting's field, adding or removing a posting, or swapping two changes the hash.
        #[test]
        fn v2_any_one_change_changes_the_hash(
            a in arb_entry(),
            b in arb_entry(),
            extra in arb_posting(),
            field in 0usize..13,
            j in any::<usize>(),
        ) {
            let mut c = a.clone();
            let n = a.postings.len();
            match field {
                0 => c.prev = b.prev,
                1 => c.id = b.id,
                2 => c.kind = b.kind,
                3 => c.at = b.at,
                4 => c.actor = b.actor,
                5 => c.wallet_id = b.wallet_id,
                6 => c.store_id = b.store_id,
                7 if n > 0 => c.postings[j % n].account = extra.account,
                8 if n > 0 => c.postings[j % n].program = extra.program,
                9 if n > 0 => c.postings[j % n].amount = extra.amount,
                10 => c.postings.insert(j % (n + 1), extra),
                11 if n > 0 => { c.postings.remove(j % n); }
                12 if n > 1 => c.postings.swap(j % n, (j / n) % n),
                _ => c.postings = b.postings,
            }
            prop_assume!(c != a);
            prop_assert_ne!(c.hash(), a.hash());
        }
    }
}
