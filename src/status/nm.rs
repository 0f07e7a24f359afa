//! What NetworkManager has of a tunnel: its profile (by UUID, else a
//! tunnel profile for the interface) and whether that profile is active.

use std::collections::HashSet;

use crate::model::Tunnel;
use crate::nm::dbus::{Nm, NmError, Profile};

/// `NM_ACTIVE_CONNECTION_STATE_ACTIVATED`.
const ACTIVATED: u32 = 2;

/// One reading of NetworkManager's profiles and active connections.
pub struct View {
    nm: Nm,
    profiles: Vec<Profile>,
    active: HashSet<String>,
}

/// A tunnel's profile as NetworkManager has it.
pub struct Found {
    pub id: String,
    pub uuid: String,
    pub active: bool,
}

impl View {
    pub fn read() -> Result<View, NmError> {
        let nm = Nm::connect()?;
        let profiles = nm.profiles()?;
        let active = nm
            .active_connections()?
            .into_iter()
            .filter(|a| a.state == ACTIVATED)
            .map(|a| a.connection.to_string())
            .collect();
        Ok(View { nm, profiles, active })
    }

    fn is_tunnel(p: &Profile) -> bool {
        p.string("connection", "type").as_deref() == Some("ip-tunnel")
    }

    /// The profile of `t`: the one with its UUID, else the tunnel profile
    /// of its interface (the active one first).
    pub fn profile(&self, t: &Tunnel) -> Option<Found> {
        let uuid = t.uuid.map(|u| u.to_string());
        let by_uuid = self.profiles.iter().find(|p| Some(p.uuid()) == uuid);
        let mut by_name = self.profiles.iter().filter(|p| {
            View::is_tunnel(p) && p.string("connection", "interface-name").as_deref() == Some(t.name.as_str())
        });
        let p = by_uuid.or_else(|| {
            let all: Vec<&Profile> = by_name.by_ref().collect();
            all.iter()
                .find(|p| self.active.contains(p.path.as_str()))
                .or(all.first())
                .copied()
        })?;
        Some(Found {
            id: p.id(),
            uuid: p.uuid(),
            active: self.active.contains(p.path.as_str()),
        })
    }

    /// The files of every tunnel profile NetworkManager has on disk, and
    /// the ids of those it has in memory only.
    pub fn tunnel_files(&self) -> Result<(Vec<String>, Vec<String>), NmError> {
        let (mut files, mut memory) = (Vec::new(), Vec::new());
        for p in self.profiles.iter().filter(|p| View::is_tunnel(p)) {
            match self.nm.filename(&p.path)? {
                f if f.is_empty() => memory.push(p.id()),
                f => files.push(f),
            }
        }
        files.sort();
        Ok((files, memory))
    }
}
