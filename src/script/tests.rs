use super::builder::Builder;
use super::cmd::{Cmd, Word};
use super::dispatch::{interpret, known_command};
use super::*;
use crate::diag::Severity;
use crate::model::{flags, Mode, Neighbour};
use crate::shell::{lex_script, ScriptToken};
use crate::values;

fn words(text: &str) -> Vec<Vec<String>> {
    syntax::flatten(&syntax::parse(lex_script(text).tokens).items)
        .into_iter()
        .map(|c| c.iter().map(|w| w.raw.clone()).collect())
        .collect()
}

fn read_rc(text: &str) -> Result<Vec<Parsed>, Failure> {
    read(&Source::new("rc.local", None, text), Dialect::RcLocal)
}

fn one(text: &str) -> Parsed {
    let mut v = read_rc(text).unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(v.len(), 1);
    v.remove(0)
}

fn errors(text: &str) -> Vec<(usize, usize, String)> {
    let f = read_rc(text).expect_err("an error");
    f.diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let l = d.location.as_ref().unwrap();
            (l.line, l.column, d.message.clone())
        })
        .collect()
}

fn warnings(p: &Parsed) -> Vec<String> {
    p.warnings
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| d.message.clone())
        .collect()
}

const GRE: &str = "ip tunnel add gre1 mode gre remote 192.0.2.2 local 192.0.2.1\n";

#[test]
fn continuations_join_lines_and_keep_columns() {
    assert_eq!(
        words("ip tunnel add \\\n  gre1 mode gre\n"),
        [["ip", "tunnel", "add", "gre1", "mode", "gre"]]
    );
    let t = lex_script("a \\\n  bc\n");
    let ScriptToken::Word(w) = &t.tokens[1] else {
        panic!()
    };
    assert_eq!((w.offset, w.len), (6, 2));
    // CRLF line ends and continuations.
    assert_eq!(words("a \\\r\nb\r\nc\r\n"), [vec!["a", "b"], vec!["c"]]);
    // A continuation inside a comment does not continue it.
    assert_eq!(words("# x \\\nip\n"), [["ip"]]);
}

#[test]
fn a_backslash_before_a_blank_escapes_it() {
    let t = lex_script("a \\ \nb\n");
    assert_eq!(t.escaped_blanks, vec![2]);
    assert_eq!(words("a \\ \nb\n"), [vec!["a", "\\ "], vec!["b"]]);
}

#[test]
fn operators_groups_and_conditionals_split_commands() {
    assert_eq!(
        words("lsmod|grep ip_gre || modprobe ip_gre; ping x && { echo y; exit 1; }\n"),
        [
            vec!["lsmod"],
            vec!["grep", "ip_gre"],
            vec!["modprobe", "ip_gre"],
            vec!["ping", "x"],
            vec!["echo", "y"],
            vec!["exit", "1"]
        ]
    );
    assert_eq!(
        words("if ! ip link show gre1; then\n ip tunnel add gre1\nelif true; then (a; b) & else c; fi\n"),
        [
            vec!["ip", "link", "show", "gre1"],
            vec!["ip", "tunnel", "add", "gre1"],
            vec!["true"],
            vec!["a"],
            vec!["b"],
            vec!["c"]
        ]
    );
}

#[test]
fn redirections_and_comments_are_dropped() {
    assert_eq!(
        words("modprobe ip_gre >/dev/null 2>&1 # load\n"),
        [["modprobe", "ip_gre"]]
    );
    assert_eq!(words("a &>/dev/null; b 2> err < in\n"), [vec!["a"], vec!["b"]]);
    assert_eq!(
        words("cat > f <<EOF\nip tunnel add x\nEOF\nc\n"),
        [vec!["cat"], vec!["c"]]
    );
    assert_eq!(words("echo a#b\n"), [["echo", "a#b"]]);
}

#[test]
fn prompts_are_blanked_keeping_offsets() {
    let s = strip_prompts("[root@A ~]# ip a\n$ ip r\n[x] not a prompt\n");
    assert_eq!(s, "            ip a\n  ip r\n[x] not a prompt\n");
}

#[test]
fn variables_expand_in_words_and_double_quotes() {
    let p = one("n=gre1\nr=192.0.2.2\nip tunnel add \"$n\" mode gre remote ${r} local 192.0.2.1\n");
    assert_eq!(p.tunnel.name, "gre1");
    assert_eq!(p.tunnel.remote, Some("192.0.2.2".parse().unwrap()));
    // Assignments expand when made.
    let p = one("a=192.0.2\nb=$a.2\nip tunnel add gre1 mode gre remote $b\n");
    assert_eq!(p.tunnel.remote, Some("192.0.2.2".parse().unwrap()));
}

#[test]
fn every_expansion_error_is_located_in_interpreted_commands_only() {
    assert_eq!(
        errors("ip tunnel add gre1 mode gre remote $x\n"),
        [(1, 36, "variable $x is not assigned in this script".to_string())]
    );
    assert_eq!(
        errors("ip tunnel add $1 mode gre\n")[0].0..errors("ip tunnel add $1 mode gre\n")[0].1,
        1..15
    );
    let e = errors("ip tunnel add gre1 mode gre remote $(cat f)\n");
    assert_eq!((e[0].0, e[0].1), (1, 36));
    assert!(e[0].2.contains("command substitution"));
    let e = errors("ip tunnel add gre1 mode gre\\\n remote `cat f`\n");
    assert_eq!((e[0].0, e[0].1), (2, 9));
    let e = errors("ip tunnel add gre1 mode gre remote ${r:-1.2.3.4}\n");
    assert_eq!((e[0].0, e[0].1), (1, 36));
    // An assignment's error is reported where the assignment is.
    let e = errors("r=$(hostname -i)\nip tunnel add gre1 mode gre remote $r\n");
    assert_eq!((e[0].0, e[0].1), (1, 3));
    // Placeholders.
    let f = read_rc("ip tunnel add ${interface name} mode gre\n").unwrap_err();
    assert_eq!(
        f.diagnostics[0].hint.as_deref(),
        Some("replace the placeholder with a value")
    );
    // In ignored commands nothing of this matters.
    let p = one(&format!("echo $(date) $1 ${{x:-y}} `id` $unset\n{GRE}"));
    assert!(warnings(&p).is_empty());
}

#[test]
fn no_tunnel_is_an_error() {
    let f = read_rc("echo hi\n").unwrap_err();
    assert_eq!(
        f.diagnostics.last().unwrap().message,
        "this script defines no tunnel"
    );
}

#[test]
fn ip_tunnel_forms() {
    let p = one("ip tunnel add name gre1 mode gre/ip remote any local 192.0.2.1 ikey 1.2.3.4 okey 0x10 ttl inherit tos 0x10 nopmtudisc dev eth0\n");
    let t = &p.tunnel;
    assert_eq!(
        (t.mode, t.remote, t.input_key, t.output_key),
        (Mode::Gre, None, Some(16909060), Some(16))
    );
    assert_eq!(
        (t.ttl, t.tos, t.path_mtu_discovery, t.parent.as_deref()),
        (0, 0x10, false, Some("eth0"))
    );
    assert_eq!(p.origins.get(Some("input_key")).unwrap().column, 64);
    // The mode follows the name when absent, as in iproute2.
    let p = one("ip tunnel add gre7 remote 192.0.2.2\n");
    assert_eq!(p.tunnel.mode, Mode::Gre);
    assert!(errors("ip tunnel add tun0 remote 192.0.2.2\n")[0]
        .2
        .contains("without a mode"));
    // ip -6 defaults are explicit; an IPv6 mode implies -6.
    for cmd in [
        "ip -6 tunnel add t6 mode ip6gre",
        "ip tunnel add t6 mode ip6gre",
        "ip -f inet6 tun a t6 mode gre/ipv6",
    ] {
        let t = one(&format!("{cmd} remote 2001:db8::2 key 5\n")).tunnel;
        assert_eq!(
            (t.mode, t.ttl, t.encapsulation_limit, t.input_key),
            (Mode::Ip6gre, 64, 4, Some(5))
        );
    }
    let t = one("ip -6 tunnel add t6 remote 2001:db8::2 hoplimit 9 encaplimit none tclass inherit flowlabel 0x12345\n").tunnel;
    assert_eq!((t.mode, t.ttl, t.flow_label), (Mode::Ip6ip6, 9, 0x12345));
    assert_eq!(t.flags, flags::IGN_ENCAP_LIMIT | flags::USE_ORIG_TCLASS);
    // seq/csum are extras with a warning.
    let p = one("ip tunnel add gre1 mode gre remote 192.0.2.2 icsum seq\n");
    assert_eq!(
        p.tunnel.extras.iter().map(|e| e.key.as_str()).collect::<Vec<_>>(),
        ["icsum", "seq"]
    );
    assert_eq!(p.tunnel.extras[0].format, "iproute2");
    assert_eq!(warnings(&p).len(), 2);
    // A word that is no option is a second name, as iproute2 says.
    assert!(errors("ip tunnel add gre1 mode gre fwmark 3\n")[0]
        .2
        .contains("second name"));
    // Key words are refused with the shared hint.
    let f = read_rc("ip tunnel add gre1 mode gre key lichenhao\n").unwrap_err();
    assert_eq!(f.diagnostics[0].hint.as_deref(), Some(values::KEY_HINT));
    assert_eq!(f.diagnostics[0].location.as_ref().unwrap().column, 33);
    // change and del.
    let p = one(&format!(
        "{GRE}ip tunnel change gre1 ttl 9\nip tunnel add gre2 mode gre\nip tunnel del gre2\n"
    ));
    assert_eq!((p.tunnel.name.as_str(), p.tunnel.ttl), ("gre1", 9));
    assert!(p.warnings.iter().any(|d| d.message.contains("is deleted here")));
}

#[test]
fn missing_tunnel_verb_is_read_as_add_with_a_warning() {
    let p = one("ip tunnel gre1 mode gre remote 192.0.2.2\n");
    assert_eq!(p.tunnel.name, "gre1");
    assert!(warnings(&p)[0].contains("read as `ip tunnel add gre1`"));
}

#[test]
fn ip_link_forms() {
    let p = one(
        "ip link add name gt1 mtu 1400 type gretap remote 192.0.2.2 local 192.0.2.1 key 7 ttl 64\n\
                 ip link set dev gt1 mtu 1450 up\n",
    );
    let t = &p.tunnel;
    assert_eq!(
        (t.mode, t.mtu, t.input_key, t.ttl),
        (Mode::Gretap, Some(1450), Some(7), 64)
    );
    assert_eq!(p.origins.get(Some("mtu")).unwrap().line, 2);
    let t = one("ip link add t6 type ip6tnl mode ipip6 remote 2001:db8::2\n").tunnel;
    assert_eq!((t.mode, t.ttl, t.encapsulation_limit), (Mode::Ipip6, 64, 4));
    assert!(errors("ip link add t6 type ip6tnl remote 2001:db8::2\n")[0]
        .2
        .contains("any protocol"));
    assert!(errors("ip link add g type gre bogus 1\n")[0].2.contains("bogus"));
    let t = one("ip link add name type type gretap\n").tunnel;
    assert_eq!((t.name.as_str(), t.mode), ("type", Mode::Gretap));
    let t = one("ip link add s type sit isatap\n").tunnel;
    assert_eq!(t.mode, Mode::Isatap);
    assert!(read_rc("ip link add g type gre\nip link del g\n").is_err());
    let p = one("ip link add v type vxlan id 5\nip link add g type vti remote 192.0.2.2\n");
    assert_eq!(p.tunnel.mode, Mode::Vti);
}

#[test]
fn addresses_peers_and_prefixes() {
    let p = one(&format!(
        "{GRE}ip addr add 10.0.0.1 peer 10.0.0.2 dev gre1\nip a add 10.1.0.1/30 dev gre1 label gre1:x\n\
         ip -6 address add 2001:db8::1 dev gre1\nip a replace 10.1.0.1/24 dev gre1\n"
    ));
    let a = &p.tunnel.addresses;
    assert_eq!(a[0].address.to_string(), "10.0.0.1/32");
    assert_eq!(a[0].peer.unwrap().to_string(), "10.0.0.2/32");
    assert_eq!(a[1].address.to_string(), "10.1.0.1/24");
    assert_eq!(a[2].address.to_string(), "2001:db8::1/128");
    assert_eq!(p.origins.get(Some("addresses[1]")).unwrap().line, 5);
    assert!(warnings(&p).iter().any(|w| w.contains("`label`")));
    let p = one(&format!(
        "{GRE}ip addr add 172.16.0.1/30 peer 172.16.0.2/30 dev gre1\n"
    ));
    assert_eq!(p.tunnel.addresses[0].peer.unwrap().to_string(), "172.16.0.2/30");
    assert_eq!(p.tunnel.addresses[0].address.to_string(), "172.16.0.1/30");
    // Other devices are not ours.
    let p = one(&format!("{GRE}ip addr add 10.0.0.1/24 dev eth0\n"));
    assert!(p.tunnel.addresses.is_empty());
}

#[test]
fn routes_with_and_without_dev() {
    let p = one(&format!(
        "{GRE}ip addr add 10.10.10.1 dev gre1 peer 10.10.10.2\nip route add 10.2.1.0/24 via 10.10.10.2\n\
         ip r add default dev gre1 metric 10 table 100 proto static\nip ro add 10.3.0.0/16 via 192.168.0.1\n"
    ));
    let r = &p.tunnel.routes;
    assert_eq!(r.len(), 2);
    assert_eq!(
        (r[0].destination.to_string(), r[0].gateway),
        ("10.2.1.0/24".into(), Some("10.10.10.2".parse().unwrap()))
    );
    assert_eq!(
        (r[1].destination.to_string(), r[1].metric, r[1].table),
        ("0.0.0.0/0".into(), Some(10), Some(100))
    );
    let w = warnings(&p);
    assert!(w.iter().any(|w| w.contains("`proto`")));
    assert!(w.iter().any(|w| w.contains("does not belong to any tunnel")));
}

#[test]
fn neighbours_of_a_multipoint_tunnel() {
    let p = one(
        "ip tunnel add gre1 mode gre local 159.1.1.1 key 111\nip neighbor add 10.10.10.3 lladdr 178.1.1.1 dev gre1\n\
         ip n replace 10.10.10.3 lladdr 134.1.1.1 dev gre1 nud permanent\n",
    );
    assert_eq!(
        p.tunnel.neighbours,
        [Neighbour {
            inner: "10.10.10.3".parse().unwrap(),
            outer: "134.1.1.1".parse().unwrap()
        }]
    );
    assert_eq!(p.origins.get(Some("neighbours[0]")).unwrap().line, 3);
    // The outer address as ll_addr_a2n reads it: hex bytes.
    let p = one(
        "ip -6 tunnel add t6 mode ip6gre key 1\n\
         ip neigh add 10.0.0.2 lladdr 20:01:0d:b8:00:00:00:00:00:00:00:00:00:00:00:01 dev t6\n\
         ip neigh add 10.0.0.3 lladdr c0:0:2:1 dev t6\nip neigh add 10.0.0.4 lladdr 00:11:22:33:44:55 dev t6\n",
    );
    let outer: Vec<String> = p.tunnel.neighbours.iter().map(|n| n.outer.to_string()).collect();
    assert_eq!(outer, ["2001:db8::1", "192.0.2.1"]);
}

#[test]
fn net_tools_route_and_ifconfig() {
    let p = one(&format!(
        "{GRE}ifconfig gre1 10.0.0.1 netmask 255.255.255.252 pointopoint 10.0.0.2 mtu 1400 up\n\
         route add -net 20.10.1.0 netmask 255.255.255.0 dev gre1 gw 10.0.0.2\nroute add -host 20.0.0.9 gre1\n\
         route add -net 30.0.0.0/8 gw 10.0.0.2 metric 5\n"
    ));
    let t = &p.tunnel;
    assert_eq!(t.addresses[0].address.to_string(), "10.0.0.1/30");
    assert_eq!(t.addresses[0].peer.unwrap().to_string(), "10.0.0.2/32");
    assert_eq!(t.mtu, Some(1400));
    let r: Vec<String> = t.routes.iter().map(|r| r.destination.to_string()).collect();
    assert_eq!(r, ["20.10.1.0/24", "20.0.0.9/32", "30.0.0.0/8"]);
    assert_eq!(t.routes[2].metric, Some(5));
}

#[test]
fn extras_attach_to_the_tunnel_they_mention() {
    let p = read_rc(&format!(
        "modprobe fou\n{GRE}ip tunnel add gre2 mode gre remote 192.0.2.3\niptables -A INPUT -i gre2 -j ACCEPT\n\
         sysctl -w net.ipv4.ip_forward=1\n"
    ))
    .unwrap();
    let keys = |i: usize| {
        p[i].tunnel
            .extras
            .iter()
            .map(|e| e.key.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(keys(0), ["modprobe", "sysctl"]);
    assert_eq!(keys(1), ["iptables"]);
    assert_eq!(p[1].tunnel.extras[0].value, "iptables -A INPUT -i gre2 -j ACCEPT");
    assert_eq!(p[1].origins.get(Some("extras[0]")).unwrap().line, 4);
}

#[test]
fn loading_the_tunnels_own_module_is_implied() {
    for load in ["modprobe ip_gre", "modprobe -q ip-gre", "/sbin/modprobe ip_gre"] {
        let p = one(&format!("{load}\n{GRE}"));
        assert!(p.tunnel.extras.is_empty(), "{load}");
        assert!(p
            .warnings
            .iter()
            .any(|d| d.message.contains("is implied by the tunnel")));
    }
    // Another module, or unloading one, is kept.
    for load in ["modprobe ipip", "modprobe -r ip_gre"] {
        let p = one(&format!("{load}\n{GRE}"));
        assert_eq!(p.tunnel.extras.len(), 1, "{load}");
    }
}

#[test]
fn wrapper_functions_are_read_as_the_command_they_run() {
    let p = one(
        "run() {\n\t\"$@\" || { echo \"$0: $*: failed\" >&2; exit 1; }\n}\n\
         run ip tunnel add gre1 mode gre remote 192.0.2.2\nrun run ip link set dev gre1 mtu 1400\n",
    );
    assert_eq!((p.tunnel.name.as_str(), p.tunnel.mtu), ("gre1", Some(1400)));
    // The location is the wrapped command's.
    assert_eq!(p.origins.get(Some("remote")).unwrap().column, 33);
    // A prefix before "$@" is part of the command; `command` is dropped.
    let p = one("ip() { command /sbin/ip \"$@\"; }\nip tunnel add gre1 mode gre\n");
    assert_eq!(p.tunnel.name, "gre1");
    // Calls nest only so deep.
    let p = one(&format!(
        "run() {{ \"$@\"; }}\n{GRE}{}ip link set dev gre1 mtu 1400\n",
        "run ".repeat(2000)
    ));
    assert_eq!(p.tunnel.mtu, None);
    assert!(p
        .warnings
        .iter()
        .any(|d| d.message.contains("more than 50 functions")));
    // An extra through a wrapper with a prefix is the words it runs.
    let p = one(&format!(
        "fw() {{ iptables \"$@\"; }}\n{GRE}fw -A INPUT -i gre1 -j ACCEPT\n"
    ));
    assert_eq!(p.tunnel.extras[0].value, "iptables -A INPUT -i gre1 -j ACCEPT");
    // A function that calls itself is not followed forever.
    let p = one(&format!("f() {{ f; }}\nf\n{GRE}"));
    assert!(p.warnings.iter().any(|d| d.message.contains("calls itself")));
}

#[test]
fn function_bodies_run_where_called_not_where_defined() {
    let p = one(&format!(
        "up() {{\n  {GRE}  ip link set dev gre1 mtu 1400\n}}\ndown() {{ ip tunnel del gre1; }}\nup\n"
    ));
    assert_eq!(p.tunnel.mtu, Some(1400));
    assert!(p
        .warnings
        .iter()
        .any(|d| d.message == "the function `down` is never called; its commands are not read"));
    // Never called: no tunnel.
    assert!(read_rc(&format!("up() {{ {GRE} }}\n")).is_err());
    // In a called body, `$1`... are the call's words.
    let p = one("n=gre\nmk() { ip tunnel add \"$1\" mode gre remote \"$2\"$3; }\nmk ${n}7 192.0.2.2\n");
    assert_eq!(p.tunnel.name, "gre7");
    assert_eq!(p.tunnel.remote, Some("192.0.2.2".parse().unwrap()));
    let e = errors("mk() { ip tunnel add \"$1\" mode gre; }\nmk $(hostname)\n");
    assert_eq!((e[0].0, e[0].1), (2, 4));
    // At the top level they are the script's arguments.
    let e = errors("ip tunnel add \"$1\" mode gre\n");
    assert_eq!((e[0].0, e[0].1), (1, 16));
    // A case on `$1` in a function is on the function's argument.
    let f = "f() { case \"${1:-a}\" in a) ip tunnel add gre1 mode gre;; b) ip tunnel add gre2 mode gre;; esac; }\n";
    assert_eq!(one(&format!("{f}f b\n")).tunnel.name, "gre2");
    assert_eq!(one(&format!("{f}f\n")).tunnel.name, "gre1");
    assert_eq!(one(&format!("{f}f ''\n")).tunnel.name, "gre1");
}

#[test]
fn case_reads_the_branch_that_runs_without_arguments() {
    let script = |subject: &str| {
        format!(
            "case {subject} in\nstart|restart)\n\t{GRE}\t;;\nstop) ip tunnel del gre1 ;;\n\
             *) ip tunnel add other mode gre ;;\nesac\n"
        )
    };
    for subject in ["\"${1:-start}\"", "${1-restart}", "start"] {
        let p = one(&script(subject));
        assert_eq!(p.tunnel.name, "gre1", "{subject}");
        let notes: Vec<&str> = p
            .warnings
            .iter()
            .filter(|d| d.message.contains("branch is not read"))
            .map(|d| d.message.as_str())
            .collect();
        assert_eq!(notes.len(), 2, "{subject}: {notes:?}");
        assert!(notes[0].starts_with("the `stop)` branch is not read"));
    }
    // Without a default, $1 is empty: the `*)` branch runs.
    assert_eq!(one(&script("\"$1\"")).tunnel.name, "other");
    // A variable the script assigns.
    assert_eq!(
        one(&format!("a=re\n{}", script("\"${a}load\""))).tunnel.name,
        "other"
    );
    assert_eq!(one(&format!("a=re\n{}", script("${a}start"))).tunnel.name, "gre1");
    assert!(read_rc(&script("stop")).is_err());
    // What only running the script can tell is an error at its column.
    let e = errors(&script("\"$(uname)\""));
    assert_eq!((e[0].0, e[0].1), (1, 7));
    assert!(e[0].2.contains("cannot tell which branch"));
    let e = errors(&script("$2"));
    assert_eq!((e[0].0, e[0].1), (1, 6));
    // Fall-through is not followed.
    let e = errors(&format!("case x in x) {GRE} ;& y) ;; esac\n").replace("\n ;&", " ;&"));
    assert!(e[0].2.contains("fall-through"), "{e:?}");
}

#[test]
fn deleting_before_creating_is_a_fresh_start() {
    let p = one(&format!("ip link del gre1 2>/dev/null || true\n{GRE}"));
    assert_eq!(p.tunnel.name, "gre1");
    assert!(p
        .warnings
        .iter()
        .any(|d| d.message.starts_with("deletes gre1 before creating it on line 2")));
    let p = one("ip link delete dev dev\nip tunnel add name dev mode gre\n");
    assert_eq!(p.tunnel.name, "dev");
}

#[test]
fn typos_are_read_as_meant_with_a_warning() {
    for typo in ["Ip", "IP", "ipp", "/sbin/Ip"] {
        let p = one(&format!("{typo} tunnel add gre1 mode gre remote 192.0.2.2\n"));
        assert!(warnings(&p)[0].contains("is read as `ip`"), "{typo}");
        assert!(p.warnings[0]
            .hint
            .as_deref()
            .unwrap()
            .contains("a shell would fail here"));
    }
    let p = one(&format!(
        "{GRE}rotue add -net 10.9.0.0/16 dev gre1\nsudo /usr/sbin/ip link set gre1 mtu 1400\n"
    ));
    assert_eq!(p.tunnel.routes.len(), 1);
    assert_eq!(p.tunnel.mtu, Some(1400));
    assert_eq!(known_command("cp"), None);
    assert_eq!(known_command("id"), None);
    // One edit of the three: added, dropped, changed or two neighbours
    // swapped, counted in characters; two edits are another command.
    for (name, known) in [
        ("rotue", "route"),
        ("rout3", "route"),
        ("routes", "route"),
        ("ifconfg", "ifconfig"),
        ("ifcnofig", "ifconfig"),
        ("ipé", "ip"),
        ("ruote", "route"),
        ("pi", "ip"),
    ] {
        assert_eq!(known_command(name), Some((known, true)), "{name}");
    }
    for name in ["é", "rtoeu", "ifconfigure", "ipé2", "éé", "r", "iproute", "ro"] {
        assert_eq!(known_command(name), None, "{name}");
    }
}

#[test]
fn ignored_commands_are_notes_with_their_line() {
    let p = one(&format!("{GRE}ping -c1 192.0.2.2 || exit 1\nip addr show gre1\n"));
    let notes: Vec<usize> = p
        .warnings
        .iter()
        .filter(|d| d.severity == Severity::Note)
        .map(|d| d.location.as_ref().unwrap().line)
        .collect();
    assert_eq!(notes, [2, 2, 3]);
}

#[test]
fn commands_without_a_shell_are_interpreted_where_their_words_say() {
    // A reader with command lines but no shell (here ifupdown's `up`
    // hooks) splits the words itself and hands the commands over.
    let text = "iface gre1 inet manual\n  up ip tunnel add gre1 mode gre remote 192.0.2.2\n  up ip addr add 10.0.0.1/30 dev gre1\n";
    let src = Source::new("interfaces", None, text);
    let hook = |n: usize| {
        let line_start: usize = text.split_inclusive('\n').take(n - 1).map(str::len).sum();
        let line = text[line_start..].lines().next().unwrap();
        let mut offset = line_start + line.find("up ").unwrap() + 3;
        let mut words = Vec::new();
        for w in line.trim_start()["up ".len()..].split(' ') {
            words.push(Word::literal(w, offset));
            offset += w.len() + 1;
        }
        Cmd::new(words)
    };
    let mut b = Builder::new(&src, Vec::new());
    interpret(&mut b, &hook(2));
    interpret(&mut b, &hook(3));
    let mut parsed = dispatch::finish(b).unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(parsed.len(), 1);
    let p = parsed.remove(0);
    assert_eq!((p.tunnel.name.as_str(), p.tunnel.mode), ("gre1", Mode::Gre));
    assert_eq!(p.tunnel.remote, Some("192.0.2.2".parse().unwrap()));
    assert_eq!(p.tunnel.addresses[0].address.to_string(), "10.0.0.1/30");
    let at = |field: &str| {
        let l = p.origins.get(Some(field)).unwrap();
        (l.line, l.column, l.len)
    };
    assert_eq!(at("name"), (2, 20, 4));
    assert_eq!(at("remote"), (2, 34, 16));
    assert_eq!(at("addresses[0]"), (3, 6, 32));
    assert_eq!(p.origins.get(None).unwrap().line, 2);
}

proptest::proptest! {
    #[test]
    fn never_panics(s in "[ -~\\n\\\\'\"$(){};|&<>#\u{a0}é]{0,200}") {
        let _ = read_rc(&s);
        let _ = read(&Source::new("x", None, s.clone()), Dialect::Iproute2);
    }

    #[test]
    fn never_panics_on_command_like_input(
        cmds in proptest::collection::vec(
            proptest::sample::select(vec![
                "ip", "tunnel", "add", "link", "type", "gre", "ip6tnl", "addr", "route", "neigh", "dev", "gre1",
                "mode", "remote", "local", "key", "peer", "via", "lladdr", "192.0.2.1", "10.0.0.1/30", "$x",
                "x=1", "\\\n", "\\ \n", ";", "&&", "{", "}", "if", "fi", "ifconfig", "route", "-net", "netmask",
                "gw", "mtu", "1400", "del", "#", "\n", "\"", "'", "${a b}", "$(", "`", "2>&1", "<<E\n",
                "case", "\"${1:-start}\"", "$1", "in", "esac", ")", "(", ";;", ";&", "*)", "start)", "f()",
                "function", "f", "\"$@\"", "run", "do", "done", "then", "else",
            ]),
            0..40,
        )
    ) {
        let s = cmds.join(" ");
        let _ = read_rc(&s);
    }
}

/// The builder finds tunnels by name and by gateway through indexes, not
/// by scanning every tunnel; in tests each look-up also asserts that the
/// scan finds the same tunnel. Here the name and the addresses change
/// under the indexes: nmcli renames a profile and adds an address, `ip
/// addr change` widens one, a tunnel is deleted and created again, and
/// ifconfig gives it an address and a peer.
#[test]
fn lookups_follow_renames_new_addresses_and_deletions() {
    let text = "nmcli connection add type ip-tunnel con-name b ifname gre-b mode gre remote 203.0.113.10 \
                local 192.0.2.1 ipv4.method manual ipv6.method disabled ipv4.addresses 198.51.100.1/30\n\
                nmcli connection modify b connection.interface-name gre-c +ipv4.addresses 198.51.100.129/25\n\
                ip link set gre-b mtu 1300\n\
                ip link set gre-c mtu 1400\n\
                ip route add 203.0.113.0/28 via 198.51.100.2\n\
                ip route add 203.0.113.16/28 via 198.51.100.130\n\
                ip route add 203.0.113.64/28 via 198.51.100.100\n\
                ip addr change 198.51.100.129/24 dev gre-c\n\
                ip route add 203.0.113.80/28 via 198.51.100.100\n\
                ip tunnel add gre-d mode gre remote 203.0.113.20 local 192.0.2.1\n\
                ip tunnel del gre-d\n\
                ip tunnel add gre-d mode gre remote 203.0.113.21 local 192.0.2.1\n\
                ifconfig gre-d 192.0.2.65 netmask 255.255.255.192 pointopoint 192.0.2.129\n\
                ip route add 203.0.113.32/28 via 192.0.2.129\n\
                ip route add 203.0.113.48/28 via 192.0.2.70\n";
    let v = read_rc(text).unwrap_or_else(|f| panic!("{f}"));
    let summary: Vec<(String, Option<u32>, String, Vec<String>)> = v
        .iter()
        .map(|p| {
            let t = &p.tunnel;
            (
                t.name.clone(),
                t.mtu,
                t.remote.map(|r| r.to_string()).unwrap_or_default(),
                t.routes.iter().map(|r| r.destination.to_string()).collect(),
            )
        })
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        summary,
        [
            (
                s("gre-c"),
                Some(1400),
                s("203.0.113.10"),
                vec![s("203.0.113.0/28"), s("203.0.113.16/28"), s("203.0.113.80/28")]
            ),
            (
                s("gre-d"),
                None,
                s("203.0.113.21"),
                vec![s("203.0.113.32/28"), s("203.0.113.48/28")]
            ),
        ]
    );
    let said: Vec<String> = v[0].warnings.iter().map(|d| d.message.clone()).collect();
    assert!(
        said.iter()
            .any(|m| m == "gre-b is not a tunnel this script creates; ignored"),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|m| m.starts_with("the route to 203.0.113.64/28 via 198.51.100.100 does not belong")),
        "{said:?}"
    );
}

#[test]
fn calls_are_followed_within_a_budget_of_the_scripts_size() {
    // Functions that each call the one before twice: 2^30 commands if
    // followed. The budget stops them, and says so once.
    let mut text =
        String::from("ip tunnel add gre1 mode gre remote 192.0.2.1\nf0() { ip link set gre1 up; }\n");
    for i in 1..=30 {
        text.push_str(&format!("f{i}() {{ f{j}; f{j}; }}\n", j = i - 1));
    }
    text.push_str("f30\n");
    let budget = 1_000 + 2 * text.len();
    let p = one(&text);
    let stopped: Vec<_> = p
        .warnings
        .iter()
        .filter(|d| d.message.contains("follows no further call"))
        .collect();
    assert_eq!(stopped.len(), 1, "{:?}", p.warnings);
    assert!(
        stopped[0]
            .message
            .contains(&format!("has read {} commands", crate::digest::thousands(budget))),
        "{}",
        stopped[0].message
    );

    // A long script whose function is called at its end, after more
    // commands than the old fixed budget of 10,000: still followed.
    let mut text = String::new();
    for i in 0..6_000 {
        text.push_str(&format!(
            "ip tunnel add t{i} mode gre remote 192.0.2.1\nip link set t{i} up\n"
        ));
    }
    text.push_str("last() { ip tunnel add last mode gre remote 198.51.100.1; }\nlast\n");
    let v = read_rc(&text).unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(v.len(), 6_001);
    assert!(v.iter().any(|p| p.tunnel.name == "last"));
}

fn read_ip(text: &str) -> Result<Vec<Parsed>, Failure> {
    read(&Source::new("gre.ip", None, text), Dialect::Iproute2)
}

#[test]
fn commands_after_a_root_prompt_are_read_in_a_transcript() {
    let text = "# modprobe ip_gre\n\
                # ip tunnel add gre1 mode gre remote 198.51.100.1 local 192.0.2.1 ttl 255\n\
                # 隧道的地址\n\
                # ip addr add 10.0.0.1/30 dev gre1\n\
                # ip link set gre1 up\n\
                # ip tunnel show\n\
                gre1: gre/ip remote 198.51.100.1 local 192.0.2.1 ttl 255\n";
    let v = read_ip(text).unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(v.len(), 1);
    let t = &v[0].tunnel;
    assert_eq!(t.name, "gre1");
    assert_eq!(t.ttl, 255);
    assert_eq!(t.addresses.len(), 1);
    // Said once, at the first command, and the output is not a command.
    let notes: Vec<_> = v[0].warnings.iter().map(|d| d.message.as_str()).collect();
    let said: Vec<_> = notes.iter().filter(|m| m.contains("root prompt")).collect();
    assert_eq!(said.len(), 1, "{notes:?}");
    assert!(!notes.iter().any(|m| m.contains("gre1:")), "{notes:?}");
    let at = v[0]
        .warnings
        .iter()
        .find(|d| d.message.contains("root prompt"))
        .unwrap();
    let l = at.location.as_ref().unwrap();
    assert_eq!((l.line, l.column), (1, 3));

    // With one command written without a prompt, the `# ` lines are
    // comments, as a shell reads them.
    let v = read_ip(&format!("{text}ip link set gre2 up\n"));
    assert!(v.is_err(), "a commented-out tunnel was read");
    // And in an rc.local script they always are.
    assert!(read_rc(text).is_err());
}

#[test]
fn ifconfig_reads_a_hex_netmask_as_net_tools_does() {
    let p = one(
        "ip tunnel add gre1 mode gre remote 198.51.100.1 local 192.0.2.1\n\
         ifconfig gre1 10.0.0.1 pointopoint 10.0.0.2 netmask 0xffffffff\n",
    );
    let a = &p.tunnel.addresses[0];
    assert_eq!(a.address.to_string(), "10.0.0.1/32");
    assert_eq!(a.peer.map(|p| p.addr().to_string()).as_deref(), Some("10.0.0.2"));
}

#[test]
fn bridge_membership_is_a_warning_however_it_is_written() {
    for port in [
        "brctl addif br0 gt1",
        "ip link set gt1 master br0",
        "ip link set dev gt1 master br0 up",
    ] {
        let p = one(&format!(
            "ip link add gt1 type gretap remote 198.51.100.1 local 192.0.2.1\n{port}\n"
        ));
        let w = warnings(&p);
        assert!(
            w.iter().any(|m| m.contains("gt1 is made a port of br0")),
            "{port}: {w:?}"
        );
    }
    // brctl on another device is no tunnel's business.
    let p = one("ip link add gt1 type gretap remote 198.51.100.1 local 192.0.2.1\nbrctl addif br0 eth1\n");
    assert!(warnings(&p).is_empty(), "{:?}", warnings(&p));
}

#[test]
fn fou_encapsulation_is_one_error_naming_the_option() {
    let e = errors(
        "ip link add gre1 type gre remote 198.51.100.1 local 192.0.2.1 \
         encap fou encap-sport auto encap-dport 5555 encap-csum ttl 64\n",
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].1, 63);
    assert!(
        e[0].2
            .contains("`encap fou encap-sport auto encap-dport 5555 encap-csum`"),
        "{}",
        e[0].2
    );
    assert!(e[0].2.contains("FOU/GUE"), "{}", e[0].2);
    // `encap none` asks for nothing.
    let p = one("ip link add gre1 type gre remote 198.51.100.1 local 192.0.2.1 encap none ttl 64\n");
    assert_eq!(p.tunnel.ttl, 64);
}

#[test]
fn unknown_link_types_are_named_as_such() {
    let text = "ip tunnel add gre1 mode gre remote 198.51.100.1 local 192.0.2.1\n\
                ip link add t3 type eoip remote 198.51.100.1\n\
                ip link add t4 type nosuchtype\n\
                ip link add br0 type bridge\n";
    let p = one(text);
    let w = warnings(&p);
    assert!(
        w.iter()
            .any(|m| m.contains("`type eoip` is not a link type of Linux: EoIP is MikroTik's")),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|m| m.contains("`type nosuchtype` is not a link type of Linux")),
        "{w:?}"
    );
    // A bridge is a link type, only not a tunnel: a note, as before.
    assert!(!w.iter().any(|m| m.contains("bridge")), "{w:?}");
    let e = errors("ip tunnel add t2 mode eoip remote 198.51.100.1\n");
    assert!(e[0].2.contains("MikroTik"), "{e:?}");
}

#[test]
fn what_a_function_called_again_says_is_said_once() {
    // Each call runs the same commands: their notes and warnings are the
    // same, at the same place, and are said once. A warning about another
    // tunnel, or with other words, is another.
    let text = format!(
        "{GRE}ip tunnel add gre2 mode gre remote 192.0.2.3 local 192.0.2.1\n\
         f() {{ ping -c1 192.0.2.2; ip link set ntb up; ip link set \"$1\" down; }}\n\
         f gre1\nf gre1\nf gre2\n"
    );
    let v = read_rc(&text).unwrap_or_else(|f| panic!("{f}"));
    let all: Vec<String> = v
        .iter()
        .flat_map(|p| {
            p.warnings
                .iter()
                .map(|d| format!("{:?} {}", d.severity, d.message))
        })
        .collect();
    let count = |s: &str| all.iter().filter(|m| m.contains(s)).count();
    assert_eq!(count("`ping` does not configure a tunnel"), 1, "{all:#?}");
    assert_eq!(count("ntb is not a tunnel this script creates"), 1, "{all:#?}");
    // Said of gre1 once (called twice) and of gre2 once.
    assert_eq!(count("is set down here"), 2, "{all:#?}");
}
