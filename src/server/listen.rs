//! The listening socket, with `TCP_NODELAY` set before any connection is accepted.
//!
//! tiny_http writes a response's head through a 1 KB buffer and a larger body straight after
//! it: two writes. With Nagle's algorithm on, the body waits until the head is acknowledged,
//! and a client delaying its ACK holds it for ~40 ms, so every kept-alive API answer took
//! ~44 ms. tiny_http accepts connections itself and never exposes them, but on Linux (and the
//! BSDs) an accepted socket inherits `TCP_NODELAY` from the listening one, so it is set here.

use std::io;
use std::net::{SocketAddr, TcpListener};

/// Binds `addr` with `TCP_NODELAY` on, so accepted connections send each write at once.
pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let listener = TcpListener::bind(addr)?;
    set_nodelay(&listener)?;
    Ok(listener)
}

#[cfg(unix)]
fn set_nodelay(listener: &TcpListener) -> io::Result<()> {
    use std::os::fd::AsRawFd;
    let on: libc::c_int = 1;
    // SAFETY: the descriptor is open for the life of `listener`, and the option value is a
    // c_int that lives across the call, with its size passed alongside.
    let rc = unsafe {
        libc::setsockopt(
            listener.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_NODELAY,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Elsewhere the answers are still right, only slower on kept-alive connections.
#[cfg(not(unix))]
fn set_nodelay(_: &TcpListener) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::net::TcpStream;

    fn nodelay_of(fd: std::os::fd::RawFd) -> libc::c_int {
        let mut value: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: `value` and `len` outlive the call and `len` is `value`'s size.
        let rc = unsafe {
            libc::getsockopt(
                fd,
                libc::IPPROTO_TCP,
                libc::TCP_NODELAY,
                (&mut value as *mut libc::c_int).cast(),
                &mut len,
            )
        };
        assert_eq!(rc, 0, "{}", io::Error::last_os_error());
        value
    }

    #[test]
    fn accepted_connections_send_without_waiting_for_acks() {
        use std::os::fd::AsRawFd;
        let listener = bind("127.0.0.1:0".parse().unwrap()).unwrap();
        assert_ne!(nodelay_of(listener.as_raw_fd()), 0);
        let _client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        assert_ne!(
            nodelay_of(accepted.as_raw_fd()),
            0,
            "the accepted socket inherits TCP_NODELAY"
        );
        // The floor this guards: a plain listener's connections have Nagle on.
        let plain = TcpListener::bind("127.0.0.1:0").unwrap();
        let _c = TcpStream::connect(plain.local_addr().unwrap()).unwrap();
        let (a, _) = plain.accept().unwrap();
        assert_eq!(nodelay_of(a.as_raw_fd()), 0);
    }
}
