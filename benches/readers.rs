//! The readers on inputs of a few sizes, in memory (no filesystem):
//!
//! - `ifcfg`: N `ifcfg-NAME` texts, a third with a `route-NAME` companion;
//! - `keyfile`: the N keyfiles grecfg writes for them;
//! - `rc.local`: one script bringing the N tunnels up with `ip`;
//! - `nmcli`: one file of the N `nmcli connection add` commands grecfg
//!   writes for them.
//!
//! Each reports tunnels read per second, so that a reader whose cost grows
//! faster than its input shows as a falling rate. The whole-program figures
//! (files, durability, other tools) are bench/run's.
//!
//!     cargo bench --bench readers
//!     cargo bench --bench readers -- --quick      # a rough pass

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use grecfg::diag::{Diagnostic, Source};
use grecfg::format::{self, Companions, Format, ReadContext, WriteOptions};

const SIZES: [usize; 3] = [1, 100, 1000];

/// Companion files held in memory.
struct MapCompanions(BTreeMap<String, String>);

impl Companions for MapCompanions {
    fn open(&self, file_name: &str) -> Result<Option<Source>, Diagnostic> {
        Ok(self
            .0
            .get(file_name)
            .map(|t| Source::new(file_name, None, t.clone())))
    }
}

fn v4(n: u32) -> std::net::Ipv4Addr {
    std::net::Ipv4Addr::from(n)
}

/// Tunnel `i` as an ifcfg file and, on some, its `route-NAME`: varied as
/// bench/gen varies them (keys, ttl, mtu, a peer, routes).
fn ifcfg(i: u32) -> (String, String, Option<String>) {
    let name = format!("gre-{i}");
    let base = u32::from(std::net::Ipv4Addr::new(10, 0, 0, 0)) + 4 * i;
    let r = i / 254;
    let remote = if r < 254 {
        format!("198.51.100.{}", 1 + r)
    } else {
        format!("203.0.113.{}", 1 + r - 254)
    };
    let mut text = format!(
        "DEVICE={name}\nTYPE=GRE\nBOOTPROTO=none\nONBOOT=yes\nMY_OUTER_IPADDR=192.0.2.{}\n\
         PEER_OUTER_IPADDR={remote}\nMY_INNER_IPADDR={}/30\n",
        1 + i % 254,
        v4(base + 1)
    );
    if i % 3 == 1 {
        text += &format!("PEER_INNER_IPADDR={}\n", v4(base + 2));
    }
    match i % 5 {
        1 => text += &format!("KEY={}\n", 1000 + i),
        3 => text += &format!("IKEY={}\nOKEY={}\n", 2 * i + 1, 2 * i + 2),
        _ => {}
    }
    if i % 4 == 2 {
        text += "TTL=64\n";
    }
    if i % 7 == 0 {
        text += &format!("MTU={}\n", 1400 + i % 77);
    }
    let route = (i % 3 == 2).then(|| {
        let dest = v4(u32::from(std::net::Ipv4Addr::new(100, 64, 0, 0)) + 16 * i);
        format!("{dest}/28 via {} dev {name} metric 100\n", v4(base + 2))
    });
    (name, text, route)
}

struct Inputs {
    ifcfg: Vec<(Source, MapCompanions)>,
    keyfiles: Vec<Source>,
    rclocal: Source,
    nmcli: Source,
}

/// The N tunnels in every input shape; keyfiles and nmcli commands are
/// what grecfg writes for the ifcfg files.
fn inputs(n: usize) -> Inputs {
    let mut ifcfg_in = Vec::new();
    let mut keyfiles = Vec::new();
    let mut script = String::from("#!/bin/sh\nmodprobe ip_gre\n");
    let mut nmcli = String::new();
    let opts = WriteOptions::default();
    for i in 0..n as u32 {
        let (name, text, route) = ifcfg(i);
        let mut companions = BTreeMap::new();
        if let Some(r) = &route {
            companions.insert(format!("route-{name}"), r.clone());
        }
        let src = Source::new(format!("ifcfg-{name}"), None, text);
        let companions = MapCompanions(companions);
        let parsed = format::read(Format::Ifcfg, &src, &ReadContext::new(&companions))
            .unwrap_or_else(|f| panic!("{f}"));
        let t = &parsed[0].tunnel;
        for (format, out) in [
            (Format::Keyfile, &mut None),
            (Format::Nmcli, &mut Some(&mut nmcli)),
        ] {
            let written = format::write(format, t, &opts).unwrap_or_else(|p| panic!("{p:?}"));
            let file = &written.files[0];
            match out {
                Some(s) => s.push_str(&file.contents),
                None => keyfiles.push(Source::new(file.name.clone(), None, file.contents.clone())),
            }
        }
        let (local, remote) = (t.local.expect("local"), t.remote.expect("remote"));
        script += &format!("ip tunnel add {name} mode gre local {local} remote {remote}");
        if let (Some(ik), Some(ok)) = (t.input_key, t.output_key) {
            script += &format!(" ikey {ik} okey {ok}");
        }
        if t.ttl != 0 {
            script += &format!(" ttl {}", t.ttl);
        }
        script += "\n";
        if let Some(mtu) = t.mtu {
            script += &format!("ip link set dev {name} mtu {mtu}\n");
        }
        for a in &t.addresses {
            match a.peer {
                Some(p) => script += &format!("ip addr add {} peer {p} dev {name}\n", a.address.addr()),
                None => script += &format!("ip addr add {} dev {name}\n", a.address),
            }
        }
        script += &format!("ip link set {name} up\n");
        for r in &t.routes {
            if let Some(gw) = r.gateway {
                script += &format!("ip route add {} via {gw} dev {name}\n", r.destination);
            }
        }
        ifcfg_in.push((src, companions));
    }
    Inputs {
        ifcfg: ifcfg_in,
        keyfiles,
        rclocal: Source::new("rc.local", None, script),
        nmcli: Source::new("tunnels.nmcli", None, nmcli),
    }
}

fn count(format: Format, src: &Source, cx: &ReadContext) -> usize {
    format::read(format, src, cx)
        .unwrap_or_else(|f| panic!("{f}"))
        .len()
}

fn readers(c: &mut Criterion) {
    let all: Vec<(usize, Inputs)> = SIZES.iter().map(|&n| (n, inputs(n))).collect();
    let alone = ReadContext::alone();

    let mut g = c.benchmark_group("ifcfg");
    for (n, inp) in &all {
        g.throughput(Throughput::Elements(*n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), inp, |b, inp| {
            b.iter(|| {
                inp.ifcfg
                    .iter()
                    .map(|(src, comp)| count(Format::Ifcfg, black_box(src), &ReadContext::new(comp)))
                    .sum::<usize>()
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("keyfile");
    for (n, inp) in &all {
        g.throughput(Throughput::Elements(*n as u64));
        g.bench_with_input(BenchmarkId::from_parameter(n), inp, |b, inp| {
            b.iter(|| {
                inp.keyfiles
                    .iter()
                    .map(|src| count(Format::Keyfile, black_box(src), &alone))
                    .sum::<usize>()
            })
        });
    }
    g.finish();

    for (group, format, pick) in [
        (
            "rc.local",
            Format::RcLocal,
            (|i: &Inputs| &i.rclocal) as fn(&Inputs) -> &Source,
        ),
        ("nmcli", Format::Nmcli, |i: &Inputs| &i.nmcli),
    ] {
        let mut g = c.benchmark_group(group);
        for (n, inp) in &all {
            let src = pick(inp);
            assert_eq!(count(format, src, &alone), *n, "{group} reads every tunnel");
            g.throughput(Throughput::Elements(*n as u64));
            g.bench_with_input(BenchmarkId::from_parameter(n), src, |b, src| {
                b.iter(|| count(format, black_box(src), &alone))
            });
        }
        g.finish();
    }
}

criterion_group!(benches, readers);
criterion_main!(benches);
