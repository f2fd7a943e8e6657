//! Group commit: value-moving requests that arrive together are written in one
//! transaction, one fsync for all of them, while each keeps its own all-or-nothing
//! behaviour through a savepoint. Whoever finds work waiting and gets the write turn
//! (see `WRITE_TURN`) writes the batch for everyone; the others find their answer ready.
//! An answer is handed back only after the batch is durably committed.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, mpsc};
use std::time::Duration;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::WRITE_TURN;

type Completer = Box<dyn FnOnce(Option<&str>) + Send>;

/// A queued request: how to run it in a batch, how to fail it when no batch can run, and
/// the thread waiting for it (woken when its answer is ready, or when it should lead).
struct Job {
    run: Box<dyn FnOnce(&Transaction) -> Completer + Send>,
    abort: Box<dyn FnOnce(&str) + Send>,
    owner: std::thread::Thread,
}

/// A waiting thread is woken by its answer or by a leader handing on the turn; this only
/// bounds the wait should a wake-up ever go astray.
const SAFETY_WAKE: Duration = Duration::from_millis(100);

/// Most jobs in one transaction, so one slow batch cannot hold everyone for long.
const MAX_BATCH: usize = 256;

/// Batches a leader writes before handing the turn on.
const LEADER_ROUNDS: usize = 8;

pub struct GroupWriter {
    conn: Mutex<Connection>,
    queue: Mutex<Vec<Job>>,
}

impl GroupWriter {
    /// `conn` becomes the writer's own connection (pragmas already applied).
    pub fn new(conn: Connection) -> GroupWriter {
        GroupWriter {
            conn: Mutex::new(conn),
            queue: Mutex::new(Vec::new()),
        }
    }

    /// Runs `job` in the next batch and returns its result once the batch is committed.
    /// A failing job changes nothing; a failing commit fails every job of the batch.
    pub fn submit<T, E>(
        &self,
        job: impl FnOnce(&Transaction) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<rusqlite::Error> + Send + 'static,
    {
        let (send, recv) = mpsc::sync_channel::<Result<T, E>>(1);
        let on_abort = send.clone();
        let owner = std::thread::current();
        let (wake, wake_on_abort) = (owner.clone(), owner.clone());
        let entry = Job {
            owner,
            run: Box::new(move |tx: &Transaction| -> Completer {
                let outcome = in_savepoint(tx, job);
                Box::new(move |commit_error: Option<&str>| {
                    let result = match (outcome, commit_error) {
                        (Ok(_), Some(e)) => Err(E::from(failure(&format!("commit failed: {e}")))),
                        (r, _) => r,
                    };
                    let _ = send.send(result);
                    wake.unpark();
                })
            }),
            abort: Box::new(move |why: &str| {
                let _ = on_abort.send(Err(E::from(failure(why))));
                wake_on_abort.unpark();
            }),
        };
        lock(&self.queue).push(entry);
        loop {
            match recv.try_recv() {
                Ok(r) => return r,
                Err(mpsc::TryRecvError::Disconnected) => {
                    return Err(E::from(failure("the write was lost")));
                }
                Err(mpsc::TryRecvError::Empty) => {}
            }
            match WRITE_TURN.try_lock() {
                Ok(turn) => {
                    // Lead: write what waits, and keep going while more arrives (up to a
                    // few rounds), so those who queued meanwhile need not take a turn.
                    for _ in 0..LEADER_ROUNDS {
                        let batch: Vec<Job> = {
                            let mut q = lock(&self.queue);
                            let n = q.len().min(MAX_BATCH);
                            q.drain(..n).collect()
                        };
                        if batch.is_empty() {
                            break;
                        }
                        self.write_batch(batch);
                    }
                    drop(turn);
                    // Hand the turn on: whoever queued first leads next. A job queued
                    // while we held the turn is either written or still here now.
                    if let Some(next) = lock(&self.queue).first() {
                        next.owner.unpark();
                    }
                }
                Err(std::sync::TryLockError::Poisoned(p)) => drop(p.into_inner()),
                Err(std::sync::TryLockError::WouldBlock) => {
                    // Someone is writing: sleep until our answer is ready or the writer
                    // hands us the turn (a wake-up before we sleep is not lost).
                    std::thread::park_timeout(SAFETY_WAKE);
                }
            }
        }
    }

    fn write_batch(&self, batch: Vec<Job>) {
        let mut conn = lock(&self.conn);
        match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
            Ok(tx) => {
                let completers: Vec<Completer> =
                    batch.into_iter().map(|job| (job.run)(&tx)).collect();
                let committed = tx.commit().err().map(|e| e.to_string());
                for c in completers {
                    c(committed.as_deref());
                }
            }
            Err(e) => {
                let why = format!("could not start writing: {e}");
                for job in batch {
                    (job.abort)(&why);
                }
            }
        }
    }
}

/// Runs a job inside a savepoint of the batch's transaction: its changes stay only if it
/// succeeds. A panicking job is rolled back and reported as an error.
fn in_savepoint<T, E>(
    tx: &Transaction,
    job: impl FnOnce(&Transaction) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<rusqlite::Error>,
{
    super::exec(tx, "SAVEPOINT job", [])?;
    let result = match catch_unwind(AssertUnwindSafe(|| job(tx))) {
        Ok(r) => r,
        Err(_) => Err(E::from(failure(
            "the operation failed unexpectedly (logged)",
        ))),
    };
    if result.is_err() {
        super::exec(tx, "ROLLBACK TO job", [])?;
    }
    super::exec(tx, "RELEASE job", [])?;
    result
}

fn failure(msg: &str) -> rusqlite::Error {
    // Any variant that carries a message will do: it ends as an internal error.
    rusqlite::Error::ToSqlConversionFailure(msg.to_owned().into())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
