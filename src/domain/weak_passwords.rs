//! Passwords a guesser tries first: common ones, simple patterns, and ones made from the
//! login. A compact embedded list and a few rules instead of a strength-estimation crate:
//! the list covers what guessers try first (login attempts are also rate limited), and
//! the rules catch sequences, repetitions and keyboard walks of any length.

use crate::i18n::Msg;
use unicode_normalization::UnicodeNormalization;

use super::Text;

/// Common passwords and the stems people add digits to (lower case). Drawn from the
/// published lists of the most used passwords, plus Japanese favourites.
const COMMON: &[&str] = &[
    "password",
    "passw0rd",
    "p@ssword",
    "p@ssw0rd",
    "pa55word",
    "pass",
    "passwd",
    "pasuwado",
    "pasuwaado",
    "qwerty",
    "qwertz",
    "qwer",
    "qwertyui",
    "qwertyuiop",
    "asdf",
    "asdfgh",
    "asdfghjk",
    "asdfghjkl",
    "zxcv",
    "zxcvbn",
    "zxcvbnm",
    "qazwsx",
    "qazwsxedc",
    "1qaz2wsx",
    "zaq12wsx",
    "1qazxsw2",
    "zaq1xsw2",
    "1qaz",
    "2wsx",
    "q1w2e3r4",
    "a1b2c3d4",
    "a1b2c3",
    "abc",
    "abcd",
    "abcde",
    "abcdef",
    "iloveyou",
    "iloveu",
    "loveyou",
    "loveme",
    "lovely",
    "letmein",
    "welcome",
    "monkey",
    "dragon",
    "master",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "soccer",
    "basketball",
    "superman",
    "batman",
    "spiderman",
    "trustno1",
    "hello",
    "helloworld",
    "freedom",
    "whatever",
    "shadow",
    "michael",
    "jennifer",
    "jordan",
    "charlie",
    "computer",
    "internet",
    "starwars",
    "mustang",
    "access",
    "flower",
    "cookie",
    "summer",
    "winter",
    "spring",
    "autumn",
    "chocolate",
    "blessing",
    "angel",
    "killer",
    "hunter",
    "ranger",
    "harley",
    "thomas",
    "robert",
    "daniel",
    "andrew",
    "joshua",
    "ashley",
    "nicole",
    "jessica",
    "matthew",
    "pepper",
    "ginger",
    "buster",
    "tigger",
    "maggie",
    "banana",
    "orange",
    "purple",
    "silver",
    "golden",
    "diamond",
    "cheese",
    "snoopy",
    "secret",
    "default",
    "changeme",
    "guest",
    "login",
    "admin",
    "administrator",
    "root",
    "user",
    "test",
    "testing",
    "test1234",
    "demo",
    "sample",
    "system",
    "server",
    "manager",
    "office",
    "google",
    "yahoo",
    "apple",
    "samsung",
    "iphone",
    "android",
    "facebook",
    "twitter",
    "instagram",
    "youtube",
    "minecraft",
    "pokemon",
    "pikachu",
    "doraemon",
    "anpanman",
    "totoro",
    "ghibli",
    "gundam",
    "naruto",
    "onepiece",
    "sakura",
    "hellokitty",
    "kitty",
    "tokyo",
    "osaka",
    "japan",
    "nippon",
    "nihon",
    "yamato",
    "samurai",
    "ninja",
    "sushi",
    "ramen",
    "arigato",
    "arigatou",
    "daisuki",
    "aishiteru",
    "himitsu",
    "konnichiwa",
    "ohayou",
    "sayonara",
    "kawaii",
    "genki",
    "gambare",
    "ganbare",
    "meguri",
    "megurishi",
    "megurupay",
    "meguripay",
    "shiyakusho",
    "yakusho",
];

/// The keys Japanese and US keyboards share, row by row; each row sits half a key to the
/// right of the one above.
const ROWS: [&str; 4] = ["1234567890-", "qwertyuiop", "asdfghjkl;", "zxcvbnm,./"];

/// The digits under the shifted digit keys, on US and on Japanese (JIS) keyboards.
const SHIFTED: [&str; 2] = ["!@#$%^&*()", "!\"#$%&'()"];

/// Why `password` is too easy to guess, or `None` when it is not. `login` is the account's
/// login ID when known.
pub fn weakness(password: &str, login: Option<&str>) -> Option<Text> {
    // Full-width letters and capitals are the same guess.
    let p: String = password.nfkc().collect::<String>().to_lowercase();
    if let Some(login) = login.map(str::to_lowercase).filter(|l| l.len() >= 3)
        && (from_login(&p, &login)
            || login
                .split_once('@')
                .is_some_and(|(local, _)| local.len() >= 3 && from_login(&p, local)))
    {
        return Some(Text::new(Msg::ThePasswordMustNotBe));
    }
    // Digits and '!' added at either end are the usual way of meeting a length rule.
    let stem = p.trim_matches(|c: char| c.is_ascii_digit() || c == '!');
    if COMMON.contains(&p.as_str()) || COMMON.contains(&stem) {
        return Some(Text::new(Msg::ThisPasswordIsOneOf));
    }
    if is_pattern(&p) {
        return Some(Text::new(Msg::ThisPasswordIsASimple));
    }
    if p.chars().all(|c| c.is_ascii_digit()) && p.len() < 10 {
        return Some(Text::new(Msg::APasswordOfDigitsOnly));
    }
    None
}

/// The login, reversed or not, with at most a few characters or only digits and symbols
/// around it.
fn from_login(p: &str, login: &str) -> bool {
    let reversed: String = login.chars().rev().collect();
    [login, reversed.as_str()].iter().any(|l| {
        p.contains(l) && {
            let rest = p.replacen(l, "", 1);
            rest.chars().count() < 4 || rest.chars().all(|c| !c.is_alphabetic())
        }
    })
}

/// Few distinct characters, a repeated chunk, or a walk along the alphabet, the digits
/// or the keyboard (each character next to the one before, or the same).
fn is_pattern(p: &str) -> bool {
    let chars: Vec<char> = p.chars().collect();
    let mut distinct = chars.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let repeated =
        (1..=chars.len() / 2).any(|n| chars.iter().enumerate().all(|(i, c)| *c == chars[i % n]));
    // `!@#$%^&*` is the walk `12345678` with shift held, on either layout.
    let walk = SHIFTED.iter().any(|shifted| {
        let keys: Vec<char> = chars.iter().map(|&c| unshift(shifted, c)).collect();
        is_walk(&keys) || is_walk_of_walks(&keys)
    });
    distinct.len() < 4 || repeated || walk
}

fn is_walk(keys: &[char]) -> bool {
    keys.windows(2).all(|w| neighbours(w[0], w[1]))
}

/// Walks side by side: `1qaz2wsx3edc` (columns down, one after the other) or
/// `q1w2e3r4` (pairs along the row): equal pieces that are each a walk, starting on
/// keys that are themselves a walk.
fn is_walk_of_walks(keys: &[char]) -> bool {
    (2..=keys.len() / 2).any(|n| {
        keys.len().is_multiple_of(n)
            && keys.chunks(n).all(is_walk)
            && is_walk(&keys.chunks(n).map(|c| c[0]).collect::<Vec<_>>())
    })
}

fn unshift(shifted: &str, c: char) -> char {
    match shifted.chars().position(|s| s == c) {
        Some(i) => "1234567890".chars().nth(i).unwrap_or(c),
        None => c,
    }
}

fn neighbours(a: char, b: char) -> bool {
    if a == b
        || (a.is_ascii_alphanumeric()
            && b.is_ascii_alphanumeric()
            && (a as i32 - b as i32).abs() == 1)
    {
        return true;
    }
    let (Some((ra, ca)), Some((rb, cb))) = (key_of(a), key_of(b)) else {
        return false;
    };
    match rb as i32 - ra as i32 {
        0 => (ca as i32 - cb as i32).abs() == 1,
        // A key touches the two above it (same column and one to the right) and the two
        // below it (same column and one to the left).
        1 => ca == cb || ca == cb + 1,
        -1 => cb == ca || cb == ca + 1,
        _ => false,
    }
}

fn key_of(c: char) -> Option<(usize, usize)> {
    ROWS.iter()
        .enumerate()
        .find_map(|(r, row)| row.chars().position(|k| k == c).map(|col| (r, col)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_guessers_try_first() {
        for p in ["1qaz2wsx3edc", "!QAZ2wsx", "q1w2e3r4t5", "zaq1xsw2"] {
            assert!(weakness(p, None).is_some(), "{p}");
        }
        for weak in [
            "12345678",
            "123456789",
            "87654321",
            "password",
            "Password1",
            "PASSWORD123",
            "ｐａｓｓｗｏｒｄ",
            "iloveyou2024",
            "123qwerty",
            "qwertyuiop",
            "poiuytrewq",
            "asdfghjkl",
            "1q2w3e4r5t",
            "1qaz2wsx",
            "zxcvbnm,./",
            "!@#$%^&*",
            "abcdefgh",
            "aaaaaaaa",
            "abababab",
            "asdfasdf",
            "12341234",
            "20240101",
            "abcd1234",
        ] {
            assert!(weakness(weak, None).is_some(), "{weak} should be refused");
        }
    }

    #[test]
    fn refuses_the_login_in_disguise() {
        for (weak, login) in [
            ("tanaka-taro", "tanaka-taro"),
            ("Tanaka-Taro1", "tanaka-taro"),
            ("oratakanat", "tanakataro"),
            ("hanako2024!", "hanako"),
            ("suzuki1985", "suzuki@example.jp"),
        ] {
            assert!(
                weakness(weak, Some(login)).is_some(),
                "{weak} for {login} should be refused"
            );
        }
        assert!(weakness("demo-hanako", Some("hanako")).is_none());
    }

    #[test]
    fn accepts_ordinary_passwords() {
        for ok in [
            "password-1234",
            "admin-secret-1",
            "correct horse battery",
            "ながいパスワード",
            "Kumagaya-2024-natsu",
            "7391048265",
            "tq8Vz3pLk",
        ] {
            assert_eq!(weakness(ok, Some("hanako")), None, "{ok}");
        }
    }
}
