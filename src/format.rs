//! The closed set of formats and the two dispatch matches (read, write).
//! Adding a format touches one file in `formats/`, one arm in each match
//! here and one entry in `Format`'s metadata.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use uuid::Uuid;

use crate::diag::{Diagnostic, Failure, Origins, Problem, Source};
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
        if formats::script::starts_with_nmcli(text) {
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

/// A tunnel as a reader produced it, with where each field came from and
/// what the reader had to say about the input.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub tunnel: Tunnel,
    pub origins: Origins,
    pub warnings: Vec<Diagnostic>,
}

/// Access to files that accompany an input (`route-NAME` next to
/// `ifcfg-NAME`).
pub trait Companions {
    /// The companion called `file_name`, or `None` if there is none.
    fn open(&self, file_name: &str) -> Result<Option<Source>, Diagnostic>;
}

/// No companions: standard input, or a format without them.
pub struct NoCompanions;

impl Companions for NoCompanions {
    fn open(&self, _: &str) -> Result<Option<Source>, Diagnostic> {
        Ok(None)
    }
}

/// Companions in the directory of the input file.
pub struct DirCompanions {
    pub dir: PathBuf,
}

impl Companions for DirCompanions {
    fn open(&self, file_name: &str) -> Result<Option<Source>, Diagnostic> {
        let path = self.dir.join(file_name);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes)
                    .map_err(|_| Diagnostic::error(format!("{}: not valid UTF-8", path.display())))?;
                Ok(Some(Source::new(path.display().to_string(), Some(path), text)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Diagnostic::error(format!("cannot read {}: {e}", path.display()))),
        }
    }
}

/// How the NetworkManager UUID of a profile without one is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum UuidPolicy {
    /// Derived from the interface name (UUIDv5): the same input always
    /// gives the same file
    #[default]
    Stable,
    /// NetworkManager's ifcfg-rh rule: the MD5 of the input file's absolute path
    Legacy,
    /// A new random UUID on every run
    Random,
}

/// Namespace of grecfg's stable UUIDs (UUIDv5 of `ip-tunnel/<interface>`).
pub const UUID_NAMESPACE: Uuid = Uuid::from_u128(0x6a2f_5a0e_1d3c_4b57_9e8f_2c41_d7b0_93a5);

/// What a writer needs besides the tunnel.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    pub uuid: UuidPolicy,
    /// The input file, for the legacy UUID rule.
    pub source_path: Option<PathBuf>,
    /// Templates that replace the shipped ones, by file name.
    pub template_dir: Option<PathBuf>,
    /// Options of the firewall, forwarding and keepalive targets.
    pub extras: crate::extras::ExtrasOptions,
}

impl WriteOptions {
    /// The UUID a profile gets when the input names none.
    pub fn make_uuid(&self, t: &Tunnel) -> Uuid {
        match self.uuid {
            UuidPolicy::Stable => Uuid::new_v5(&UUID_NAMESPACE, format!("ip-tunnel/{}", t.name).as_bytes()),
            UuidPolicy::Random => Uuid::new_v4(),
            UuidPolicy::Legacy => match &self.source_path {
                Some(p) => legacy_uuid(&std::path::absolute(p).unwrap_or_else(|_| p.clone())),
                None => Uuid::new_v5(&UUID_NAMESPACE, format!("ip-tunnel/{}", t.name).as_bytes()),
            },
        }
    }
}

/// NetworkManager's ifcfg-rh UUID for a file: the MD5 of its full path,
/// formatted 8-4-4-4-12 (no version bits are set).
pub fn legacy_uuid(path: &Path) -> Uuid {
    use md5::{Digest, Md5};
    let digest = Md5::digest(path.as_os_str().as_encoded_bytes());
    Uuid::from_bytes(digest.into())
}

/// One file a writer produces, named relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub name: String,
    pub contents: String,
    /// Unix permission bits.
    pub mode: u32,
}

/// What a writer produced, and what it could not carry over exactly.
#[derive(Debug, Clone)]
pub struct Written {
    /// The tunnel as the format holds it (after `lower`).
    pub tunnel: Tunnel,
    pub files: Vec<OutputFile>,
    /// Losses and reinterpretations, each naming the model field.
    pub warnings: Vec<Problem>,
}

/// Read every tunnel an input holds.
pub fn read(format: Format, src: &Source, companions: &dyn Companions) -> Result<Vec<Parsed>, Failure> {
    match format {
        Format::Ifcfg => formats::ifcfg::read(src, companions).map(|p| vec![p]),
        Format::Keyfile => formats::keyfile::read(src).map(|p| vec![p]),
        Format::Model => formats::model::read(src),
        Format::Iproute2 => formats::script::read(src, formats::script::Dialect::Iproute2),
        Format::RcLocal => formats::script::read(src, formats::script::Dialect::RcLocal),
        Format::Nmcli => formats::script::read(src, formats::script::Dialect::Iproute2),
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
    fn legacy_uuid_is_networkmanagers_md5_of_the_path() {
        // The value NetworkManager's ifcfg-rh plugin gives this file.
        let u = legacy_uuid(Path::new("/etc/sysconfig/network-scripts/ifcfg-gre1"));
        assert_eq!(u.to_string(), "1062acd9-de83-890a-d08a-282d52f34921");
    }

    #[test]
    fn stable_uuid_depends_on_the_interface_name_only() {
        let opts = WriteOptions::default();
        let a = Tunnel::new("gre1", crate::model::Mode::Gre);
        let mut b = a.clone();
        b.ttl = 9;
        assert_eq!(opts.make_uuid(&a), opts.make_uuid(&b));
        assert_eq!(
            opts.make_uuid(&a).to_string(),
            "ea43bb59-70bb-5c36-b311-86c77d923045"
        );
        assert_ne!(
            opts.make_uuid(&a),
            opts.make_uuid(&Tunnel::new("gre2", crate::model::Mode::Gre))
        );
    }

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
