//! Pure readers of what Linux shows in `/sys/class/net` and `/proc/net`.

/// `/sys/class/net/*/flags` holds e.g. `0x1003`.
pub fn parse_flags(text: &str) -> Option<u32> {
    u32::from_str_radix(text.trim().trim_start_matches("0x"), 16).ok()
}

pub const IFF_UP: u32 = 0x1;
pub const IFF_LOOPBACK: u32 = 0x8;

/// `/sys/class/net/*/carrier`: `1` or `0`; unreadable when down.
pub fn parse_carrier(text: &str) -> Option<bool> {
    match text.trim() {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    }
}

/// Is there a usable IPv4 default route in `/proc/net/route`?
pub fn has_default_route_v4(table: &str) -> bool {
    const RTF_UP: u32 = 0x1;
    table.lines().skip(1).any(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        f.len() >= 8
            && f[1] == "00000000"
            && f[7] == "00000000"
            && u32::from_str_radix(f[3], 16).is_ok_and(|flags| flags & RTF_UP != 0)
    })
}

/// Is there a usable IPv6 default route in `/proc/net/ipv6_route`? The
/// kernel's own "unreachable" default on `lo` does not count.
pub fn has_default_route_v6(table: &str) -> bool {
    const RTF_UP: u32 = 0x1;
    const RTF_REJECT: u32 = 0x200;
    table.lines().any(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        f.len() >= 10
            && f[0].bytes().all(|b| b == b'0')
            && f[1] == "00"
            && u32::from_str_radix(f[8], 16)
                .is_ok_and(|flags| flags & RTF_UP != 0 && flags & RTF_REJECT == 0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const ROUTE_WITH_DEFAULT: &str = "\
Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
";

    const ROUTE_LAN_ONLY: &str = "\
Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
";

    const V6_WITH_DEFAULT: &str = "\
fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000002 00000000 00000003     eth0
00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
";

    const V6_UNREACHABLE_ONLY: &str = "\
00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo
";

    #[rstest]
    #[case::default(ROUTE_WITH_DEFAULT, true)]
    #[case::lan_only(ROUTE_LAN_ONLY, false)]
    #[case::empty("Iface\tDestination\n", false)]
    fn v4_default_route(#[case] table: &str, #[case] expected: bool) {
        assert_eq!(has_default_route_v4(table), expected);
    }

    #[rstest]
    #[case::default(V6_WITH_DEFAULT, true)]
    #[case::kernel_reject_route_only(V6_UNREACHABLE_ONLY, false)]
    #[case::empty("", false)]
    fn v6_default_route(#[case] table: &str, #[case] expected: bool) {
        assert_eq!(has_default_route_v6(table), expected);
    }

    #[rstest]
    #[case::eth_up("0x1003\n", Some(0x1003))]
    #[case::down("0x1002", Some(0x1002))]
    #[case::garbage("up", None)]
    fn flags(#[case] text: &str, #[case] expected: Option<u32>) {
        assert_eq!(parse_flags(text), expected);
    }

    #[test]
    fn carrier() {
        assert_eq!(parse_carrier("1\n"), Some(true));
        assert_eq!(parse_carrier("0\n"), Some(false));
        assert_eq!(parse_carrier(""), None);
    }
}
