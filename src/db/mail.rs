//! The mail outbox: mails queued in the transaction of what they tell (an application's
//! receipt and result, a password-reset link), drained by `meguri mail` for the city's
//! SMTP relay. Recipients and bodies are sealed (`db::personal`); a body may hold a
//! one-time password or a reset link.

use rusqlite::{Connection, params};

pub fn queue_mail(
    c: &Connection,
    to: &str,
    subject: &str,
    body: &str,
    now: i64,
) -> rusqlite::Result<()> {
    super::exec(
        c,
        "INSERT INTO mail_outbox (to_addr, subject, body, created_at)
         VALUES (pii_seal('mail_outbox.to_addr', ?1), ?2, pii_seal('mail_outbox.body', ?3), ?4)",
        params![to, subject, body, now],
    )?;
    Ok(())
}

/// Mail not yet handed to the relay: (id, to, subject, body).
pub fn unsent_mail(c: &Connection) -> rusqlite::Result<Vec<(i64, String, String, String)>> {
    let mut st = c.prepare(
        "SELECT id, pii_open('mail_outbox.to_addr', to_addr), subject, pii_open('mail_outbox.body', body)
         FROM mail_outbox WHERE sent_at IS NULL ORDER BY id",
    )?;
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect()
}

pub fn mark_sent(c: &Connection, id: i64, now: i64) -> rusqlite::Result<usize> {
    super::exec(
        c,
        "UPDATE mail_outbox SET sent_at = ?2 WHERE id = ?1 AND sent_at IS NULL",
        params![id, now],
    )
}
