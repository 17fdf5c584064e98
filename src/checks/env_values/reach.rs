//! Where a URL's host is, as the app sees it: its own machine, a private
//! network (compose services, RFC 1918, `*.internal`), or the internet.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Where a host is, as the app sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Reach {
    /// `localhost`, `127.0.0.1`, `::1`, `0.0.0.0`: the app's own machine.
    Loopback,
    /// A compose service name (one label), a private address, `*.internal`,
    /// `*.local`, `*.svc.cluster.local`: reached without the internet.
    Private,
    Public,
}

pub(super) fn reach(host: &str) -> Reach {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return Reach::Loopback;
    }
    if let Ok(ip) = host.parse::<IpAddr>() {
        return ip_reach(ip);
    }
    const PRIVATE_SUFFIXES: &[&str] = &[
        ".internal",
        ".local",
        ".localdomain",
        ".svc",
        ".cluster.local",
        ".lan",
        ".home.arpa",
        ".flycast",
    ];
    if !host.contains('.') || PRIVATE_SUFFIXES.iter().any(|s| host.ends_with(s)) {
        Reach::Private
    } else {
        Reach::Public
    }
}

pub(super) fn ip_reach(ip: IpAddr) -> Reach {
    match ip {
        IpAddr::V4(v4) if v4.is_loopback() || v4 == Ipv4Addr::UNSPECIFIED => Reach::Loopback,
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            // RFC 1918, link-local and carrier-grade NAT (Tailscale).
            if v4.is_private() || v4.is_link_local() || (a == 100 && (64..128).contains(&b)) {
                Reach::Private
            } else {
                Reach::Public
            }
        }
        IpAddr::V6(v6) if v6.is_loopback() || v6 == Ipv6Addr::UNSPECIFIED => Reach::Loopback,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => ip_reach(IpAddr::V4(v4)),
            // fc00::/7 unique local, fe80::/10 link-local.
            None if (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80 =>
            {
                Reach::Private
            }
            None => Reach::Public,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_by_reach() {
        for (host, r) in [
            ("localhost", Reach::Loopback),
            ("127.0.0.1", Reach::Loopback),
            ("[::1]", Reach::Loopback),
            ("0.0.0.0", Reach::Loopback),
            ("db", Reach::Private),
            ("postgres", Reach::Private),
            ("10.1.2.3", Reach::Private),
            ("172.20.0.5", Reach::Private),
            ("172.32.0.5", Reach::Public),
            ("192.168.1.10", Reach::Private),
            ("[fd12::1]", Reach::Private),
            ("api.railway.internal", Reach::Private),
            ("redis.default.svc.cluster.local", Reach::Private),
            ("printer.local", Reach::Private),
            ("api.example.com", Reach::Public),
            ("8.8.8.8", Reach::Public),
        ] {
            assert_eq!(reach(host), r, "{host}");
        }
    }
}
