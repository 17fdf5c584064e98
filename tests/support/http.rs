//! A loopback HTTP/1.1 server for the fake GitHub APIs: one thread per
//! connection, keep-alive, every request handed to a closure that answers
//! with a status, extra header lines and a JSON body.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// With the query string.
    pub path: String,
    pub authorization: Option<String>,
    /// The body parsed as JSON, when it is JSON.
    pub body: Option<Value>,
    pub raw_body: String,
}

/// An answer: status, header lines (each ending in `\r\n`), JSON body.
pub type Response = (u16, String, Value);

/// Starts the server; returns its base URL (`http://127.0.0.1:PORT`).
pub fn serve<F>(answer: F) -> String
where
    F: Fn(&Request) -> Response + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("local addr"));
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let answer = Arc::clone(&answer);
            std::thread::spawn(move || connection(stream, &*answer));
        }
    });
    url
}

fn connection(stream: TcpStream, answer: &dyn Fn(&Request) -> Response) {
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let path = parts.next().unwrap_or("").to_string();
        let (mut len, mut authorization) = (0usize, None);
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (k, v) = h.split_once(':').unwrap_or((h, ""));
            match k.to_ascii_lowercase().as_str() {
                "content-length" => len = v.trim().parse().unwrap_or(0),
                "authorization" => authorization = Some(v.trim().to_string()),
                _ => {}
            }
        }
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let raw_body = String::from_utf8_lossy(&body).into_owned();
        let req = Request {
            method,
            path,
            authorization,
            body: serde_json::from_str(&raw_body).ok(),
            raw_body,
        };
        let (status, headers, resp) = answer(&req);
        let text = resp.to_string();
        let mut w = &stream;
        let _ = write!(
            w,
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{headers}\r\n{text}",
            text.len()
        );
        let _ = w.flush();
    }
}
