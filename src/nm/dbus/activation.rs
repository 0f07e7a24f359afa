//! Bringing profiles up: ActivateConnection for all of them at once, then
//! one wait for all their outcomes, told in the order of the profiles.

use std::collections::HashMap;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use zbus::zvariant::{ObjectPath, OwnedObjectPath};

use super::client::{
    get, DeviceInfo, Nm, NmError, Outcome, IFACE_ACTIVE, IFACE_DEVICE, IFACE_NM, NM_BUS_NAME, NM_PATH,
};
use super::pipeline;
use super::states::{active_reason_text, active_state_text, device_reason_text, device_state_text};

/// What one activation ended with.
pub type Activation = Result<(Outcome, Option<DeviceInfo>), NmError>;

/// How long the signals of an ended activation are waited for, for their
/// reasons.
const LAST_SIGNALS: Duration = Duration::from_millis(300);
/// How often the states are read again while no signal comes.
const POLL: Duration = Duration::from_millis(200);

/// A state change NetworkManager signalled.
enum Change {
    Active { path: String, state: u32, reason: u32 },
    Device { path: String, state: u32, reason: u32 },
}

/// One activation under way.
struct Pending {
    /// Its place among the profiles.
    index: usize,
    active: OwnedObjectPath,
    device: Option<OwnedObjectPath>,
    /// The active connection's last (state, reason) signalled.
    signalled: Option<(u32, u32)>,
    /// Its state when last read.
    state: u32,
    /// It ended (deactivating or deactivated): when to give its reason.
    ended: Option<Instant>,
}

impl Nm {
    /// Activate the profile and wait up to `timeout` for the outcome.
    pub fn activate(&self, profile: &OwnedObjectPath, timeout: Duration) -> Activation {
        let mut outcome = None;
        self.activate_all(std::slice::from_ref(profile), timeout, |_, a| outcome = Some(a));
        outcome.expect("one outcome for one profile")
    }

    /// Activate every profile at once and wait up to `timeout` for them
    /// all. `report` hears each outcome with the profile's index, in the
    /// order of `profiles`, as soon as it and all before it are known.
    pub fn activate_all(
        &self,
        profiles: &[OwnedObjectPath],
        timeout: Duration,
        mut report: impl FnMut(usize, Activation),
    ) {
        let mut outcomes = Outcomes::new(profiles.len());
        // Listen before asking, so that no state change is missed.
        let rx = match self.state_changes() {
            Ok(rx) => rx,
            Err(e) => {
                for i in 0..profiles.len() {
                    outcomes.set(i, Err(e.clone()), &mut report);
                }
                return;
            }
        };
        let conn = self.inner();
        let root = ObjectPath::from_static_str_unchecked("/");
        let started = pipeline::run(profiles.iter().map(|p| {
            pipeline::call::<_, OwnedObjectPath>(
                conn,
                NM_BUS_NAME,
                NM_PATH.to_owned(),
                IFACE_NM,
                "ActivateConnection",
                (p.clone(), root.clone(), root.clone()),
            )
        }));
        let mut pending = Vec::new();
        for (index, started) in started.into_iter().enumerate() {
            match started {
                Ok(active) => pending.push(Pending {
                    index,
                    active,
                    device: None,
                    signalled: None,
                    state: 1,
                    ended: None,
                }),
                Err(e) => outcomes.set(
                    index,
                    Err(NmError::from_zbus("activation failed", e)),
                    &mut report,
                ),
            }
        }
        let by_active: HashMap<String, usize> = pending
            .iter()
            .enumerate()
            .map(|(i, p)| (p.active.as_str().to_owned(), i))
            .collect();
        // Device path → the reason of its last change to "failed".
        let mut device_failures: HashMap<String, u32> = HashMap::new();
        let note = |c: Change, pending: &mut [Pending], device_failures: &mut HashMap<String, u32>| match c {
            Change::Active { path, state, reason } => {
                if let Some(&i) = by_active.get(&path) {
                    pending[i].signalled = Some((state, reason));
                }
            }
            Change::Device {
                path,
                state: 120,
                reason,
            } => {
                device_failures.insert(path, reason);
            }
            Change::Device { .. } => {}
        };
        let deadline = Instant::now() + timeout;
        let mut open: Vec<usize> = (0..pending.len()).collect();
        loop {
            while let Ok(c) = rx.try_recv() {
                note(c, &mut pending, &mut device_failures);
            }
            // Read the state (and the device, until known) of every
            // activation that has not ended.
            let running: Vec<usize> = open
                .iter()
                .copied()
                .filter(|&i| pending[i].ended.is_none())
                .collect();
            let read = pipeline::run(running.iter().map(|&i| {
                let p = &pending[i];
                let state = get::<u32>(conn, &p.active, IFACE_ACTIVE, "State");
                let devices = p
                    .device
                    .is_none()
                    .then(|| get::<Vec<OwnedObjectPath>>(conn, &p.active, IFACE_ACTIVE, "Devices"));
                async move {
                    let devices = match devices {
                        Some(d) => d.await.ok(),
                        None => None,
                    };
                    (state.await.ok(), devices)
                }
            }));
            let now = Instant::now();
            for (&i, (state, devices)) in running.iter().zip(read) {
                let p = &mut pending[i];
                if let Some(d) = devices.and_then(|d| d.into_iter().next()) {
                    p.device = Some(d);
                }
                // None: the active connection is gone, it ended.
                p.state = state.or(p.signalled.map(|l| l.0)).unwrap_or(4);
                if matches!(p.state, 3 | 4) {
                    p.ended = Some(now + LAST_SIGNALS);
                }
            }
            open.retain(|&i| {
                let p = &pending[i];
                let outcome = if p.state == 2 {
                    let info = p.device.as_ref().and_then(|d| self.device_info(d).ok());
                    (Outcome::Activated, info)
                } else if p.ended.is_some_and(|t| now >= t) {
                    // Let the last signals arrive, for their reasons.
                    (
                        Outcome::Failed(self.failure_reason(
                            p.signalled,
                            p.device.as_ref(),
                            &device_failures,
                        )),
                        None,
                    )
                } else if p.ended.is_none() && now >= deadline {
                    let words = active_state_text(p.state);
                    let device = p
                        .device
                        .as_ref()
                        .and_then(|d| self.device_state(d))
                        .map(|(s, _)| format!("; device {}", device_state_text(s)))
                        .unwrap_or_default();
                    (
                        Outcome::TimedOut(format!("still {words} after {} s{device}", timeout.as_secs())),
                        None,
                    )
                } else {
                    return true;
                };
                outcomes.set(p.index, Ok(outcome), &mut report);
                false
            });
            if open.is_empty() {
                return;
            }
            // Until the next thing to do: a read, a reason to give, the
            // deadline.
            let mut wake = now + POLL;
            for &i in &open {
                wake = wake.min(pending[i].ended.unwrap_or(deadline));
            }
            if let Ok(c) = rx.recv_timeout(wake.saturating_duration_since(Instant::now())) {
                note(c, &mut pending, &mut device_failures);
            }
        }
    }

    /// The state changes NetworkManager signals, from now on: the active
    /// connections' StateChanged (state, reason) and the devices'
    /// StateChanged (new, old, reason).
    fn state_changes(&self) -> Result<Receiver<Change>, NmError> {
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
        Ok(rx)
    }

    fn device_state(&self, device: &OwnedObjectPath) -> Option<(u32, u32)> {
        self.property::<(u32, u32)>(device.as_str(), IFACE_DEVICE, "StateReason")
            .ok()
    }

    fn failure_reason(
        &self,
        signalled: Option<(u32, u32)>,
        device: Option<&OwnedObjectPath>,
        device_failures: &HashMap<String, u32>,
    ) -> String {
        let mut words = match signalled {
            Some((_, r)) => active_reason_text(r).to_string(),
            None => "the activation ended".to_string(),
        };
        // Why the device failed, if it did; else what it says now.
        let failed = device.and_then(|d| device_failures.get(d.as_str()).copied());
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
}

/// The outcomes so far, told in order.
struct Outcomes {
    known: Vec<Option<Activation>>,
    /// The first not yet told.
    next: usize,
}

impl Outcomes {
    fn new(n: usize) -> Outcomes {
        Outcomes {
            known: (0..n).map(|_| None).collect(),
            next: 0,
        }
    }

    fn set(&mut self, i: usize, a: Activation, report: &mut impl FnMut(usize, Activation)) {
        self.known[i] = Some(a);
        while let Some(a) = self.known.get_mut(self.next).and_then(Option::take) {
            report(self.next, a);
            self.next += 1;
        }
    }
}
