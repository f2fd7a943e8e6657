//! systemd's notify protocol: READY=1 once the server accepts connections, WATCHDOG=1 for
//! as long as the server answers its own `/healthz` (so systemd restarts a server that
//! is alive but stuck), STOPPING=1 on the way out. Does nothing outside systemd.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::net::UnixDatagram;
use std::sync::mpsc;
use std::time::Duration;

/// Sends one notification to `$NOTIFY_SOCKET`, if systemd gave us one.
pub fn notify(message: &str) {
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else {
        return;
    };
    let Ok(socket) = UnixDatagram::unbound() else {
        return;
    };
    let path = path.to_string_lossy().into_owned();
    let sent = match path.strip_prefix('@') {
        Some(name) => {
            use std::os::linux::net::SocketAddrExt;
            std::os::unix::net::SocketAddr::from_abstract_name(name)
                .and_then(|a| socket.send_to_addr(message.as_bytes(), &a))
        }
        None => socket.send_to(message.as_bytes(), &path),
    };
    if let Err(e) = sent {
        eprintln!("systemd notify: {e}");
    }
}

/// Starts the watchdog pings when systemd asks for them (`WatchdogSec=` sets
/// `$WATCHDOG_USEC`): every half period, if `/healthz` answers 200. Stops when the
/// returned sender is dropped.
pub fn watchdog(addr: SocketAddr) -> Option<mpsc::Sender<()>> {
    let usec: u64 = std::env::var("WATCHDOG_USEC").ok()?.parse().ok()?;
    let every = Duration::from_micros(usec / 2).max(Duration::from_millis(50));
    let (tx, rx) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        loop {
            if healthy(addr, every) {
                notify("WATCHDOG=1");
            } else {
                eprintln!(
                    "watchdog: /healthz did not answer 200; not telling systemd we are alive"
                );
            }
            if !matches!(rx.recv_timeout(every), Err(mpsc::RecvTimeoutError::Timeout)) {
                return;
            }
        }
    });
    Some(tx)
}

fn healthy(addr: SocketAddr, timeout: Duration) -> bool {
    let ask = || -> std::io::Result<bool> {
        let mut c = TcpStream::connect_timeout(&addr, timeout)?;
        c.set_read_timeout(Some(timeout))?;
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
        let mut head = [0u8; 12];
        c.read_exact(&mut head)?;
        Ok(head.starts_with(b"HTTP/1.1 200"))
    };
    ask().unwrap_or(false)
}
