#!/usr/bin/env bash
# Helpers for the kernel scenarios (tests/kernel/scenarios/*), sourced by
# each of them. They run inside the test kernel (tests/kernel/guest), as
# root, with these variables set:
#
#   GRECFG        the grecfg binary built on the host
#   KERNEL_TESTS  tests/kernel (inputs/, lib.sh, ...)
#   WORK          an empty directory of the scenario's own
#   REPO          the repository (tests/nm/sandbox lives there)
#
# Every command is traced on stderr (set -x). When the scenario fails, the
# state of every namespace it made (ip -d link, addr, route, neigh) and the
# log and view of every NetworkManager it started are printed on stderr.

set -euo pipefail
shopt -s inherit_errexit

: "${GRECFG:?}" "${KERNEL_TESTS:?}" "${WORK:?}" "${REPO:?}"

PS4='+ ${EPOCHREALTIME} ${BASH_SOURCE[0]##*/}:${LINENO}: '

NAMESPACES=()
# NetworkManager sandboxes: network namespace -> pid of the sandbox's init
# (for nsenter), and -> pid of the background job (to wait for it).
declare -A NM_PID=() NM_JOB=()

note() { printf '### %s\n' "$*" >&2; }

fail() {
    printf 'FAILED: %s\n' "$*" >&2
    exit 1
}

# at NS CMD...: run CMD in the network namespace NS (ip itself switches to
# it: cheaper than ip netns exec, which also remounts /sys).
at() {
    local ns=$1
    shift
    if [[ $1 == ip ]]; then
        ip -n "$ns" "${@:2}"
    else
        ip netns exec "$ns" "$@"
    fi
}

# netns NAME...: fresh network namespaces with lo up, removed at exit.
netns() {
    local ns
    for ns; do
        ip netns add "$ns"
        NAMESPACES+=("$ns")
        at "$ns" ip link set lo up
    done
}

# veth NS1 IF1 NS2 IF2: a veth pair between two namespaces, both ends up.
veth() {
    ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
    at "$1" ip link set "$2" up
    at "$3" ip link set "$4" up
}

# lan NS IF ADDRESS/PREFIX: a dummy interface with an address: the subnet
# routed behind a tunnel end.
lan() {
    at "$1" ip link add "$2" type dummy
    at "$1" ip addr add "$3" dev "$2"
    at "$1" ip link set "$2" up
}

# reach NS DESTINATION [SOURCE]: ping from NS (from SOURCE if given) until
# an answer comes, at most 10 tries.
reach() {
    local ns=$1 dst=$2 src=${3:-} try
    local args=(-c 1 -W 1)
    [[ -z $src ]] || args+=(-I "$src")
    for try in 1 2 3 4 5 6 7 8 9 10; do
        if at "$ns" ping "${args[@]}" "$dst"; then
            note "ok: $ns reaches $dst${src:+ from $src} (try $try)"
            return 0
        fi
        sleep 0.3
    done
    fail "$ns does not reach $dst${src:+ from $src}"
}

# unreachable NS DESTINATION: no answer (traffic must not flow).
unreachable() {
    if at "$1" ping -c 2 -i 0.3 -W 1 "$2"; then
        fail "$1 reaches $2, which it must not"
    fi
    note "ok: $1 does not reach $2"
}

# link_has NS DEV PHRASE...: `ip -d link show DEV` in NS contains each
# PHRASE ("ikey 0.0.3.233") as consecutive whole words.
link_has() {
    local ns=$1 dev=$2 out phrase
    shift 2
    out=$(at "$ns" ip -d link show dev "$dev")
    printf '%s\n' "$out" >&2
    out=" $(printf '%s' "$out" | tr -s '[:space:]' ' ') "
    for phrase; do
        [[ $out == *" $phrase "* ]] ||
            fail "ip -d link show $dev in $ns lacks '$phrase'"
    done
    note "ok: $dev in $ns shows: $(printf '[%s] ' "$@")"
}

# dotted KEY: a GRE key as `ip -d link` prints it (a dotted quad).
dotted() {
    printf '%d.%d.%d.%d' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255))
}

# rc_local NS INPUT... : render grecfg's rc.local script for INPUT into
# $WORK/rc.local-NS and run it (start) in NS.
rc_local() {
    local ns=$1 script=$WORK/rc.local-$1
    shift
    "$GRECFG" render --target rc.local -o "$script" "$@"
    cat "$script" >&2
    at "$ns" "$script" start
}

# nm_start NS: a private NetworkManager (tests/nm/sandbox) in NS, running
# until the scenario ends. Run commands next to it with nm_exec.
nm_start() {
    local ns=$1 ready=$WORK/nm-$1.ready stop=$WORK/nm-$1.stop
    rm -f "$ready" "$stop"
    # shellcheck disable=SC2016 # expanded by the inner bash
    # Software emulation is slow: give NetworkManager time to answer.
    NM_SANDBOX_NETNS=$ns NM_SANDBOX_TIMEOUT=${NM_SANDBOX_TIMEOUT:-90} NM_SANDBOX_LOG_LEVEL=${NM_SANDBOX_LOG_LEVEL:-DEBUG} \
        "$REPO/tests/nm/sandbox" bash -c '
            touch "$1"
            until [[ -e $2 ]]; do sleep 0.2; done
        ' nm-wait "$ready" "$stop" &
    local pid=$! try
    NM_JOB[$ns]=$pid
    for try in $(seq 1200); do
        [[ -e $ready ]] && break
        kill -0 "$pid" 2>/dev/null || fail "NetworkManager in $ns did not start"
        sleep 0.1
    done
    [[ -e $ready ]] || fail "NetworkManager in $ns not ready after 120s"
    # $pid is unshare by now; its only child is the sandbox's init, whose
    # mount namespace holds NetworkManager's /run (and so its D-Bus).
    local child
    child=$(cat "/proc/$pid/task/$pid/children")
    child=${child%% *}
    [[ -n $child ]] || fail "cannot find the sandbox of $ns"
    NM_PID[$ns]=$child
    note "NetworkManager in $ns: sandbox pid $child"
}

# nm_exec NS CMD...: run CMD where the NetworkManager of NS is: its
# network and mount namespaces (nmcli and grecfg activate find its bus) and
# its PID namespace (NetworkManager hides the profiles from a caller whose
# process the bus cannot name).
nm_exec() {
    local ns=$1
    shift
    nsenter --target "${NM_PID[$ns]:?no NetworkManager in $ns}" --mount --net --pid "$@"
}

# nm_activate NS INPUT...: bring the tunnels of INPUT up through the
# NetworkManager of NS.
nm_activate() {
    local ns=$1
    shift
    nm_exec "$ns" "$GRECFG" activate --timeout 60 "$@"
    nm_exec "$ns" nmcli -f all connection show --active >&2
}

# nm_load_up NS INPUT...: the same through files: the keyfiles grecfg
# convert writes, loaded with nmcli connection load and brought up with
# nmcli connection up.
nm_load_up() {
    local ns=$1 dir=/etc/NetworkManager/system-connections f uuid try
    shift
    nm_exec "$ns" "$GRECFG" convert --to nm --output-dir "$dir" "$@"
    for f in $(nm_exec "$ns" find "$dir" -name '*.nmconnection'); do
        nm_exec "$ns" cat "$f" >&2
        nm_exec "$ns" nmcli connection load "$f"
        uuid=$(nm_exec "$ns" sed -n 's/^uuid=//p' "$f")
        # The new profile may take a moment to show on the bus.
        for try in $(seq 50); do
            nm_exec "$ns" nmcli connection show uuid "$uuid" >/dev/null 2>&1 && break
            sleep 0.2
        done
        nm_exec "$ns" nmcli --wait 60 connection up uuid "$uuid"
    done
    nm_exec "$ns" nmcli -f all connection show --active >&2
}

# status_clean NS INPUT: `grecfg status` finds the tunnels of INPUT
# running in NS as configured. Where a NetworkManager runs, INPUT is
# replaced by the keyfiles NetworkManager has on disk (the profile it runs,
# which has no peer addresses, unlike an ifcfg input).
status_clean() {
    local ns=$1 input=$2
    if [[ -n ${NM_PID[$ns]:-} ]]; then
        nm_exec "$ns" "$GRECFG" status --all || fail "status of $ns is not clean"
    else
        at "$ns" "$GRECFG" status "$input" || fail "status of $input in $ns is not clean"
    fi
}

# nm_stop NS: end the NetworkManager of NS (and its sandbox).
nm_stop() {
    local ns=$1 pid=${NM_JOB[$1]} try
    touch "$WORK/nm-$ns.stop"
    unset "NM_PID[$ns]" "NM_JOB[$ns]"
    for try in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    # Killing unshare's child, the init of the sandbox's PID namespace,
    # takes NetworkManager and dbus-daemon with it.
    local child
    if child=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null) && [[ -n $child ]]; then
        # shellcheck disable=SC2086 # a list of pids
        kill -KILL $child 2>/dev/null || true
    fi
    wait "$pid" || true
}

dump() {
    local ns
    set +x
    printf '\n======== state at failure ========\n' >&2
    for ns in "${NAMESPACES[@]}"; do
        [[ -e /run/netns/$ns ]] || continue
        {
            printf '\n--- namespace %s ---\n' "$ns"
            local cmd
            for cmd in "ip -d link show" "ip addr show" "ip route show" "ip -6 route show" "ip neigh show" "ip -6 neigh show"; do
                printf '$ %s\n' "$cmd"
                # shellcheck disable=SC2086 # the words of cmd
                at "$ns" $cmd 2>&1 || true
            done
        } >&2
    done
    for ns in "${!NM_PID[@]}"; do
        {
            printf '\n--- NetworkManager in %s ---\n' "$ns"
            nm_exec "$ns" nmcli -f all connection show 2>&1 || true
            nm_exec "$ns" nmcli -f all device status 2>&1 || true
            # shellcheck disable=SC2016 # expanded where NetworkManager is
            nm_exec "$ns" sh -c 'for f in /etc/NetworkManager/system-connections/*; do
                [ -e "$f" ] && printf "\$ cat %s\n" "$f" && cat "$f"; done' 2>&1 || true
            printf -- '--- NetworkManager log (%s) ---\n' "$ns"
            nm_exec "$ns" cat /run/grecfg-nm-sandbox/NetworkManager.log 2>&1 || true
        } >&2
    done
}

cleanup() {
    local status=$?
    set +x
    ((status == 0)) || dump
    local ns
    for ns in "${!NM_JOB[@]}"; do
        nm_stop "$ns"
    done
    for ns in "${NAMESPACES[@]}"; do
        ip netns delete "$ns" 2>/dev/null || true
    done
    exit "$status"
}
trap cleanup EXIT

set -x

# p2p_tunnel A_BY B_BY: the point-to-point tunnel of inputs/p2p-a and
# inputs/p2p-b between namespaces a and b, each end set up "by" grecfg's
# rendered rc.local script (script), by grecfg activate into a
# NetworkManager of its own (nm) or by the keyfile grecfg convert writes,
# loaded into a NetworkManager of its own with nmcli (keyfile). Checks that the kernel holds the keys, ttl
# and mtu of the input and that the inner addresses and the subnets behind
# each end reach each other through the tunnel.
p2p_tunnel() {
    local -A by=([a]=$1 [b]=$2)
    netns a b
    veth a eth0 b eth0
    at a ip addr add 192.0.2.1/24 dev eth0
    at b ip addr add 192.0.2.2/24 dev eth0
    lan a lan0 198.51.100.1/25
    lan b lan0 198.51.100.129/25
    local side input
    for side in a b; do
        input=$KERNEL_TESTS/inputs/p2p-$side/ifcfg-gre1
        case ${by[$side]} in
        script) rc_local "$side" "$input" ;;
        nm)
            nm_start "$side"
            nm_activate "$side" "$input"
            ;;
        keyfile)
            nm_start "$side"
            nm_load_up "$side" "$input"
            ;;
        *) fail "p2p_tunnel: unknown way '${by[$side]}'" ;;
        esac
    done
    link_has a gre1 "mtu 1400" "gre remote 192.0.2.2 local 192.0.2.1 ttl 33" \
        "ikey $(dotted 1001) okey $(dotted 2002)"
    link_has b gre1 "mtu 1400" "gre remote 192.0.2.1 local 192.0.2.2 ttl 33" \
        "ikey $(dotted 2002) okey $(dotted 1001)"
    reach a 203.0.113.2
    reach b 203.0.113.1
    reach a 198.51.100.129 198.51.100.1
    reach b 198.51.100.1 198.51.100.129
    for side in a b; do
        status_clean "$side" "$KERNEL_TESTS/inputs/p2p-$side/ifcfg-gre1"
    done
}

# triangle C_BY: the multipoint GRE triangle of seed 000 (hosts A, B, C;
# gre1 with key 111 and no remote; static neighbours map each inner address
# to its host's outer one), read from the article's commands for each host.
# A and B run grecfg's rendered rc.local script; C is set up "by" the same
# (script) or by grecfg activate into a NetworkManager of its own (nm),
# which has no static neighbours: they are added as grecfg's warning says,
# with ip neigh replace. Every host must reach both others through gre1.
# The article's outer addresses are kept: they exist only on this link.
triangle() {
    local -A outer=([A]=159.1.1.1 [B]=134.1.1.1 [C]=178.1.1.1)
    local -A inner=([A]=10.10.10.1 [B]=10.10.10.2 [C]=10.10.10.3)
    local h peer input rx
    # The underlay: one Ethernet segment (a bridge in namespace sw); every
    # outer address is on-link for every host.
    netns sw A B C
    at sw ip link add br0 type bridge
    at sw ip link set br0 up
    for h in A B C; do
        veth "$h" eth0 sw "port$h"
        at sw ip link set "port$h" master br0
        at "$h" ip addr add "${outer[$h]}/32" dev eth0
        at "$h" ip route add default dev eth0
    done
    for h in A B C; do
        input=$REPO/fixtures/seed000-multipoint-$h-ip/input/commands.ip
        if [[ $h == C && $1 == nm ]]; then
            nm_start C
            nm_activate C "$input"
            for peer in A B; do
                at C ip neigh replace "${inner[$peer]}" lladdr "${outer[$peer]}" dev gre1
            done
        else
            rc_local "$h" "$input"
        fi
    done
    for h in A B C; do
        link_has "$h" gre1 "gre remote any local ${outer[$h]}" \
            "ikey $(dotted 111) okey $(dotted 111)"
    done
    for h in A B C; do
        for peer in A B C; do
            [[ $h != "$peer" ]] || continue
            reach "$h" "${inner[$peer]}"
        done
    done
    # The answers came through the tunnel: every gre1 received packets.
    for h in A B C; do
        rx=$(at "$h" cat /sys/class/net/gre1/statistics/rx_packets)
        ((rx > 0)) || fail "gre1 of $h received nothing"
    done
}
