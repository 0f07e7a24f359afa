//! The closed set of formats and the two dispatch matches (read, write).
//! Adding a format touches one file in `formats/`, one arm in each match
//! here and one entry in `Format`'s metadata.

use std::path::Path;

use clap::ValueEnum;

pub use crate::codec::{
    legacy_uuid, Companions, DirCompanions, NoCompanions, OutputFile, Parsed, UuidPolicy, WriteOptions,
    Written, UUID_NAMESPACE,
};
use crate::diag::{Diagnostic, Failure, Problem, Source};
use crate::formats;
use crate::model::Tunnel;
use crate::render;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
pub enum Format {
    /// RHEL/Fedora initscripts `ifcfg-NAME` (with `route-NAME`, `route6-NAME`, `keys-NAME`)
    Ifcfg,
    /// NetworkManager keyfile `NAME.nmconnection` (alias: keyfile)
    #[value(name = "nm", alias = "keyfile")]
    Keyfile,
    /// grecfg's tunnel model as JSON (the debugging view)
    Model,
    /// iproute2 command lines (`NAME.ip`), as typed at a prompt
    Iproute2,
    /// A shell script (`rc.local-NAME`); written as a `start|stop` script
    #[value(name = "rc.local")]
    RcLocal,
    /// A oneshot systemd service (written only)
    Systemd,
    /// `nmcli connection add|modify` command lines (`NAME.nmcli`), mixed with iproute2 ones
    Nmcli,
    /// firewalld rules admitting the tunnel from its peer: a `firewall-cmd` script (written only)
    Firewalld,
    /// nftables rules in a table of the tunnel's own: an `nft -f` file (written only)
    Nftables,
    /// iptables rules admitting the tunnel from its peer: a script (written only)
    Iptables,
    /// A sysctl.d file turning forwarding on (written only)
    Sysctl,
    /// A keepalive: probe script, systemd service and timer (written only)
    Keepalive,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Ifcfg => "ifcfg",
            Format::Keyfile => "nm",
            Format::Model => "model",
            Format::Iproute2 => "iproute2",
            Format::RcLocal => "rc.local",
            Format::Systemd => "systemd",
            Format::Nmcli => "nmcli",
            Format::Firewalld => "firewalld",
            Format::Nftables => "nftables",
            Format::Iptables => "iptables",
            Format::Sysctl => "sysctl",
            Format::Keepalive => "keepalive",
        }
    }

    /// Whether grecfg reads this format (every format is written).
    pub fn readable(self) -> bool {
        self != Format::Systemd && self.extras_kind().is_none()
    }

    /// The extra target (firewall, forwarding, keepalive) of a format.
    pub fn extras_kind(self) -> Option<crate::extras::Kind> {
        use crate::extras::Kind;
        match self {
            Format::Firewalld => Some(Kind::Firewalld),
            Format::Nftables => Some(Kind::Nftables),
            Format::Iptables => Some(Kind::Iptables),
            Format::Sysctl => Some(Kind::Sysctl),
            Format::Keepalive => Some(Kind::Keepalive),
            _ => None,
        }
    }

    /// The template target of a script format.
    pub fn render_target(self) -> Option<render::Target> {
        match self {
            Format::Iproute2 => Some(render::Target::Iproute2),
            Format::RcLocal => Some(render::Target::RcLocal),
            Format::Systemd => Some(render::Target::Systemd),
            _ => None,
        }
    }

    /// Guess the format of an input from its file name, then its content.
    pub fn detect(name: Option<&str>, text: &str) -> Option<Format> {
        if let Some(name) = name {
            let base = Path::new(name)
                .file_name()
                .and_then(|s| s.to_str())
                .unwrap_or(name);
            if base.starts_with("ifcfg-") {
                return Some(Format::Ifcfg);
            }
            if base.ends_with(".nmconnection") {
                return Some(Format::Keyfile);
            }
            if base.ends_with(".json") {
                return Some(Format::Model);
            }
            if base == "rc.local" || base.starts_with("rc.local-") || base.ends_with(".sh") {
                return Some(Format::RcLocal);
            }
            if base.ends_with(".ip") {
                return Some(Format::Iproute2);
            }
            if base.ends_with(".nmcli") {
                return Some(Format::Nmcli);
            }
        }
        if text.starts_with("#!") {
            return Some(Format::RcLocal);
        }
        let first = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'))?;
        if crate::script::starts_with_nmcli(text) {
            Some(Format::Nmcli)
        } else if first.starts_with('{') {
            Some(Format::Model)
        } else if first.starts_with("ip ") || first.starts_with("[root@") {
            Some(Format::Iproute2)
        } else if first.starts_with('[') {
            Some(Format::Keyfile)
        } else if text.lines().any(|l| {
            let l = l.trim_start();
            let l = l.strip_prefix("export ").unwrap_or(l);
            ["TYPE=", "DEVICE=", "PEER_OUTER_IPADDR=", "MY_INNER_IPADDR="]
                .iter()
                .any(|k| l.starts_with(k))
        }) {
            Some(Format::Ifcfg)
        } else {
            None
        }
    }
}

/// Read every tunnel an input holds.
pub fn read(format: Format, src: &Source, companions: &dyn Companions) -> Result<Vec<Parsed>, Failure> {
    match format {
        Format::Ifcfg => formats::ifcfg::read(src, companions).map(|p| vec![p]),
        Format::Keyfile => formats::keyfile::read(src).map(|p| vec![p]),
        Format::Model => formats::model::read(src),
        Format::Iproute2 => crate::script::read(src, crate::script::Dialect::Iproute2),
        Format::RcLocal => crate::script::read(src, crate::script::Dialect::RcLocal),
        Format::Nmcli => crate::script::read(src, crate::script::Dialect::Iproute2),
        Format::Systemd => Err(Failure::one(
            Diagnostic::error("grecfg writes systemd units but does not read them")
                .at(src.whole())
                .hint("convert the script or profile the unit was made from"),
        )),
        Format::Firewalld | Format::Nftables | Format::Iptables | Format::Sysctl | Format::Keepalive => {
            Err(Failure::one(
                Diagnostic::error(format!(
                    "grecfg writes {} output but does not read it",
                    format.name()
                ))
                .at(src.whole())
                .hint("convert the tunnel's own configuration instead"),
            ))
        }
    }
}

/// Write one validated tunnel. Errors name what the format cannot express
/// at all; warnings name what it expresses only approximately.
pub fn write(format: Format, t: &Tunnel, opts: &WriteOptions) -> Result<Written, Vec<Problem>> {
    let (lowered, warnings) = lower(format, t, opts)?;
    let files = match format {
        Format::Ifcfg => formats::ifcfg::encode(&lowered),
        Format::Keyfile => formats::keyfile::encode(&lowered),
        Format::Model => formats::model::encode(&lowered),
        Format::Nmcli => crate::nm::nmcli::encode(&lowered),
        Format::Iproute2 | Format::RcLocal | Format::Systemd => {
            let target = format.render_target().expect("a script format");
            let render_fail = |e: render::RenderError| vec![Problem::general(e.to_string())];
            let env = render::environment(opts.template_dir.as_deref()).map_err(render_fail)?;
            render::render(target, std::slice::from_ref(&lowered), &env).map_err(render_fail)?
        }
        Format::Firewalld | Format::Nftables | Format::Iptables | Format::Sysctl | Format::Keepalive => {
            let kind = format.extras_kind().expect("an extra target");
            let env = crate::extras::environment(opts.template_dir.as_deref())
                .map_err(|e| vec![Problem::general(e.to_string())])?;
            crate::extras::render(kind, std::slice::from_ref(&lowered), &opts.extras, &env)?
        }
    };
    Ok(Written {
        tunnel: lowered,
        files,
        warnings,
    })
}

/// Map a tunnel onto what `format` can express: the result encodes and
/// reads back unchanged.
pub fn lower(
    format: Format,
    t: &Tunnel,
    opts: &WriteOptions,
) -> Result<(Tunnel, Vec<Problem>), Vec<Problem>> {
    match format {
        Format::Ifcfg => formats::ifcfg::lower(t),
        Format::Keyfile => formats::keyfile::lower(t, opts),
        Format::Model => Ok((t.clone(), Vec::new())),
        Format::Nmcli => crate::nm::nmcli::lower(t, opts),
        // Rules and probes use the model as it is; nothing is dropped.
        Format::Firewalld | Format::Nftables | Format::Iptables | Format::Sysctl | Format::Keepalive => {
            Ok((t.clone(), Vec::new()))
        }
        Format::Iproute2 | Format::RcLocal | Format::Systemd => formats::iproute2::lower(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats_by_name_then_content() {
        assert_eq!(Format::detect(Some("/x/ifcfg-gre1"), ""), Some(Format::Ifcfg));
        assert_eq!(Format::detect(Some("a.nmconnection"), ""), Some(Format::Keyfile));
        assert_eq!(
            Format::detect(None, "# c\n[connection]\nid=x\n"),
            Some(Format::Keyfile)
        );
        assert_eq!(Format::detect(None, "  {\"name\":\"x\"}"), Some(Format::Model));
        assert_eq!(
            Format::detect(None, "DEVICE=gre1\nTYPE=GRE\n"),
            Some(Format::Ifcfg)
        );
        assert_eq!(Format::detect(None, "hello\n"), None);
        assert_eq!(Format::detect(Some("t.nmcli"), ""), Some(Format::Nmcli));
        assert_eq!(
            Format::detect(
                None,
                "# c\n[root@a ~]# nmcli c a type ip-tunnel\nip route add 10.0.0.0/8 dev t\n"
            ),
            Some(Format::Nmcli)
        );
        assert_eq!(
            Format::detect(None, "ip link set x up\nnmcli c up x\n"),
            Some(Format::Iproute2)
        );
    }
}
