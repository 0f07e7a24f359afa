//! The zbus client for the calls `grecfg activate`, `deactivate` and
//! `delete` make: one call at a time where one answer decides the next,
//! many in flight at once ([`super::pipeline`]) where they do not.

use std::collections::HashMap;
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

use super::encode::Dict;
use super::pipeline;

pub(crate) const NM_BUS_NAME: &str = "org.freedesktop.NetworkManager";
pub(super) const NM_PATH: &str = "/org/freedesktop/NetworkManager";
const SETTINGS_PATH: &str = "/org/freedesktop/NetworkManager/Settings";
pub(super) const IFACE_NM: &str = "org.freedesktop.NetworkManager";
const IFACE_SETTINGS: &str = "org.freedesktop.NetworkManager.Settings";
const IFACE_CONNECTION: &str = "org.freedesktop.NetworkManager.Settings.Connection";
pub(super) const IFACE_ACTIVE: &str = "org.freedesktop.NetworkManager.Connection.Active";
pub(super) const IFACE_DEVICE: &str = "org.freedesktop.NetworkManager.Device";
const IFACE_PROPERTIES: &str = "org.freedesktop.DBus.Properties";
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

    pub(super) fn from_zbus(what: &str, e: zbus::Error) -> NmError {
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

/// A profile and whether it is saved.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub profile: Profile,
    /// Only in NetworkManager's memory, not on disk.
    pub unsaved: bool,
}

/// A change to send: AddConnection2 or Update2, with their flags.
pub(crate) enum Write {
    Add {
        dict: Dict,
        flags: u32,
    },
    Update {
        path: OwnedObjectPath,
        dict: Dict,
        flags: u32,
    },
}

/// Whether the error says the object is gone (deleted meanwhile).
fn gone(e: &NmError) -> bool {
    matches!(
        e.name.as_deref(),
        Some("org.freedesktop.DBus.Error.UnknownMethod" | "org.freedesktop.DBus.Error.UnknownObject")
    )
}

/// A property of an object of NetworkManager's, as a future for
/// [`pipeline::run`].
pub(super) fn get<T>(
    conn: &zbus::Connection,
    path: &OwnedObjectPath,
    iface: &'static str,
    name: &'static str,
) -> impl std::future::Future<Output = zbus::Result<T>>
where
    T: TryFrom<OwnedValue>,
    T::Error: Into<zbus::Error>,
{
    let call = pipeline::call::<_, OwnedValue>(
        conn,
        NM_BUS_NAME,
        path.as_str().to_owned(),
        IFACE_PROPERTIES,
        "Get",
        (iface, name),
    );
    async move { T::try_from(call.await?).map_err(Into::into) }
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
    pub(super) conn: zbus::blocking::Connection,
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

    pub(super) fn nm<'a>(
        &'a self,
        path: &'a str,
        iface: &'a str,
    ) -> Result<zbus::blocking::Proxy<'a>, NmError> {
        self.proxy(path, NM_BUS_NAME, iface)
    }

    /// The connection for [`pipeline::run`].
    pub(super) fn inner(&self) -> &zbus::Connection {
        self.conn.inner()
    }

    pub(super) fn property<T>(&self, path: &str, iface: &str, name: &str) -> Result<T, NmError>
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

    /// Every profile with its settings: ListConnections, then every
    /// GetSettings at once.
    pub(crate) fn profiles(&self) -> Result<Vec<Profile>, NmError> {
        let paths: Vec<OwnedObjectPath> = self
            .nm(SETTINGS_PATH, IFACE_SETTINGS)?
            .call("ListConnections", &())
            .map_err(|e| NmError::from_zbus("listing profiles", e))?;
        let conn = self.inner();
        let settings = pipeline::run(paths.iter().map(|p| {
            pipeline::call::<_, Dict>(
                conn,
                NM_BUS_NAME,
                p.as_str().to_owned(),
                IFACE_CONNECTION,
                "GetSettings",
                (),
            )
        }));
        let mut out = Vec::new();
        for (path, settings) in paths.into_iter().zip(settings) {
            match settings.map_err(|e| NmError::from_zbus("reading the profile", e)) {
                Ok(settings) => out.push(Profile { path, settings }),
                Err(e) if gone(&e) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// Every profile with its settings and whether it is saved, in the
    /// order NetworkManager lists them.
    pub(crate) fn snapshot(&self) -> Result<Vec<Stored>, NmError> {
        let profiles = self.profiles()?;
        let conn = self.inner();
        let unsaved = pipeline::run(
            profiles
                .iter()
                .map(|p| get::<bool>(conn, &p.path, IFACE_CONNECTION, "Unsaved")),
        );
        let mut out = Vec::new();
        for (profile, unsaved) in profiles.into_iter().zip(unsaved) {
            let what = format!("reading Unsaved of {}", profile.path.as_str());
            match unsaved.map_err(|e| NmError::from_zbus(&what, e)) {
                Ok(unsaved) => out.push(Stored { profile, unsaved }),
                Err(e) if gone(&e) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// The file a profile is stored in; empty for one in memory only.
    pub(crate) fn filename(&self, path: &OwnedObjectPath) -> Result<String, NmError> {
        self.property(path.as_str(), IFACE_CONNECTION, "Filename")
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

    /// Send every change at once: the profile's path, or why
    /// NetworkManager refused it, for each in order.
    pub(crate) fn write_all(&self, writes: Vec<Write>) -> Vec<Result<OwnedObjectPath, NmError>> {
        let conn = self.inner();
        let none = HashMap::<String, OwnedValue>::new;
        pipeline::run(writes.into_iter().map(|w| {
            let conn = conn.clone();
            async move {
                match w {
                    Write::Add { dict, flags } => {
                        pipeline::call::<_, (OwnedObjectPath, HashMap<String, OwnedValue>)>(
                            &conn,
                            NM_BUS_NAME,
                            SETTINGS_PATH.to_owned(),
                            IFACE_SETTINGS,
                            "AddConnection2",
                            (dict, flags, none()),
                        )
                        .await
                        .map(|(path, _)| path)
                        .map_err(|e| NmError::from_zbus("NetworkManager refused the profile", e))
                    }
                    Write::Update { path, dict, flags } => pipeline::call::<_, HashMap<String, OwnedValue>>(
                        &conn,
                        NM_BUS_NAME,
                        path.as_str().to_owned(),
                        IFACE_CONNECTION,
                        "Update2",
                        (dict, flags, none()),
                    )
                    .await
                    .map(|_| path)
                    .map_err(|e| NmError::from_zbus("NetworkManager refused the update", e)),
                }
            }
        }))
    }

    pub(crate) fn delete(&self, path: &OwnedObjectPath) -> Result<(), NmError> {
        self.nm(path.as_str(), IFACE_CONNECTION)?
            .call::<_, _, ()>("Delete", &())
            .map_err(|e| NmError::from_zbus("deleting the profile", e))
    }

    pub(crate) fn active_connections(&self) -> Result<Vec<Active>, NmError> {
        let paths: Vec<OwnedObjectPath> = self.property(NM_PATH, IFACE_NM, "ActiveConnections")?;
        let conn = self.inner();
        let found = pipeline::run(paths.iter().map(|p| {
            let connection = get::<OwnedObjectPath>(conn, p, IFACE_ACTIVE, "Connection");
            let state = get::<u32>(conn, p, IFACE_ACTIVE, "State");
            async move { (connection.await, state.await) }
        }));
        // One gone meanwhile is left out.
        Ok(paths
            .into_iter()
            .zip(found)
            .filter_map(|(path, found)| match found {
                (Ok(connection), Ok(state)) => Some(Active {
                    path,
                    connection,
                    state,
                }),
                _ => None,
            })
            .collect())
    }

    pub(crate) fn deactivate(&self, active: &OwnedObjectPath) -> Result<(), NmError> {
        let root = zbus::zvariant::ObjectPath::try_from(active.as_str()).expect("a valid path");
        self.nm(NM_PATH, IFACE_NM)?
            .call::<_, _, ()>("DeactivateConnection", &(root,))
            .map_err(|e| NmError::from_zbus("deactivating", e))
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
