//! NetworkManager checkpoints (`org.freedesktop.NetworkManager`'s
//! `CheckpointCreate`, `CheckpointRollback`, `CheckpointDestroy`), and
//! loading keyfiles from disk (`Settings.LoadConnections`): what `grecfg
//! migrate --activate` brings a migration up under, as nmstate does.

use std::collections::HashMap;

use zbus::zvariant::{ObjectPath, OwnedObjectPath};

use super::client::{NmError, IFACE_NM, NM_PATH};
use super::Nm;

const SETTINGS_PATH: &str = "/org/freedesktop/NetworkManager/Settings";
const IFACE_SETTINGS: &str = "org.freedesktop.NetworkManager.Settings";

/// `NM_CHECKPOINT_CREATE_FLAG_DELETE_NEW_CONNECTIONS`: a rollback deletes
/// the profiles added since (their files too).
pub const DELETE_NEW_CONNECTIONS: u32 = 0x2;
/// `NM_CHECKPOINT_CREATE_FLAG_DISCONNECT_NEW_DEVICES`: a rollback
/// disconnects the devices that appeared since.
pub const DISCONNECT_NEW_DEVICES: u32 = 0x4;

fn path(p: &str) -> ObjectPath<'_> {
    ObjectPath::try_from(p).expect("a valid object path")
}

impl Nm {
    /// A checkpoint of every device (an empty list), rolled back by
    /// NetworkManager after `timeout` seconds (0: never) unless destroyed.
    pub fn checkpoint_create(&self, timeout: u32, flags: u32) -> Result<OwnedObjectPath, NmError> {
        let devices: Vec<ObjectPath> = Vec::new();
        self.nm(NM_PATH, IFACE_NM)?
            .call("CheckpointCreate", &(devices, timeout, flags))
            .map_err(|e| NmError::from_zbus("creating a checkpoint", e))
    }

    /// Roll back to the checkpoint: each device's path and result (0 is
    /// success).
    pub fn checkpoint_rollback(&self, checkpoint: &str) -> Result<HashMap<String, u32>, NmError> {
        // NetworkManager answers `a{su}`, not the `a{ou}` of its documentation.
        let r: HashMap<String, u32> = self
            .nm(NM_PATH, IFACE_NM)?
            .call("CheckpointRollback", &(path(checkpoint),))
            .map_err(|e| NmError::from_zbus("rolling back to the checkpoint", e))?;
        Ok(r)
    }

    /// Keep what changed since the checkpoint: forget the checkpoint.
    pub fn checkpoint_destroy(&self, checkpoint: &str) -> Result<(), NmError> {
        self.nm(NM_PATH, IFACE_NM)?
            .call::<_, _, ()>("CheckpointDestroy", &(path(checkpoint),))
            .map_err(|e| NmError::from_zbus("destroying the checkpoint", e))
    }

    /// The checkpoints NetworkManager holds now.
    pub fn checkpoints(&self) -> Result<Vec<String>, NmError> {
        let all: Vec<OwnedObjectPath> = self.property(NM_PATH, IFACE_NM, "Checkpoints")?;
        Ok(all.into_iter().map(|p| p.to_string()).collect())
    }

    /// Load (or reload) keyfiles from NetworkManager's directories: the
    /// files it could not load.
    pub fn load_connections(&self, files: &[String]) -> Result<Vec<String>, NmError> {
        let (_, failed): (bool, Vec<String>) = self
            .nm(SETTINGS_PATH, IFACE_SETTINGS)?
            .call("LoadConnections", &(files,))
            .map_err(|e| NmError::from_zbus("loading the keyfiles", e))?;
        Ok(failed)
    }
}
