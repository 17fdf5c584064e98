//! An nginx `server` block as the proxy rules judge it: where it listens,
//! whether it serves the app or only redirects, and what it inherits from
//! `http` (array directives such as `add_header` and `ssl_protocols`).

use super::nginx::Directive;

/// A `server` block with what it inherits from its `http` context.
pub(super) struct Server<'a> {
    pub(super) block: &'a Directive,
    pub(super) http: &'a [Directive],
}

impl Server<'_> {
    pub(super) fn own(&self, name: &str) -> impl Iterator<Item = &Directive> {
        let name = name.to_string();
        self.block.children().iter().filter(move |d| d.name == name)
    }

    /// The `listen` directives that accept TLS, or the `server` block
    /// itself under the legacy `ssl on;`.
    pub(super) fn tls_listen(&self) -> Option<&Directive> {
        let ssl_on = self.own("ssl").any(|d| d.arg(0) == Some("on"));
        self.own("listen")
            .find(|l| ssl_on || l.args.iter().any(|a| a == "ssl" || a == "quic"))
    }

    /// Where the server accepts plain HTTP on port 80: its `listen 80`, or
    /// the `server` line when it has no `listen` (nginx's default `*:80`).
    pub(super) fn plain_http_listen(&self) -> Option<&Directive> {
        if self.own("ssl").any(|d| d.arg(0) == Some("on")) {
            return None;
        }
        let mut listens = self.own("listen").peekable();
        if listens.peek().is_none() {
            return Some(self.block);
        }
        listens.find(|l| {
            !l.args.iter().any(|a| a == "ssl" || a == "quic")
                && l.arg(0).is_some_and(|a| listen_port(a) == Some(80))
        })
    }

    /// Directives of `name` in effect: the server's own, else `http`'s
    /// (nginx's array-directive inheritance: a level that sets any does
    /// not inherit its parent's).
    pub(super) fn effective(&self, name: &str) -> Vec<&Directive> {
        let own: Vec<&Directive> = self.own(name).collect();
        if !own.is_empty() {
            return own;
        }
        self.http.iter().filter(|d| d.name == name).collect()
    }

    /// Every `server_name` is a local development name (`localhost`,
    /// `*.localhost`, `*.test`, `*.local`, `127.0.0.1`): not a deployed site.
    pub(super) fn is_local(&self) -> bool {
        let names: Vec<&str> = self
            .own("server_name")
            .flat_map(|d| d.args.iter().map(String::as_str))
            .collect();
        !names.is_empty()
            && names.iter().all(|n| {
                let n = n.to_ascii_lowercase();
                n == "localhost"
                    || n == "127.0.0.1"
                    || n.ends_with(".localhost")
                    || n.ends_with(".test")
                    || n.ends_with(".local")
            })
    }

    /// An include outside the repository that may add headers (stock
    /// files that never do — `mime.types`, `*_params`, certbot's
    /// `options-ssl-nginx.conf` — do not count).
    pub(super) fn has_unresolved_include(&self) -> bool {
        self.block
            .children()
            .iter()
            .chain(self.http)
            .any(|d| d.unresolved_include && !d.arg(0).is_some_and(is_stock_include))
    }
}

/// nginx's and certbot's stock include files: types, upstream parameters
/// and TLS session settings, never a response header.
pub(super) fn is_stock_include(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == "mime.types"
        || name.ends_with("_params")
        || name == "fastcgi.conf"
        || name == "options-ssl-nginx.conf"
        || path.contains("modules-enabled/")
}

/// The port of a `listen` address: `80`, `[::]:80`, `0.0.0.0:80`,
/// `example.com` (80); `None` for a unix socket.
pub(super) fn listen_port(addr: &str) -> Option<u16> {
    // A unix socket, or a port set when the container starts
    // (`listen ${PORT};` through envsubst): not known here.
    if addr.starts_with("unix:") || addr.contains('$') {
        return None;
    }
    if let Ok(p) = addr.parse() {
        return Some(p);
    }
    let tail = match addr.rfind(']') {
        Some(i) => &addr[i + 1..],
        None => addr,
    };
    match tail.rsplit_once(':') {
        Some((_, p)) => p.parse().ok(),
        None => Some(80),
    }
}

/// The `http` contexts of a root: `http { … }` blocks, or the file itself
/// when it is a fragment nginx includes inside `http` (`conf.d/app.conf`).
pub(super) fn http_contexts(directives: &[Directive]) -> Vec<&[Directive]> {
    let blocks: Vec<&[Directive]> = directives
        .iter()
        .filter(|d| d.name == "http")
        .map(|d| d.children())
        .collect();
    if blocks.is_empty() {
        vec![directives]
    } else {
        blocks
    }
}

pub(super) fn servers(directives: &[Directive]) -> Vec<Server<'_>> {
    let mut out = Vec::new();
    for http in http_contexts(directives) {
        for block in http.iter().filter(|d| d.name == "server") {
            out.push(Server { block, http });
        }
    }
    out
}

/// `return 301 https://…`, `return https://…`, `rewrite ^ https://… permanent`.
pub(super) fn is_https_redirect(d: &Directive) -> bool {
    match d.name.as_str() {
        "return" => match d.args.as_slice() {
            [url] => url.starts_with("https://"),
            [code, url, ..] => {
                matches!(code.as_str(), "301" | "302" | "303" | "307" | "308")
                    && url.starts_with("https://")
            }
            _ => false,
        },
        "rewrite" => d.arg(1).is_some_and(|u| u.starts_with("https://")),
        _ => false,
    }
}

/// An `if` on the scheme (`$scheme`, `$https`, `X-Forwarded-Proto`,
/// `$server_port`) that redirects to HTTPS.
pub(super) fn is_scheme_redirect(d: &Directive) -> bool {
    d.name == "if"
        && d.args.iter().any(|a| {
            let a = a.to_ascii_lowercase();
            a.contains("$scheme")
                || a.contains("$https")
                || a.contains("x_forwarded_proto")
                || a.contains("$server_port")
        })
        && d.children().iter().any(is_https_redirect)
}

pub(super) const CONTENT: &[&str] = &[
    "proxy_pass",
    "fastcgi_pass",
    "uwsgi_pass",
    "scgi_pass",
    "grpc_pass",
    "memcached_pass",
    "root",
    "alias",
    "try_files",
];

pub(super) fn is_acme(location: &Directive) -> bool {
    location.args.iter().any(|a| a.contains("/.well-known"))
}

/// The first directive by which the server serves the app over this
/// connection (a content directive in a location that neither returns nor
/// is the ACME challenge), or `None` when it only redirects or refuses.
pub(super) fn serving(server: &Server) -> Option<&'static str> {
    let children = server.block.children();
    // A server-level `return` answers every request before any location.
    if children.iter().any(|d| d.name == "return") {
        return None;
    }
    if children
        .iter()
        .any(|d| is_scheme_redirect(d) || is_https_redirect(d))
    {
        return None;
    }
    let server_content = children
        .iter()
        .find_map(|d| CONTENT.iter().find(|c| **c == d.name).copied());
    let locations: Vec<&Directive> = children.iter().filter(|d| d.name == "location").collect();
    if locations.is_empty() {
        return server_content;
    }
    locations
        .into_iter()
        .find_map(|l| location_serving(l, server_content))
}

pub(super) fn location_serving(
    l: &Directive,
    inherited: Option<&'static str>,
) -> Option<&'static str> {
    if is_acme(l) {
        return None;
    }
    let children = l.children();
    if children
        .iter()
        .any(|d| d.name == "return" || is_https_redirect(d) || is_scheme_redirect(d))
    {
        return None;
    }
    let own = children
        .iter()
        .find_map(|d| CONTENT.iter().find(|c| **c == d.name).copied());
    let nested = children
        .iter()
        .filter(|d| d.name == "location")
        .find_map(|n| location_serving(n, own.or(inherited)));
    own.or(nested).or(inherited)
}

pub(super) fn has_hsts(directives: &[&Directive]) -> bool {
    directives.iter().any(|d| sets_hsts(d))
}

pub(super) fn sets_hsts(d: &Directive) -> bool {
    match d.name.as_str() {
        "add_header" => d
            .arg(0)
            .is_some_and(|h| h.eq_ignore_ascii_case("strict-transport-security")),
        "more_set_headers" => d.args.iter().any(|a| {
            a.to_ascii_lowercase()
                .starts_with("strict-transport-security")
        }),
        _ => false,
    }
}

/// Any location (at any depth) adding HSTS itself.
pub(super) fn location_hsts(directives: &[Directive]) -> bool {
    directives
        .iter()
        .filter(|d| d.name == "location" || d.name == "if")
        .any(|l| l.children().iter().any(sets_hsts) || location_hsts(l.children()))
}

pub(super) fn weak_protocols(d: &Directive) -> Vec<&str> {
    d.args
        .iter()
        .map(String::as_str)
        .filter(|a| matches!(*a, "TLSv1" | "TLSv1.1" | "SSLv3" | "SSLv2"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_ports() {
        for (addr, port) in [
            ("80", Some(80)),
            ("[::]:80", Some(80)),
            ("0.0.0.0:8080", Some(8080)),
            ("example.com", Some(80)),
            ("127.0.0.1:443", Some(443)),
            ("unix:/var/run/nginx.sock", None),
            ("${NGINX_PORT}", None),
        ] {
            assert_eq!(listen_port(addr), port, "{addr}");
        }
    }

    fn parsed(text: &str) -> Vec<Directive> {
        super::super::nginx::parse("nginx.conf", text)
    }

    #[test]
    fn what_a_server_serves() {
        for (text, serves) in [
            ("server { listen 80; location / { proxy_pass http://app:3000; } }", true),
            ("server { listen 80; return 301 https://$host$request_uri; }", false),
            ("server { listen 80; location /.well-known/acme-challenge/ { root /var/www/certbot; } location / { return 301 https://$host$request_uri; } }", false),
            ("server { listen 80; listen 443 ssl; if ($scheme = http) { return 301 https://$host$request_uri; } location / { proxy_pass http://app; } }", false),
            ("server { listen 80; root /srv; location / { try_files $uri /index.html; } }", true),
            ("server { listen 80; root /srv; location /api { } }", true),
            ("server { listen 80; rewrite ^ https://example.com$request_uri permanent; }", false),
        ] {
            let r = parsed(text);
            let s = &servers(&r)[0];
            assert_eq!(serving(s).is_some(), serves, "{text}");
        }
    }

    #[test]
    fn add_header_inheritance() {
        let r = parsed("http { add_header Strict-Transport-Security max-age=1; server { listen 443 ssl; add_header X-Frame-Options DENY; } server { listen 443 ssl; } }");
        let s = servers(&r);
        assert!(!has_hsts(&s[0].effective("add_header")));
        assert!(has_hsts(&s[1].effective("add_header")));
    }
}
