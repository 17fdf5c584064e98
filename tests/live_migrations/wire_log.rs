//! A statement log taken from the wire: a TCP proxy between shipcheck and
//! the server that records every statement the client sends — PostgreSQL's
//! simple `Q`uery and extended-protocol `P`arse messages, MySQL's
//! `COM_QUERY` and `COM_STMT_PREPARE` — and forwards every byte unchanged.
//! It sees what shipcheck sent, whatever the server logs; the proxied URL
//! turns TLS off so the bytes are readable.

use crate::support::Kind;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

pub(crate) struct WireLog {
    /// The database URL through the proxy, TLS off.
    pub url: String,
    statements: Arc<Mutex<Vec<String>>>,
}

impl WireLog {
    /// A proxy to the server `url` names, logging `kind`'s protocol.
    pub fn start(kind: Kind, url: &str) -> WireLog {
        let mut proxied = url::Url::parse(url).expect("a database URL");
        let upstream = format!(
            "{}:{}",
            proxied.host_str().expect("a host"),
            proxied
                .port()
                .unwrap_or(if kind == Kind::Pg { 5432 } else { 3306 })
        );
        let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
        let port = listener.local_addr().expect("its address").port();
        proxied.set_host(Some("127.0.0.1")).expect("host");
        proxied.set_port(Some(port)).expect("port");
        let tls_off = if kind == Kind::Pg {
            ("sslmode", "disable")
        } else {
            ("ssl-mode", "DISABLED")
        };
        proxied.query_pairs_mut().append_pair(tls_off.0, tls_off.1);
        let statements = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&statements);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                let log = Arc::clone(&log);
                let (c2, s2) = (
                    client.try_clone().expect("clone"),
                    server.try_clone().expect("clone"),
                );
                std::thread::spawn(move || pipe(s2, c2, |_| {}));
                std::thread::spawn(move || {
                    let mut parser = Parser::new(kind);
                    pipe(client, server, |bytes| {
                        for s in parser.feed(bytes) {
                            log.lock().expect("log").push(s);
                        }
                    })
                });
            }
        });
        WireLog {
            url: proxied.to_string(),
            statements,
        }
    }

    /// Every statement sent so far, in order.
    pub fn statements(&self) -> Vec<String> {
        self.statements.lock().expect("log").clone()
    }
}

/// Copies `from` to `to`, showing `seen` each chunk, until either closes.
fn pipe(mut from: TcpStream, mut to: TcpStream, mut seen: impl FnMut(&[u8])) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                seen(&buf[..n]);
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

/// The client's side of the protocol, message by message.
struct Parser {
    kind: Kind,
    buf: Vec<u8>,
    /// PostgreSQL: still before the startup message (untyped messages).
    startup: bool,
}

impl Parser {
    fn new(kind: Kind) -> Parser {
        Parser {
            kind,
            buf: Vec::new(),
            startup: true,
        }
    }

    /// The statements in the messages `bytes` completes.
    fn feed(&mut self, bytes: &[u8]) -> Vec<String> {
        self.buf.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some((len, statement)) = self.next() {
            self.buf.drain(..len);
            out.extend(statement);
        }
        out
    }

    /// The next whole message: its length, and its statement if it holds one.
    fn next(&mut self) -> Option<(usize, Option<String>)> {
        let b = &self.buf;
        let text = |s: &[u8]| {
            let end = s.iter().position(|&c| c == 0).unwrap_or(s.len());
            String::from_utf8_lossy(&s[..end]).into_owned()
        };
        match self.kind {
            Kind::Pg if self.startup => {
                let len = u32::from_be_bytes(b.get(..4)?.try_into().ok()?) as usize;
                let code = u32::from_be_bytes(b.get(4..8)?.try_into().ok()?);
                b.get(..len)?;
                // SSLRequest and GSSENCRequest come before the startup message.
                self.startup = matches!(code, 80_877_103 | 80_877_104);
                Some((len, None))
            }
            Kind::Pg => {
                let len = u32::from_be_bytes(b.get(1..5)?.try_into().ok()?) as usize;
                let body = b.get(5..1 + len)?;
                let statement = match b[0] {
                    b'Q' => Some(text(body)),
                    b'P' => {
                        let name_end = body.iter().position(|&c| c == 0)?;
                        Some(text(&body[name_end + 1..]))
                    }
                    _ => None,
                };
                Some((1 + len, statement))
            }
            _ => {
                let len = u32::from_le_bytes([*b.first()?, *b.get(1)?, *b.get(2)?, 0]) as usize;
                let seq = *b.get(3)?;
                let body = b.get(4..4 + len)?;
                // Commands start a sequence (0); handshake and auth replies do not.
                let statement = match (seq, body.first()) {
                    (0, Some(0x03 | 0x16)) => {
                        Some(String::from_utf8_lossy(&body[1..]).into_owned())
                    }
                    _ => None,
                };
                Some((4 + len, statement))
            }
        }
    }
}

/// Statements that only read (or set up the session to read): queries,
/// `SHOW`, session `SET`s, read-only transactions and their end.
pub(crate) fn is_read(statement: &str) -> bool {
    let s = statement.trim_start().to_ascii_uppercase();
    let first = s.split_whitespace().next().unwrap_or("");
    match first {
        "SELECT" | "SHOW" | "WITH" | "COMMIT" | "ROLLBACK" => !s.contains(" FOR UPDATE"),
        "SET" => !s.starts_with("SET GLOBAL") && !s.contains("PASSWORD"),
        "BEGIN" | "START" => s.contains("READ ONLY") || s == "BEGIN" || s == "START TRANSACTION",
        _ => false,
    }
}

#[test]
fn reads_and_writes_are_told_apart() {
    for read in [
        "SELECT 1",
        "  select indexname from pg_indexes",
        "SHOW server_version",
        "SET NAMES utf8mb4",
        "SET SESSION TRANSACTION READ ONLY",
        "START TRANSACTION READ ONLY",
        "WITH x AS (SELECT 1) SELECT * FROM x",
    ] {
        assert!(is_read(read), "{read}");
    }
    for write in [
        "INSERT INTO t VALUES (1)",
        "UPDATE t SET a = 1",
        "DELETE FROM t",
        "CREATE INDEX i ON t (a)",
        "DROP TABLE t",
        "SET GLOBAL general_log = 1",
        "SELECT * FROM t FOR UPDATE",
        "TRUNCATE t",
    ] {
        assert!(!is_read(write), "{write}");
    }
}

#[test]
fn protocol_messages_are_split_whatever_the_chunks() {
    // PostgreSQL: startup, then a simple query and a Parse, fed a byte at a time.
    let mut pg = Vec::new();
    pg.extend_from_slice(&12u32.to_be_bytes());
    pg.extend_from_slice(&196_608u32.to_be_bytes());
    pg.extend_from_slice(b"ab\0\0");
    let q = b"SELECT 1\0";
    pg.push(b'Q');
    pg.extend_from_slice(&(4 + q.len() as u32).to_be_bytes());
    pg.extend_from_slice(q);
    let p = b"s1\0SELECT 2\0\0\0";
    pg.push(b'P');
    pg.extend_from_slice(&(4 + p.len() as u32).to_be_bytes());
    pg.extend_from_slice(p);
    let mut parser = Parser::new(Kind::Pg);
    let got: Vec<String> = pg.iter().flat_map(|b| parser.feed(&[*b])).collect();
    assert_eq!(got, ["SELECT 1", "SELECT 2"]);
    // MySQL: a handshake reply (seq 1) that looks like a query, then a query.
    let mut my = vec![3, 0, 0, 1, 0x03, b'x', b'y'];
    my.extend_from_slice(&[9, 0, 0, 0, 0x03]);
    my.extend_from_slice(b"SELECT 3");
    let mut parser = Parser::new(Kind::My);
    assert_eq!(parser.feed(&my), ["SELECT 3"]);
}
