//! NetworkManager's state and reason numbers in words, for messages.

/// `NMActiveConnectionState` in words.
pub(crate) fn active_state_text(state: u32) -> &'static str {
    match state {
        1 => "activating",
        2 => "activated",
        3 => "deactivating",
        4 => "deactivated",
        _ => "in an unknown state",
    }
}

/// `NMActiveConnectionStateReason` in words (libnm's descriptions).
pub(crate) fn active_reason_text(reason: u32) -> &'static str {
    match reason {
        0 => "the reason is unknown",
        1 => "no reason was given",
        2 => "the user disconnected it",
        3 => "the device it was using was disconnected",
        4 => "the service providing the VPN connection was stopped",
        5 => "the IP configuration was invalid",
        6 => "the connection attempt to the VPN service timed out",
        7 => "a timeout occurred while starting the VPN service",
        8 => "starting the VPN service failed",
        9 => "necessary secrets were not provided",
        10 => "authentication to the server failed",
        11 => "the profile was deleted",
        12 => "the controller connection of this profile failed to activate",
        13 => "the software device could not be created",
        14 => "the device it depended on disappeared",
        _ => "an unknown reason",
    }
}

/// `NMDeviceState` in words.
pub(crate) fn device_state_text(state: u32) -> &'static str {
    match state {
        10 => "unmanaged",
        20 => "unavailable",
        30 => "disconnected",
        40 => "preparing",
        50 => "configuring",
        60 => "needs authentication",
        70 => "configuring IP",
        80 => "checking IP",
        90 => "waiting for secondaries",
        100 => "activated",
        110 => "deactivating",
        120 => "failed",
        _ => "unknown",
    }
}

/// `NMDeviceStateReason` in words (libnm's descriptions).
pub(crate) fn device_reason_text(reason: u32) -> &'static str {
    const TEXT: [&str; 68] = [
        "no reason given",
        "unknown error",
        "device is now managed",
        "device is now unmanaged",
        "the device could not be readied for configuration",
        "IP configuration could not be reserved (no available address, timeout, etc.)",
        "the IP configuration is no longer valid",
        "secrets were required, but not provided",
        "802.1X supplicant disconnected",
        "802.1X supplicant configuration failed",
        "802.1X supplicant failed",
        "802.1X supplicant took too long to authenticate",
        "PPP service failed to start",
        "PPP service disconnected",
        "PPP failed",
        "DHCP client failed to start",
        "DHCP client error",
        "DHCP client failed",
        "shared connection service failed to start",
        "shared connection service failed",
        "AutoIP service failed to start",
        "AutoIP service error",
        "AutoIP service failed",
        "the line is busy",
        "no dial tone",
        "no carrier could be established",
        "the dialing request timed out",
        "the dialing attempt failed",
        "modem initialization failed",
        "failed to select the specified APN",
        "not searching for networks",
        "network registration denied",
        "network registration timed out",
        "failed to register with the requested network",
        "PIN check failed",
        "necessary firmware for the device may be missing",
        "the device was removed",
        "NetworkManager went to sleep",
        "the device's active connection disappeared",
        "device disconnected by user or client",
        "carrier/link changed",
        "the device's existing connection was assumed",
        "the supplicant is now available",
        "the modem could not be found",
        "the Bluetooth connection failed or timed out",
        "GSM modem's SIM card not inserted",
        "GSM modem's SIM PIN required",
        "GSM modem's SIM PUK required",
        "GSM modem's SIM wrong",
        "InfiniBand device does not support connected mode",
        "a dependency of the connection failed",
        "problem with the RFC 2684 Ethernet over ADSL bridge",
        "ModemManager not running",
        "the Wi-Fi network could not be found",
        "a secondary connection of the base connection failed",
        "DCB or FCoE setup failed",
        "teamd control failed",
        "modem failed or no longer available",
        "modem now ready and available",
        "SIM PIN was incorrect",
        "new connection activation was enqueued",
        "the device's parent changed",
        "the device parent's management changed",
        "problem communicating with Open vSwitch database",
        "a duplicate IP address was detected",
        "the selected IP method is not supported",
        "configuration of SR-IOV parameters failed",
        "the Wi-Fi P2P peer could not be found",
    ];
    TEXT.get(reason as usize).copied().unwrap_or("unknown reason")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_in_words() {
        assert_eq!(active_reason_text(13), "the software device could not be created");
        assert_eq!(
            device_reason_text(4),
            "the device could not be readied for configuration"
        );
        assert_eq!(device_reason_text(67), "the Wi-Fi P2P peer could not be found");
        assert_eq!(device_reason_text(999), "unknown reason");
        assert_eq!(device_state_text(120), "failed");
    }
}
