//! `meguri mail send` hands the outbox to an SMTP server (here a small fake one in the
//! test): accepted mails are marked sent, a refused recipient stays queued and is named.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::applications::application;
use crate::support::{Browser, Server, meguri, stdout};

/// Mails the fake server accepted: (recipient, the message after DATA).
type Inbox = Arc<Mutex<Vec<(String, String)>>>;

/// An SMTP server that accepts everything except mail to `refuse`.
fn fake_smtp(refuse: &'static str) -> (String, Inbox) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let inbox: Inbox = Arc::default();
    let kept = inbox.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut out) = conn else { return };
            let mut lines = BufReader::new(out.try_clone().unwrap());
            let mut say = |s: &str| out.write_all(s.as_bytes()).unwrap();
            say("220 fake ESMTP\r\n");
            let mut rcpt = String::new();
            loop {
                let mut line = String::new();
                if lines.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let line = line.trim_end();
                if line.starts_with("EHLO") {
                    say("250-fake greets you\r\n250 8BITMIME\r\n");
                } else if line.starts_with("MAIL FROM:") || line == "RSET" {
                    say("250 OK\r\n");
                } else if let Some(to) = line.strip_prefix("RCPT TO:<") {
                    rcpt = to.trim_end_matches('>').to_string();
                    say(if rcpt == refuse {
                        "550 no such user\r\n"
                    } else {
                        "250 OK\r\n"
                    });
                } else if line == "DATA" {
                    say("354 go ahead\r\n");
                    let mut data = String::new();
                    loop {
                        let mut l = String::new();
                        lines.read_line(&mut l).unwrap();
                        if l == ".\r\n" {
                            break;
                        }
                        data.push_str(&l);
                    }
                    kept.lock().unwrap().push((rcpt.clone(), data));
                    say("250 queued\r\n");
                } else if line == "QUIT" {
                    say("221 bye\r\n");
                    break;
                } else {
                    say("500 what?\r\n");
                }
            }
        }
    });
    (addr, inbox)
}

#[test]
fn the_outbox_goes_out_through_smtp_and_refused_mail_stays_queued() {
    let s = Server::start();
    let mut shop = Browser::new(&s);
    for (email, name) in [
        ("hanaya@example.jp", "花屋はなだ"),
        ("nobody@example.jp", "幽霊商店"),
    ] {
        let r = shop.submit("/apply", "/apply", &application(email, name));
        assert_eq!(r.status, 201, "{}", r.text());
    }
    let (smtp, inbox) = fake_smtp("nobody@example.jp");
    let out = meguri(&[
        "mail",
        "send",
        "--db",
        s.db_arg(),
        "--smtp",
        &smtp,
        "--from",
        "noreply@city.example.jp",
    ]);
    assert_eq!(out.status.code(), Some(1), "one was refused: {out:?}");
    assert!(stdout(&out).contains("sent 1 mail(s)"), "{}", stdout(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("550 no such user"));

    let inbox = inbox.lock().unwrap().clone();
    assert_eq!(inbox.len(), 1);
    let (to, data) = &inbox[0];
    assert_eq!(to, "hanaya@example.jp");
    assert!(data.contains("From: noreply@city.example.jp\r\n"));
    assert!(data.contains("Subject: =?UTF-8?B?"));
    assert!(data.contains("Content-Type: text/plain; charset=UTF-8\r\n"));
    let body = String::from_utf8(crate::support::decode_base64(
        data.split("\r\n\r\n").nth(1).unwrap(),
    ))
    .unwrap();
    assert!(body.contains("花田 花子"), "{body}");

    // Only the refused one is left for the next run.
    let left = stdout(&meguri(&["mail", "list", "--db", s.db_arg()]));
    assert_eq!(left.lines().count(), 1);
    assert!(left.contains("nobody@example.jp"));
    s.verify();
}
