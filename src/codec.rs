//! The vocabulary readers and writers share: what a reader takes and
//! gives, what a writer takes and gives. A leaf: it depends on the model
//! and on diagnostics only, so that the registry, the formats and the
//! commands can all use it without importing each other.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use uuid::Uuid;

use crate::diag::{Diagnostic, Origins, Problem, Source};
use crate::model::Tunnel;

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
    /// The directory's file names, sorted, when it was listed already: a
    /// companion not among them is not there, without asking the
    /// filesystem (three lookups a tunnel in a directory scan).
    pub listed: Option<std::sync::Arc<[Box<std::ffi::OsStr>]>>,
}

impl DirCompanions {
    pub fn new(dir: impl Into<PathBuf>) -> DirCompanions {
        DirCompanions {
            dir: dir.into(),
            listed: None,
        }
    }
}

/// The most grecfg reads of one input: no tunnel configuration comes near
/// it, and every reader stays linear below it; a larger input (or one that
/// never ends, `/dev/zero`) is refused rather than read.
pub const MAX_INPUT: u64 = 64 << 20;

/// Read all of `r`, up to [`MAX_INPUT`] bytes: None when there is more.
pub(crate) fn read_capped(r: impl std::io::Read) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    r.take(MAX_INPUT + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_INPUT).then_some(bytes))
}

/// The error for an input over [`MAX_INPUT`].
pub(crate) fn too_big(name: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "{} is larger than {} MiB, the most grecfg reads of one input",
        crate::diag::shown(name),
        MAX_INPUT >> 20
    ))
    .hint("no tunnel configuration is that large: check that this is the file meant")
}

/// [`read_capped`] of the file at `path`: the outer error when it cannot
/// be read, the inner one ([`too_big`]) when it is too large.
pub(crate) fn read_file_capped(path: &std::path::Path) -> std::io::Result<Result<Vec<u8>, Diagnostic>> {
    use std::io::Read;
    let f = std::fs::File::open(path)?;
    // Room for the whole file and one byte more: two reads (the file, then
    // the end) instead of the growing reads of an empty buffer. The size
    // is a hint (files of /proc say 0); the cap holds whatever it says.
    let size = f.metadata().map_or(0, |m| m.len()).min(MAX_INPUT);
    let mut bytes = Vec::with_capacity(size as usize + 1);
    f.take(MAX_INPUT + 1).read_to_end(&mut bytes)?;
    Ok(if bytes.len() as u64 <= MAX_INPUT {
        Ok(bytes)
    } else {
        Err(too_big(&path.display().to_string()))
    })
}

impl Companions for DirCompanions {
    fn open(&self, file_name: &str) -> Result<Option<Source>, Diagnostic> {
        if let Some(names) = &self.listed {
            let name = std::ffi::OsStr::new(file_name);
            if names.binary_search_by(|n| (**n).cmp(name)).is_err() {
                return Ok(None);
            }
        }
        let path = self.dir.join(file_name);
        match read_file_capped(&path) {
            Ok(Err(d)) => Err(d),
            Ok(Ok(bytes)) => {
                let text = String::from_utf8(bytes)
                    .map_err(|_| Diagnostic::error(format!("{}: not valid UTF-8", path.display())))?;
                let src = Source::new(path.display().to_string(), Some(path), text);
                // Companions are ifcfg's `keys-`, `route-` and `route6-` files.
                if let Some(d) = crate::diag::byte_order_mark(
                    &src,
                    "initscripts and NetworkManager's ifcfg-rh reader take as part of the first line, so they misread it",
                ) {
                    return Err(d);
                }
                Ok(Some(src))
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

/// What a reader needs besides the text: where the input's companion
/// files are, and the root every path is under.
pub struct ReadContext<'a> {
    pub companions: &'a dyn Companions,
    pub root: &'a Root,
}

impl<'a> ReadContext<'a> {
    /// The context of a text with these companions, under `/`.
    pub fn new(companions: &'a dyn Companions) -> ReadContext<'a> {
        ReadContext {
            companions,
            root: &Root::SYSTEM,
        }
    }

    /// The context of a text with no companions, under `/`.
    pub fn alone() -> ReadContext<'static> {
        ReadContext {
            companions: &NoCompanions,
            root: &Root::SYSTEM,
        }
    }
}

/// The tree every read and write goes through: `/` on a running machine,
/// any directory in tests and for offline work on a machine's image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root(Option<PathBuf>);

impl Root {
    /// The running machine: paths are taken as the user gave them.
    pub const SYSTEM: Root = Root(None);

    /// The tree under `dir`; `/` is the running machine.
    pub fn new(dir: impl Into<PathBuf>) -> Root {
        let dir = dir.into();
        if dir == Path::new("/") {
            Root::SYSTEM
        } else {
            Root(Some(dir))
        }
    }

    pub fn is_system(&self) -> bool {
        self.0.is_none()
    }

    /// Where `path` is: under the root for a tree, whether `path` is
    /// absolute (`/etc/...`) or relative to the root (`etc/...`); as given
    /// on the running machine.
    pub fn path(&self, path: &Path) -> PathBuf {
        match &self.0 {
            None => path.to_path_buf(),
            Some(dir) => dir.join(path.strip_prefix("/").unwrap_or(path)),
        }
    }
}

/// What a writer needs besides the tunnel.
pub type WriteOptions = WriteContext;

/// What a writer needs besides the tunnel.
#[derive(Debug, Clone, Default)]
pub struct WriteContext {
    pub uuid: UuidPolicy,
    /// The input file, for the legacy UUID rule.
    pub source_path: Option<PathBuf>,
    /// Templates that replace the shipped ones, by file name.
    pub template_dir: Option<PathBuf>,
    /// Options of the firewall, forwarding and keepalive targets.
    pub extras: ExtrasOptions,
}

impl WriteContext {
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

/// Options of the extra targets (`render --masquerade`, `--keepalive-*`);
/// the command line's spelling of them is `cli::ExtrasArgs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtrasOptions {
    /// Masquerade the tunnel's inner networks leaving through this
    /// interface, and admit forwarding between it and the tunnel.
    pub masquerade: Option<String>,
    /// Seconds between two pings of the peer.
    pub keepalive_interval: u32,
    /// Unanswered pings in a row that mark the tunnel down.
    pub keepalive_misses: u32,
    /// The inner address to ping, when not the tunnel's peer.
    pub keepalive_peer: Option<IpAddr>,
}

impl Default for ExtrasOptions {
    fn default() -> ExtrasOptions {
        ExtrasOptions {
            masquerade: None,
            keepalive_interval: 5,
            keepalive_misses: 3,
            keepalive_peer: None,
        }
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
}
