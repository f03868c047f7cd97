//! The real binary running `serve` on a free loopback port, stopped when dropped.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub struct Served {
    child: Child,
    /// `127.0.0.1:PORT`, as the server printed it.
    pub addr: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `cmd serve` on port 0 and reads the address it prints.
pub fn serve(mut cmd: Command) -> Served {
    cmd.args(["serve", "--addr", "127.0.0.1:0", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_string();
    Served { child, addr }
}

/// `serve` over the environment's corpus and private index.
pub fn served(env: &super::Env) -> Served {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nlmg-search"));
    c.env("NLMG_CORPUS", &env.corpus)
        .env("NLMG_INDEX", env.index.path());
    serve(c)
}
