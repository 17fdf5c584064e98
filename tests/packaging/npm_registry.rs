//! Just enough of the npm registry protocol for `npm publish` and
//! `npx`/`npm install` on loopback: a publish (`PUT /NAME` with the version's
//! manifest and the tarball base64-encoded in `_attachments`) stores the
//! version; `GET /NAME` answers the packument with every version published;
//! `GET` of a version's `dist.tarball` path answers the tarball. Anything
//! else, including a package nobody published, is a 404, which npm treats as
//! a missing optional dependency.

use crate::loopback::{serve, Request, Response};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Store {
    packuments: BTreeMap<String, Value>,
    /// By URL path.
    tarballs: BTreeMap<String, Vec<u8>>,
    /// `METHOD PATH STATUS` of every request, in order.
    log: Vec<String>,
}

pub struct Registry {
    /// With the trailing slash npm expects.
    pub url: String,
    store: Arc<Mutex<Store>>,
}

impl Registry {
    /// `METHOD PATH STATUS` of every request so far.
    pub fn log(&self) -> Vec<String> {
        self.store.lock().expect("registry lock").log.clone()
    }
}

pub fn start() -> Registry {
    let store = Arc::new(Mutex::new(Store::default()));
    let served = Arc::clone(&store);
    let url = serve(move |request| {
        let mut store = served.lock().expect("registry lock");
        let line = format!("{} {}", request.method, request.path);
        let response = answer(&mut store, request);
        store.log.push(format!("{line} {}", response.status));
        response
    });
    Registry {
        url: format!("{url}/"),
        store,
    }
}

fn answer(store: &mut Store, request: Request) -> Response {
    let name = request.path.trim_start_matches('/').to_string();
    match request.method.as_str() {
        "PUT" => match publish(store, &name, &request.body) {
            Ok(()) => Response {
                status: 201,
                content_type: "application/json",
                body: br#"{"ok":true}"#.to_vec(),
            },
            Err(why) => Response {
                status: 400,
                content_type: "application/json",
                body: json!({ "error": why }).to_string().into_bytes(),
            },
        },
        "GET" if name.contains("/-/") => match store.tarballs.get(&request.path) {
            Some(tarball) => Response::bytes("application/octet-stream", tarball.clone()),
            None => Response::not_found(),
        },
        "GET" => match store.packuments.get(&name) {
            Some(packument) => {
                Response::bytes("application/json", packument.to_string().into_bytes())
            }
            None => Response::not_found(),
        },
        _ => Response::not_found(),
    }
}

fn publish(store: &mut Store, name: &str, body: &[u8]) -> Result<(), String> {
    let doc: Value = serde_json::from_slice(body).map_err(|e| format!("not JSON: {e}"))?;
    let versions = doc["versions"].as_object().ok_or("no versions")?;
    for (version, manifest) in versions {
        // Served where the manifest says (npm writes
        // REGISTRY/@scope/name/-/@scope/name-VERSION.tgz).
        let tarball_url = manifest["dist"]["tarball"]
            .as_str()
            .ok_or("no dist.tarball")?;
        let path = tarball_url
            .strip_prefix("http://")
            .and_then(|rest| rest.find('/').map(|slash| rest[slash..].to_string()))
            .ok_or("dist.tarball is not an http:// URL")?;
        let data = doc["_attachments"]
            .as_object()
            .and_then(|attachments| attachments.values().next())
            .and_then(|attachment| attachment["data"].as_str())
            .ok_or("no _attachments data")?;
        store.tarballs.insert(path, base64_decode(data)?);
        let packument = store
            .packuments
            .entry(name.to_string())
            .or_insert_with(|| json!({ "name": name, "dist-tags": {}, "versions": {} }));
        packument["versions"][version] = manifest.clone();
        packument["dist-tags"]["latest"] = json!(version);
    }
    Ok(())
}

fn base64_decode(text: &str) -> Result<Vec<u8>, String> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Ok(c - b'A'),
        b'a'..=b'z' => Ok(c - b'a' + 26),
        b'0'..=b'9' => Ok(c - b'0' + 52),
        b'+' => Ok(62),
        b'/' => Ok(63),
        _ => Err(format!("not base64: {:?}", c as char)),
    };
    let digits: Vec<u8> = text
        .bytes()
        .filter(|&c| c != b'=' && !c.is_ascii_whitespace())
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for group in digits.chunks(4) {
        let mut bits = 0u32;
        for (i, &c) in group.iter().enumerate() {
            bits |= u32::from(value(c)?) << (18 - 6 * i);
        }
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..group.len()]);
    }
    Ok(out)
}
