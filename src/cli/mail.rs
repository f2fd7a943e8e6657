//! `meguri mail`: the outbox of mails (application receipts and results, password-reset
//! links, notices of a changed mail address). `send` hands them to an SMTP server (the
//! city's relay); or another program drains it: `list` prints unsent mails as JSON
//! lines, `sent ID` marks one handed over.

use std::path::Path;

use super::CliError;
use crate::db::{self, mail};
use crate::service::adapters::smtp::{Message, Smtp, SmtpError};

pub fn list(path: &Path, data_key: &Path, out: &mut impl std::io::Write) -> Result<(), CliError> {
    let pool = db::open(path, &super::with_key(data_key)?)?;
    let conn = pool.get().map_err(db::DbError::from)?;
    for (id, to, subject, body) in mail::unsent_mail(&conn)? {
        writeln!(
            out,
            "{}",
            serde_json::json!({ "id": id, "to": to, "subject": subject, "body": body })
        )?;
    }
    Ok(())
}

pub fn mark_sent(path: &Path, data_key: &Path, id: i64, now: i64) -> Result<(), CliError> {
    let pool = db::open(path, &super::with_key(data_key)?)?;
    let mut conn = pool.get().map_err(db::DbError::from)?;
    if db::write(&mut conn, |tx| mail::mark_sent(tx, id, now))? == 0 {
        return Err(CliError::Usage(format!("no unsent mail {id}")));
    }
    Ok(())
}

/// What one `meguri mail send` did.
pub struct Sent {
    pub sent: usize,
    /// Mails the server refused (they stay queued), with its reply.
    pub refused: Vec<(i64, String)>,
}

/// Sends every unsent mail through `smtp` (`host:port`) from `from`, marking each sent as
/// soon as the server has accepted it. A recipient the server refuses is reported and
/// left queued; losing the server stops the run (what is left goes next time).
pub fn send(
    path: &Path,
    data_key: &Path,
    smtp: &str,
    from: &str,
    now: i64,
) -> Result<Sent, CliError> {
    let pool = db::open(path, &super::with_key(data_key)?)?;
    let mut conn = pool.get().map_err(db::DbError::from)?;
    let mails = mail::unsent_mail(&conn)?;
    let mut done = Sent {
        sent: 0,
        refused: Vec::new(),
    };
    if mails.is_empty() {
        return Ok(done);
    }
    let date = crate::domain::time::from_unix(now).to_rfc2822();
    let helo = from.rsplit('@').next().unwrap_or("localhost");
    let mut server = Smtp::connect(smtp, helo)?;
    for (id, to, subject, body) in mails {
        let message = Message {
            from,
            to: &to,
            subject: &subject,
            body: &body,
            date: &date,
            id: &format!("meguri-{id}-{now}"),
        };
        match server.send(&message) {
            Ok(()) => {
                db::write(&mut conn, |tx| mail::mark_sent(tx, id, now))?;
                done.sent += 1;
            }
            Err(e @ (SmtpError::Refused { .. } | SmtpError::BadAddress(_))) => {
                done.refused.push((id, e.to_string()));
                // The refusal may have left the transaction half way: start it afresh.
                server.reset()?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    server.quit();
    Ok(done)
}
