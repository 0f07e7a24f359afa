//! The blocking zbus client for the calls `grecfg activate`, `deactivate`
//! and `delete` make.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

use super::encode::Dict;
use super::states::{active_reason_text, active_state_text, device_reason_text, device_state_text};

pub(crate) const NM_BUS_NAME: &str = "org.freedesktop.NetworkManager";
const NM_PATH: &str = "/org/freedesktop/NetworkManager";
const SETTINGS_PATH: &str = "/org/freedesktop/NetworkManager/Settings";
const IFACE_NM: &str = "org.freedesktop.NetworkManager";
const IFACE_SETTINGS: &str = "org.freedesktop.NetworkManager.Settings";
const IFACE_CONNECTION: &str = "org.freedesktop.NetworkManager.Settings.Connection";
const IFACE_ACTIVE: &str = "org.freedesktop.NetworkManager.Connection.Active";
const IFACE_DEVICE: &str = "org.freedesktop.NetworkManager.Device";
const IFACE_IP4: &str = "org.freedesktop.NetworkManager.IP4Config";
const IFACE_IP6: &str = "org.freedesktop.NetworkManager.IP6Config";

/// `NMSettingsAddConnection2Flags` / `NMSettingsUpdate2Flags`.
pub(crate) const FLAG_TO_DISK: u32 = 0x1;
pub(crate) const FLAG_IN_MEMORY: u32 = 0x2;
pub(crate) const FLAG_BLOCK_AUTOCONNECT: u32 = 0x20;

/// What went wrong talking to NetworkManager; decides the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// No system bus to connect to.
    NoBus,
    /// The bus is there, NetworkManager is not on it.
    NotRunning,
    /// NetworkManager (or the bus) refused the caller.
    NotAuthorized,
    /// NetworkManager refused the request or the activation failed.
    Failed,
}

#[derive(Debug, Clone)]
pub struct NmError {
    pub kind: ErrorKind,
    pub message: String,
    /// The D-Bus error name, when the error came as a D-Bus error.
    pub name: Option<String>,
}

impl std::fmt::Display for NmError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl NmError {
    pub(crate) fn failed(message: impl Into<String>) -> NmError {
        NmError {
            kind: ErrorKind::Failed,
            message: message.into(),
            name: None,
        }
    }

    fn from_zbus(what: &str, e: zbus::Error) -> NmError {
        if let zbus::Error::MethodError(name, text, _) = &e {
            let name = name.as_str().to_string();
            let text = text.clone().unwrap_or_default();
            let kind = classify(&name);
            let message = match kind {
                ErrorKind::NotRunning => {
                    "NetworkManager is not running (it is not on the system bus)".to_string()
                }
                ErrorKind::NotAuthorized => format!("{what}: not authorised: {text}"),
                _ => format!("{what}: {text}"),
            };
            return NmError {
                kind,
                message,
                name: Some(name),
            };
        }
        NmError::failed(format!("{what}: {e}"))
    }
}

fn classify(name: &str) -> ErrorKind {
    match name {
        "org.freedesktop.DBus.Error.ServiceUnknown" | "org.freedesktop.DBus.Error.NameHasNoOwner" => {
            ErrorKind::NotRunning
        }
        "org.freedesktop.DBus.Error.AccessDenied"
        | "org.freedesktop.DBus.Error.InteractiveAuthorizationRequired" => ErrorKind::NotAuthorized,
        n if n.ends_with(".PermissionDenied") => ErrorKind::NotAuthorized,
        _ => ErrorKind::Failed,
    }
}

/// The address of the system bus, as zbus finds it.
pub(crate) fn system_bus_address() -> String {
    std::env::var("DBUS_SYSTEM_BUS_ADDRESS")
        .unwrap_or_else(|_| "unix:path=/var/run/dbus/system_bus_socket".to_string())
}

/// A profile NetworkManager holds.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub path: OwnedObjectPath,
    pub settings: Dict,
}

impl Profile {
    pub(crate) fn string(&self, setting: &str, name: &str) -> Option<String> {
        let v = self.settings.get(setting)?.get(name)?;
        match &**v {
            Value::Str(s) => Some(s.to_string()),
            _ => None,
        }
    }

    pub(crate) fn uuid(&self) -> String {
        self.string("connection", "uuid").unwrap_or_default()
    }

    pub(crate) fn id(&self) -> String {
        self.string("connection", "id").unwrap_or_default()
    }
}

/// Where a profile lives and whether it is saved.
#[derive(Debug, Clone, Default)]
pub(crate) struct Storage {
    /// Only in NetworkManager's memory, not on disk.
    pub unsaved: bool,
}

/// An activation's end.
#[derive(Debug, Clone)]
pub enum Outcome {
    Activated,
    /// The reason in words.
    Failed(String),
    /// Still activating when the time was up; the state in words.
    TimedOut(String),
}

/// A device and its addresses after activation.
#[derive(Debug, Clone, Default)]
pub struct DeviceInfo {
    pub interface: String,
    pub addresses: Vec<String>,
}

/// An active connection.
#[derive(Debug, Clone)]
pub(crate) struct Active {
    pub path: OwnedObjectPath,
    pub connection: OwnedObjectPath,
    pub state: u32,
}

pub struct Nm {
    conn: zbus::blocking::Connection,
}

impl Nm {
    /// Connect to the system bus and check that NetworkManager is on it.
    pub fn connect() -> Result<Nm, NmError> {
        let conn = zbus::blocking::Connection::system().map_err(|e| NmError {
            kind: ErrorKind::NoBus,
            message: format!(
                "cannot connect to the D-Bus system bus at {}: {e}",
                system_bus_address()
            ),
            name: None,
        })?;
        let nm = Nm { conn };
        let has: bool = nm
            .proxy(
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus",
                "org.freedesktop.DBus",
            )?
            .call("NameHasOwner", &(NM_BUS_NAME,))
            .map_err(|e| NmError::from_zbus("asking the bus for NetworkManager", e))?;
        if !has {
            return Err(NmError {
                kind: ErrorKind::NotRunning,
                message: "NetworkManager is not running (it is not on the system bus)".into(),
                name: None,
            });
        }
        Ok(nm)
    }

    fn proxy<'a>(
        &'a self,
        path: &'a str,
        dest: &'a str,
        iface: &'a str,
    ) -> Result<zbus::blocking::Proxy<'a>, NmError> {
        zbus::blocking::proxy::Builder::<zbus::blocking::Proxy<'a>>::new(&self.conn)
            .destination(dest)
            .and_then(|b| b.path(path))
            .and_then(|b| b.interface(iface))
            .map(|b| b.cache_properties(zbus::proxy::CacheProperties::No))
            .and_then(|b| b.build())
            .map_err(|e| NmError::failed(format!("D-Bus: {e}")))
    }

    fn nm<'a>(&'a self, path: &'a str, iface: &'a str) -> Result<zbus::blocking::Proxy<'a>, NmError> {
        self.proxy(path, NM_BUS_NAME, iface)
    }

    fn property<T>(&self, path: &str, iface: &str, name: &str) -> Result<T, NmError>
    where
        T: TryFrom<OwnedValue>,
        T::Error: Into<zbus::Error>,
    {
        self.nm(path, iface)?
            .get_property::<T>(name)
            .map_err(|e| NmError::from_zbus(&format!("reading {name} of {path}"), e))
    }

    /// The profile with this UUID.
    pub fn by_uuid(&self, uuid: &str) -> Result<Option<OwnedObjectPath>, NmError> {
        let r: Result<OwnedObjectPath, zbus::Error> = self
            .nm(SETTINGS_PATH, IFACE_SETTINGS)?
            .call("GetConnectionByUuid", &(uuid,));
        match r {
            Ok(p) => Ok(Some(p)),
            Err(zbus::Error::MethodError(name, _, _))
                if name.as_str() == "org.freedesktop.NetworkManager.Settings.InvalidConnection" =>
            {
                Ok(None)
            }
            Err(e) => Err(NmError::from_zbus("looking up the profile by UUID", e)),
        }
    }

    /// Every profile with its settings.
    pub(crate) fn profiles(&self) -> Result<Vec<Profile>, NmError> {
        let paths: Vec<OwnedObjectPath> = self
            .nm(SETTINGS_PATH, IFACE_SETTINGS)?
            .call("ListConnections", &())
            .map_err(|e| NmError::from_zbus("listing profiles", e))?;
        let mut out = Vec::new();
        for path in paths {
            match self.settings(&path) {
                Ok(settings) => out.push(Profile { path, settings }),
                // Deleted meanwhile.
                Err(e) if e.name.as_deref() == Some("org.freedesktop.DBus.Error.UnknownMethod") => {}
                Err(e) if e.name.as_deref() == Some("org.freedesktop.DBus.Error.UnknownObject") => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    pub(crate) fn profile(&self, path: &OwnedObjectPath) -> Result<Profile, NmError> {
        Ok(Profile {
            path: path.clone(),
            settings: self.settings(path)?,
        })
    }

    pub(crate) fn settings(&self, path: &OwnedObjectPath) -> Result<Dict, NmError> {
        self.nm(path.as_str(), IFACE_CONNECTION)?
            .call("GetSettings", &())
            .map_err(|e| NmError::from_zbus("reading the profile", e))
    }

    pub(crate) fn storage(&self, path: &OwnedObjectPath) -> Result<Storage, NmError> {
        Ok(Storage {
            unsaved: self.property(path.as_str(), IFACE_CONNECTION, "Unsaved")?,
        })
    }

    /// AddConnection2: the new profile's path.
    pub(crate) fn add(&self, dict: &Dict, flags: u32) -> Result<OwnedObjectPath, NmError> {
        let args: HashMap<String, OwnedValue> = HashMap::new();
        let (path, _): (OwnedObjectPath, HashMap<String, OwnedValue>) = self
            .nm(SETTINGS_PATH, IFACE_SETTINGS)?
            .call("AddConnection2", &(dict, flags, args))
            .map_err(|e| NmError::from_zbus("NetworkManager refused the profile", e))?;
        Ok(path)
    }

    /// Update2: replace the profile's settings.
    pub(crate) fn update(&self, path: &OwnedObjectPath, dict: &Dict, flags: u32) -> Result<(), NmError> {
        let args: HashMap<String, OwnedValue> = HashMap::new();
        let _: HashMap<String, OwnedValue> = self
            .nm(path.as_str(), IFACE_CONNECTION)?
            .call("Update2", &(dict, flags, args))
            .map_err(|e| NmError::from_zbus("NetworkManager refused the update", e))?;
        Ok(())
    }

    pub(crate) fn delete(&self, path: &OwnedObjectPath) -> Result<(), NmError> {
        self.nm(path.as_str(), IFACE_CONNECTION)?
            .call::<_, _, ()>("Delete", &())
            .map_err(|e| NmError::from_zbus("deleting the profile", e))
    }

    pub(crate) fn active_connections(&self) -> Result<Vec<Active>, NmError> {
        let paths: Vec<OwnedObjectPath> = self.property(NM_PATH, IFACE_NM, "ActiveConnections")?;
        let mut out = Vec::new();
        for path in paths {
            let connection = self.property::<OwnedObjectPath>(path.as_str(), IFACE_ACTIVE, "Connection");
            let state = self.property::<u32>(path.as_str(), IFACE_ACTIVE, "State");
            if let (Ok(connection), Ok(state)) = (connection, state) {
                out.push(Active {
                    path,
                    connection,
                    state,
                });
            }
        }
        Ok(out)
    }

    pub(crate) fn deactivate(&self, active: &OwnedObjectPath) -> Result<(), NmError> {
        let root = zbus::zvariant::ObjectPath::try_from(active.as_str()).expect("a valid path");
        self.nm(NM_PATH, IFACE_NM)?
            .call::<_, _, ()>("DeactivateConnection", &(root,))
            .map_err(|e| NmError::from_zbus("deactivating", e))
    }

    /// Activate the profile and wait up to `timeout` for the outcome.
    pub fn activate(
        &self,
        profile: &OwnedObjectPath,
        timeout: Duration,
    ) -> Result<(Outcome, Option<DeviceInfo>), NmError> {
        // Listen before asking, so that no state change is missed: the
        // active connection's StateChanged (state, reason) and the
        // devices' StateChanged (new, old, reason).
        let rule = zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .sender(NM_BUS_NAME)
            .and_then(|b| b.member("StateChanged"))
            .map(|b| b.build())
            .map_err(|e| NmError::failed(format!("D-Bus match rule: {e}")))?;
        let signals = zbus::blocking::MessageIterator::for_match_rule(rule, &self.conn, Some(256))
            .map_err(|e| NmError::from_zbus("subscribing to state changes", e))?;
        let (tx, rx) = std::sync::mpsc::channel::<Change>();
        std::thread::spawn(move || {
            for msg in signals {
                let Ok(msg) = msg else { break };
                let header = msg.header();
                let (Some(path), Some(iface)) = (header.path(), header.interface()) else {
                    continue;
                };
                let path = path.to_string();
                let change = match iface.as_str() {
                    IFACE_ACTIVE => msg
                        .body()
                        .deserialize::<(u32, u32)>()
                        .ok()
                        .map(|(state, reason)| Change::Active { path, state, reason }),
                    IFACE_DEVICE => msg
                        .body()
                        .deserialize::<(u32, u32, u32)>()
                        .ok()
                        .map(|(state, _, reason)| Change::Device { path, state, reason }),
                    _ => None,
                };
                if let Some(c) = change {
                    if tx.send(c).is_err() {
                        break;
                    }
                }
            }
        });

        let root = zbus::zvariant::ObjectPath::try_from("/").expect("a valid path");
        let active: OwnedObjectPath = self
            .nm(NM_PATH, IFACE_NM)?
            .call("ActivateConnection", &(profile, &root, &root))
            .map_err(|e| NmError::from_zbus("activation failed", e))?;
        let deadline = Instant::now() + timeout;
        let mut seen = Seen::default();
        let mut device: Option<OwnedObjectPath> = None;
        loop {
            while let Ok(c) = rx.try_recv() {
                seen.note(&active, c);
            }
            if device.is_none() {
                if let Ok(devs) =
                    self.property::<Vec<OwnedObjectPath>>(active.as_str(), IFACE_ACTIVE, "Devices")
                {
                    device = devs.into_iter().next();
                }
            }
            // None: the active connection is gone, it ended.
            let state = self.property::<u32>(active.as_str(), IFACE_ACTIVE, "State").ok();
            let state = state.or(seen.active.map(|l| l.0)).unwrap_or(4);
            match state {
                2 => {
                    let info = device.as_ref().and_then(|d| self.device_info(d).ok());
                    return Ok((Outcome::Activated, info));
                }
                3 | 4 => {
                    // Let the last signals arrive, for their reasons.
                    let until = Instant::now() + Duration::from_millis(300);
                    while let Ok(c) = rx.recv_timeout(until.saturating_duration_since(Instant::now())) {
                        seen.note(&active, c);
                    }
                    return Ok((Outcome::Failed(self.failure_reason(&seen, device.as_ref())), None));
                }
                _ => {}
            }
            let now = Instant::now();
            if now >= deadline {
                let words = active_state_text(state);
                return Ok((
                    Outcome::TimedOut(format!(
                        "still {words} after {} s{}",
                        timeout.as_secs(),
                        device
                            .as_ref()
                            .and_then(|d| self.device_state(d))
                            .map(|(s, _)| format!("; device {}", device_state_text(s)))
                            .unwrap_or_default()
                    )),
                    None,
                ));
            }
            if let Ok(c) = rx.recv_timeout((deadline - now).min(Duration::from_millis(200))) {
                seen.note(&active, c);
            }
        }
    }

    fn device_state(&self, device: &OwnedObjectPath) -> Option<(u32, u32)> {
        self.property::<(u32, u32)>(device.as_str(), IFACE_DEVICE, "StateReason")
            .ok()
    }

    fn failure_reason(&self, seen: &Seen, device: Option<&OwnedObjectPath>) -> String {
        let mut words = match seen.active {
            Some((_, r)) => active_reason_text(r).to_string(),
            None => "the activation ended".to_string(),
        };
        // Why the device failed, if it did; else what it says now.
        let failed = device.and_then(|d| seen.device_failures.get(d.as_str()).copied());
        match failed {
            Some(reason) => words.push_str(&format!("; device failed: {}", device_reason_text(reason))),
            None => {
                if let Some((state, reason)) = device.and_then(|d| self.device_state(d)) {
                    if reason != 0 {
                        words.push_str(&format!(
                            "; device {}: {}",
                            device_state_text(state),
                            device_reason_text(reason)
                        ));
                    }
                }
            }
        }
        words
    }

    /// The interface name and addresses of a device.
    pub(crate) fn device_info(&self, device: &OwnedObjectPath) -> Result<DeviceInfo, NmError> {
        let interface: String = self.property(device.as_str(), IFACE_DEVICE, "Interface")?;
        let mut addresses = Vec::new();
        for (prop, iface) in [("Ip4Config", IFACE_IP4), ("Ip6Config", IFACE_IP6)] {
            let Ok(cfg) = self.property::<OwnedObjectPath>(device.as_str(), IFACE_DEVICE, prop) else {
                continue;
            };
            if cfg.as_str() == "/" {
                continue;
            }
            let data: Vec<HashMap<String, OwnedValue>> = self
                .property(cfg.as_str(), iface, "AddressData")
                .unwrap_or_default();
            for a in data {
                let addr = a
                    .get("address")
                    .and_then(|v| String::try_from(v.try_clone().ok()?).ok());
                let prefix = a.get("prefix").and_then(|v| u32::try_from(&*v.clone()).ok());
                if let (Some(addr), Some(prefix)) = (addr, prefix) {
                    addresses.push(format!("{addr}/{prefix}"));
                }
            }
        }
        Ok(DeviceInfo { interface, addresses })
    }
}

/// A state change NetworkManager signalled.
enum Change {
    Active { path: String, state: u32, reason: u32 },
    Device { path: String, state: u32, reason: u32 },
}

/// What the signals said so far about one activation.
#[derive(Default)]
struct Seen {
    /// The active connection's last (state, reason).
    active: Option<(u32, u32)>,
    /// Device path → the reason of its last change to "failed".
    device_failures: HashMap<String, u32>,
}

impl Seen {
    fn note(&mut self, active: &OwnedObjectPath, c: Change) {
        match c {
            Change::Active { path, state, reason } if path == active.as_str() => {
                self.active = Some((state, reason));
            }
            Change::Device {
                path,
                state: 120,
                reason,
            } => {
                self.device_failures.insert(path, reason);
            }
            _ => {}
        }
    }
}
