//! Hands queued mail to an SMTP server: the city's relay, typically the mail server on the
//! same machine (Postfix, or nullmailer pointing at the city's), which then takes care of
//! TLS, authentication and retries. Plain SMTP, one connection per run, UTF-8 text mail
//! (subject RFC 2047-encoded, body base64), as every mail client in Japan reads it.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// One mail to send.
pub struct Message<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// RFC 2822 date, e.g. `Sun, 22 Nov 2026 10:00:00 +0900`.
    pub date: &'a str,
    /// Unique per mail, e.g. `meguri-12`.
    pub id: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum SmtpError {
    #[error("SMTP server {0}: {1}")]
    Io(String, std::io::Error),
    #[error("the SMTP server refused {step}: {reply}")]
    Refused { step: &'static str, reply: String },
    #[error("not a mail address meguri will send to: {0:?}")]
    BadAddress(String),
}

/// A conversation with one SMTP server.
pub struct Smtp {
    server: String,
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Smtp {
    /// Connects and says hello as `helo_name` (this server's name).
    pub fn connect(server: &str, helo_name: &str) -> Result<Smtp, SmtpError> {
        let io = |e| SmtpError::Io(server.to_string(), e);
        let addr = server
            .to_socket_addrs()
            .map_err(io)?
            .next()
            .ok_or_else(|| io(std::io::Error::other("no address")))?;
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(30)).map_err(io)?;
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .map_err(io)?;
        stream
            .set_write_timeout(Some(Duration::from_secs(60)))
            .map_err(io)?;
        let writer = stream.try_clone().map_err(io)?;
        let mut s = Smtp {
            server: server.to_string(),
            reader: BufReader::new(stream),
            writer,
        };
        s.expect("the connection", 220)?;
        s.command(&format!("EHLO {helo_name}"), "EHLO", 250)?;
        Ok(s)
    }

    pub fn send(&mut self, m: &Message) -> Result<(), SmtpError> {
        for a in [m.from, m.to] {
            if !plausible_address(a) {
                return Err(SmtpError::BadAddress(a.to_string()));
            }
        }
        self.command(&format!("MAIL FROM:<{}>", m.from), "the sender", 250)?;
        self.command(&format!("RCPT TO:<{}>", m.to), "the recipient", 250)?;
        self.command("DATA", "DATA", 354)?;
        // The message has no line starting with "." (headers never do, and base64 has no
        // dots), so it needs no dot-stuffing.
        let text = format_message(m);
        self.command(&format!("{text}\r\n."), "the message", 250)
    }

    /// Abandons the transaction under way (after a refusal), keeping the connection.
    pub fn reset(&mut self) -> Result<(), SmtpError> {
        self.command("RSET", "RSET", 250)
    }

    pub fn quit(mut self) {
        let _ = self.command("QUIT", "QUIT", 221);
    }

    fn command(&mut self, line: &str, step: &'static str, want: u16) -> Result<(), SmtpError> {
        let server = self.server.clone();
        self.writer
            .write_all(format!("{line}\r\n").as_bytes())
            .map_err(|e| SmtpError::Io(server, e))?;
        self.expect(step, want)
    }

    /// Reads a reply (all its lines) and checks its code.
    fn expect(&mut self, step: &'static str, want: u16) -> Result<(), SmtpError> {
        let mut reply = String::new();
        loop {
            let mut line = String::new();
            let n = self
                .reader
                .read_line(&mut line)
                .map_err(|e| SmtpError::Io(self.server.clone(), e))?;
            if n == 0 {
                return Err(SmtpError::Refused {
                    step,
                    reply: format!("{reply}(connection closed)"),
                });
            }
            reply.push_str(line.trim_end());
            // "250-..." continues; "250 ..." is the last line.
            if line.as_bytes().get(3) != Some(&b'-') {
                break;
            }
            reply.push(' ');
        }
        let code: u16 = reply.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
        // 251 (user not local; will forward) is as good as 250.
        if code == want || (want == 250 && code == 251) {
            Ok(())
        } else {
            Err(SmtpError::Refused { step, reply })
        }
    }
}

/// The message as sent after DATA (CRLF line ends, no final CRLF).
pub fn format_message(m: &Message) -> String {
    let domain = m.from.rsplit('@').next().unwrap_or("localhost");
    let body = base64(
        m.body
            .replace("\r\n", "\n")
            .replace('\n', "\r\n")
            .as_bytes(),
    );
    let wrapped: Vec<&str> = body
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    format!(
        "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{}@{domain}>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}",
        m.from,
        m.to,
        encoded_word(m.subject),
        m.date,
        m.id,
        wrapped.join("\r\n")
    )
}

/// A header value in RFC 2047 form when it is not plain ASCII, split so that no encoded
/// word is longer than the standard allows and no character is cut in two.
fn encoded_word(text: &str) -> String {
    if text.is_ascii() && !text.contains(['\r', '\n']) {
        return text.to_string();
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in text.chars().filter(|c| !c.is_control()) {
        // 45 bytes of UTF-8 make 60 base64 characters: within the 75 of one word.
        if chunk.len() + c.len_utf8() > 45 {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    words.push(chunk);
    words
        .iter()
        .map(|w| format!("=?UTF-8?B?{}?=", base64(w.as_bytes())))
        .collect::<Vec<_>>()
        .join("\r\n ")
}

fn plausible_address(a: &str) -> bool {
    let Some((local, domain)) = a.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && a.chars()
            .all(|c| c.is_ascii_graphic() && !"<>()[]\\,;:\"".contains(c))
}

pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (chunk[0] as u32) << 16
            | (*chunk.get(1).unwrap_or(&0) as u32) << 8
            | *chunk.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn japanese_subjects_are_encoded_words_and_headers_cannot_be_injected() {
        assert_eq!(encoded_word("Hello"), "Hello");
        let long = "加盟店申請の審査結果のお知らせ(めぐり市・めぐりペイ事務局より)";
        let encoded = encoded_word(long);
        for word in encoded.split("\r\n ") {
            assert!(word.starts_with("=?UTF-8?B?") && word.len() <= 75, "{word}");
        }
        assert!(!encoded_word("a\r\nBcc: x@example.jp").contains("\r\nBcc"));
        assert!(!plausible_address("a@example.jp\r\nRCPT TO:<b@example.jp>"));
        assert!(!plausible_address("no-at-sign.example.jp"));
        assert!(plausible_address("hanaya+shop@example.jp"));
    }

    #[test]
    fn messages_are_utf8_text_in_base64_with_crlf_lines() {
        let m = Message {
            from: "noreply@city.example.jp",
            to: "hanaya@example.jp",
            subject: "審査結果",
            body: "花田様\n承認しました。\n",
            date: "Sun, 22 Nov 2026 10:00:00 +0900",
            id: "meguri-1",
        };
        let text = format_message(&m);
        assert!(text.contains("Message-ID: <meguri-1@city.example.jp>\r\n"));
        assert!(text.contains("Content-Type: text/plain; charset=UTF-8\r\n"));
        let body = text.split("\r\n\r\n").nth(1).unwrap();
        assert_eq!(body, base64("花田様\r\n承認しました。\r\n".as_bytes()));
        assert!(!text.lines().any(|l| l.starts_with('.')));
    }
}
