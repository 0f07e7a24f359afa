# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_grecfg_global_optspecs
    string join \n q/quiet v/verbose h/help V/version
end

function __fish_grecfg_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_grecfg_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_grecfg_using_subcommand
    set -l cmd (__fish_grecfg_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c grecfg -n "__fish_grecfg_needs_command" -s q -l quiet -d 'Print errors only: no warnings, notes, progress or summary (check and mtu print their report all the same)'
complete -c grecfg -n "__fish_grecfg_needs_command" -s v -l verbose -d 'Print more: every file written, however many'
complete -c grecfg -n "__fish_grecfg_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grecfg -n "__fish_grecfg_needs_command" -s V -l version -d 'Print version'
complete -c grecfg -n "__fish_grecfg_needs_command" -f -a "convert" -d 'Convert tunnel configurations from one format to another'
complete -c grecfg -n "__fish_grecfg_needs_command" -f -a "render" -d 'Render tunnels as scripts, units, firewall rules and keepalives'
complete -c grecfg -n "__fish_grecfg_needs_command" -f -a "peer" -d 'Write the configuration of the other end of a tunnel'
complete -c grecfg -n "__fish_grecfg_needs_command" -f -a "check" -d 'Find mistakes in a tunnel, or in the two ends of one'
complete -c grecfg -n "__fish_grecfg_needs_command" -f -a "mtu" -d 'Show a tunnel\'s header overhead, MTU and TCP MSS'
complete -c grecfg -n "__fish_grecfg_needs_command" -f -a "activate" -d 'Create or update a NetworkManager profile over D-Bus and bring it up'
complete -c grecfg -n "__fish_grecfg_needs_command" -f -a "deactivate" -d 'Deactivate NetworkManager profiles'
complete -c grecfg -n "__fish_grecfg_needs_command" -f -a "delete" -d 'Delete NetworkManager profiles'
complete -c grecfg -n "__fish_grecfg_needs_command" -f -a "migrate" -d 'Move a machine\'s ifcfg tunnels to NetworkManager keyfiles, with a backup to undo it'
complete -c grecfg -n "__fish_grecfg_needs_command" -f -a "status" -d 'Compare tunnels\' configuration with the running system: NetworkManager and the kernel'
complete -c grecfg -n "__fish_grecfg_needs_command" -f -a "completions" -d 'Print the shell completion script for bash, zsh or fish'
complete -c grecfg -n "__fish_grecfg_needs_command" -f -a "generator" -d 'The systemd generator: ifcfg tunnels as NetworkManager runtime profiles at boot'
complete -c grecfg -n "__fish_grecfg_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c grecfg -n "__fish_grecfg_using_subcommand convert" -l to -d 'Format to write' -r -f -a "ifcfg\t'RHEL/Fedora initscripts `ifcfg-NAME` (with `route-NAME`, `route6-NAME`, `keys-NAME`)'
nm\t'NetworkManager keyfile `NAME.nmconnection` (alias: keyfile)'
model\t'grecfg\'s tunnel model as JSON (the debugging view)'
iproute2\t'iproute2 command lines (`NAME.ip`), as typed at a prompt'
rc.local\t'A shell script (`rc.local-NAME`); written as a `start|stop` script'
systemd\t'A oneshot systemd service (written only)'
nmcli\t'`nmcli connection add|modify` command lines (`NAME.nmcli`), mixed with iproute2 ones'
firewalld\t'firewalld rules admitting the tunnel from its peer: a `firewall-cmd` script (written only)'
nftables\t'nftables rules in a table of the tunnel\'s own: an `nft -f` file (written only)'
iptables\t'iptables rules admitting the tunnel from its peer: a script (written only)'
sysctl\t'A sysctl.d file turning forwarding on (written only)'
keepalive\t'A keepalive: probe script, systemd service and timer (written only)'"
complete -c grecfg -n "__fish_grecfg_using_subcommand convert" -l from -d 'Format of the inputs (detected when absent)' -r -f -a "ifcfg\t'RHEL/Fedora initscripts `ifcfg-NAME` (with `route-NAME`, `route6-NAME`, `keys-NAME`)'
nm\t'NetworkManager keyfile `NAME.nmconnection` (alias: keyfile)'
model\t'grecfg\'s tunnel model as JSON (the debugging view)'
iproute2\t'iproute2 command lines (`NAME.ip`), as typed at a prompt'
rc.local\t'A shell script (`rc.local-NAME`); written as a `start|stop` script'
systemd\t'A oneshot systemd service (written only)'
nmcli\t'`nmcli connection add|modify` command lines (`NAME.nmcli`), mixed with iproute2 ones'
firewalld\t'firewalld rules admitting the tunnel from its peer: a `firewall-cmd` script (written only)'
nftables\t'nftables rules in a table of the tunnel\'s own: an `nft -f` file (written only)'
iptables\t'iptables rules admitting the tunnel from its peer: a script (written only)'
sysctl\t'A sysctl.d file turning forwarding on (written only)'
keepalive\t'A keepalive: probe script, systemd service and timer (written only)'"
complete -c grecfg -n "__fish_grecfg_using_subcommand convert" -s o -l output -d 'Write the result to FILE (one output file only)' -r -F
complete -c grecfg -n "__fish_grecfg_using_subcommand convert" -l output-dir -d 'Write the result files into DIR (created if missing)' -r -F
complete -c grecfg -n "__fish_grecfg_using_subcommand convert" -l uuid -d 'How a NetworkManager profile without a UUID in the input gets one' -r -f -a "stable\t'Derived from the interface name (UUIDv5): the same input always gives the same file'
legacy\t'NetworkManager\'s ifcfg-rh rule: the MD5 of the input file\'s absolute path'
random\t'A new random UUID on every run'"
complete -c grecfg -n "__fish_grecfg_using_subcommand convert" -l template-dir -d 'Use the templates in DIR instead of the shipped ones with the same file name' -r -F
complete -c grecfg -n "__fish_grecfg_using_subcommand convert" -l format -d 'How diagnostics and the summary are reported' -r -f -a "text\t'Diagnostics on standard error, errors first, repeated ones collapsed, and a summary line'
json\t'One JSON document on standard output with every diagnostic, the summary, and the files when they would go to standard output (schema docs/grecfg.schema.json)'"
complete -c grecfg -n "__fish_grecfg_using_subcommand convert" -s q -l quiet -d 'Print errors only: no warnings, notes, progress or summary (check and mtu print their report all the same)'
complete -c grecfg -n "__fish_grecfg_using_subcommand convert" -s v -l verbose -d 'Print more: every file written, however many'
complete -c grecfg -n "__fish_grecfg_using_subcommand convert" -l diff -d 'Show a unified diff against what is at the destination; write nothing'
complete -c grecfg -n "__fish_grecfg_using_subcommand convert" -l strict -d 'Treat warnings (anything not carried over exactly) as errors'
complete -c grecfg -n "__fish_grecfg_using_subcommand convert" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grecfg -n "__fish_grecfg_using_subcommand convert" -s V -l version -d 'Print version'
complete -c grecfg -n "__fish_grecfg_using_subcommand render" -l target -d 'What to render' -r -f -a "iproute2\t'iproute2 command lines (`NAME.ip`)'
rc.local\t'A `start|stop` shell script (`rc.local-NAME`)'
systemd\t'A oneshot systemd service (`grecfg-tunnel-NAME.service`)'
firewalld\t'firewall-cmd rules admitting the tunnel (`firewalld-NAME.sh`)'
nftables\t'An nft -f file with the tunnel\'s own table (`grecfg-NAME.nft`)'
iptables\t'iptables rules admitting the tunnel (`iptables-NAME.sh`)'
sysctl\t'Forwarding on, for /etc/sysctl.d (`90-grecfg-NAME.conf`)'
keepalive\t'A ping probe with its systemd service and timer (`grecfg-keepalive-NAME*`)'"
complete -c grecfg -n "__fish_grecfg_using_subcommand render" -l masquerade -d 'firewalld, nftables, iptables: masquerade traffic from the tunnel\'s inner networks leaving through IFACE, and admit forwarding between the tunnel and IFACE' -r
complete -c grecfg -n "__fish_grecfg_using_subcommand render" -l keepalive-interval -d 'keepalive: seconds between two pings of the peer' -r
complete -c grecfg -n "__fish_grecfg_using_subcommand render" -l keepalive-misses -d 'keepalive: unanswered pings in a row that mark the tunnel down' -r
complete -c grecfg -n "__fish_grecfg_using_subcommand render" -l keepalive-peer -d 'keepalive: the inner address to ping (default: the peer of the tunnel\'s address, or the other host of its /30, /31 or /127)' -r
complete -c grecfg -n "__fish_grecfg_using_subcommand render" -l from -d 'Format of the inputs (detected when absent)' -r -f -a "ifcfg\t'RHEL/Fedora initscripts `ifcfg-NAME` (with `route-NAME`, `route6-NAME`, `keys-NAME`)'
nm\t'NetworkManager keyfile `NAME.nmconnection` (alias: keyfile)'
model\t'grecfg\'s tunnel model as JSON (the debugging view)'
iproute2\t'iproute2 command lines (`NAME.ip`), as typed at a prompt'
rc.local\t'A shell script (`rc.local-NAME`); written as a `start|stop` script'
systemd\t'A oneshot systemd service (written only)'
nmcli\t'`nmcli connection add|modify` command lines (`NAME.nmcli`), mixed with iproute2 ones'
firewalld\t'firewalld rules admitting the tunnel from its peer: a `firewall-cmd` script (written only)'
nftables\t'nftables rules in a table of the tunnel\'s own: an `nft -f` file (written only)'
iptables\t'iptables rules admitting the tunnel from its peer: a script (written only)'
sysctl\t'A sysctl.d file turning forwarding on (written only)'
keepalive\t'A keepalive: probe script, systemd service and timer (written only)'"
complete -c grecfg -n "__fish_grecfg_using_subcommand render" -s o -l output -d 'Write the result to FILE (one output file only)' -r -F
complete -c grecfg -n "__fish_grecfg_using_subcommand render" -l output-dir -d 'Write the result files into DIR (created if missing)' -r -F
complete -c grecfg -n "__fish_grecfg_using_subcommand render" -l uuid -d 'How a NetworkManager profile without a UUID in the input gets one' -r -f -a "stable\t'Derived from the interface name (UUIDv5): the same input always gives the same file'
legacy\t'NetworkManager\'s ifcfg-rh rule: the MD5 of the input file\'s absolute path'
random\t'A new random UUID on every run'"
complete -c grecfg -n "__fish_grecfg_using_subcommand render" -l template-dir -d 'Use the templates in DIR instead of the shipped ones with the same file name' -r -F
complete -c grecfg -n "__fish_grecfg_using_subcommand render" -l format -d 'How diagnostics and the summary are reported' -r -f -a "text\t'Diagnostics on standard error, errors first, repeated ones collapsed, and a summary line'
json\t'One JSON document on standard output with every diagnostic, the summary, and the files when they would go to standard output (schema docs/grecfg.schema.json)'"
complete -c grecfg -n "__fish_grecfg_using_subcommand render" -s q -l quiet -d 'Print errors only: no warnings, notes, progress or summary (check and mtu print their report all the same)'
complete -c grecfg -n "__fish_grecfg_using_subcommand render" -s v -l verbose -d 'Print more: every file written, however many'
complete -c grecfg -n "__fish_grecfg_using_subcommand render" -l diff -d 'Show a unified diff against what is at the destination; write nothing'
complete -c grecfg -n "__fish_grecfg_using_subcommand render" -l strict -d 'Treat warnings (anything not carried over exactly) as errors'
complete -c grecfg -n "__fish_grecfg_using_subcommand render" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grecfg -n "__fish_grecfg_using_subcommand render" -s V -l version -d 'Print version'
complete -c grecfg -n "__fish_grecfg_using_subcommand peer" -l to -d 'Format to write' -r -f -a "ifcfg\t'RHEL/Fedora initscripts `ifcfg-NAME` (with `route-NAME`, `route6-NAME`, `keys-NAME`)'
nm\t'NetworkManager keyfile `NAME.nmconnection` (alias: keyfile)'
model\t'grecfg\'s tunnel model as JSON (the debugging view)'
iproute2\t'iproute2 command lines (`NAME.ip`), as typed at a prompt'
rc.local\t'A shell script (`rc.local-NAME`); written as a `start|stop` script'
systemd\t'A oneshot systemd service (written only)'
nmcli\t'`nmcli connection add|modify` command lines (`NAME.nmcli`), mixed with iproute2 ones'
firewalld\t'firewalld rules admitting the tunnel from its peer: a `firewall-cmd` script (written only)'
nftables\t'nftables rules in a table of the tunnel\'s own: an `nft -f` file (written only)'
iptables\t'iptables rules admitting the tunnel from its peer: a script (written only)'
sysctl\t'A sysctl.d file turning forwarding on (written only)'
keepalive\t'A keepalive: probe script, systemd service and timer (written only)'"
complete -c grecfg -n "__fish_grecfg_using_subcommand peer" -l name -d 'The peer\'s interface (and profile) name; default: this end\'s' -r
complete -c grecfg -n "__fish_grecfg_using_subcommand peer" -l local-subnet -d 'This end\'s network behind the tunnel, routed by the peer through it (repeatable)' -r
complete -c grecfg -n "__fish_grecfg_using_subcommand peer" -l public-address -d 'This end\'s address as the peer reaches it (behind NAT); default: the local address' -r
complete -c grecfg -n "__fish_grecfg_using_subcommand peer" -l peer-local -d 'The peer\'s own address, when it is not this end\'s remote (the peer is behind NAT)' -r
complete -c grecfg -n "__fish_grecfg_using_subcommand peer" -l peer-address -d 'The peer\'s inner address, when it cannot be derived (repeatable)' -r
complete -c grecfg -n "__fish_grecfg_using_subcommand peer" -l from -d 'Format of the inputs (detected when absent)' -r -f -a "ifcfg\t'RHEL/Fedora initscripts `ifcfg-NAME` (with `route-NAME`, `route6-NAME`, `keys-NAME`)'
nm\t'NetworkManager keyfile `NAME.nmconnection` (alias: keyfile)'
model\t'grecfg\'s tunnel model as JSON (the debugging view)'
iproute2\t'iproute2 command lines (`NAME.ip`), as typed at a prompt'
rc.local\t'A shell script (`rc.local-NAME`); written as a `start|stop` script'
systemd\t'A oneshot systemd service (written only)'
nmcli\t'`nmcli connection add|modify` command lines (`NAME.nmcli`), mixed with iproute2 ones'
firewalld\t'firewalld rules admitting the tunnel from its peer: a `firewall-cmd` script (written only)'
nftables\t'nftables rules in a table of the tunnel\'s own: an `nft -f` file (written only)'
iptables\t'iptables rules admitting the tunnel from its peer: a script (written only)'
sysctl\t'A sysctl.d file turning forwarding on (written only)'
keepalive\t'A keepalive: probe script, systemd service and timer (written only)'"
complete -c grecfg -n "__fish_grecfg_using_subcommand peer" -s o -l output -d 'Write the result to FILE (one output file only)' -r -F
complete -c grecfg -n "__fish_grecfg_using_subcommand peer" -l output-dir -d 'Write the result files into DIR (created if missing)' -r -F
complete -c grecfg -n "__fish_grecfg_using_subcommand peer" -l uuid -d 'How a NetworkManager profile without a UUID in the input gets one' -r -f -a "stable\t'Derived from the interface name (UUIDv5): the same input always gives the same file'
legacy\t'NetworkManager\'s ifcfg-rh rule: the MD5 of the input file\'s absolute path'
random\t'A new random UUID on every run'"
complete -c grecfg -n "__fish_grecfg_using_subcommand peer" -l template-dir -d 'Use the templates in DIR instead of the shipped ones with the same file name' -r -F
complete -c grecfg -n "__fish_grecfg_using_subcommand peer" -l format -d 'How diagnostics and the summary are reported' -r -f -a "text\t'Diagnostics on standard error, errors first, repeated ones collapsed, and a summary line'
json\t'One JSON document on standard output with every diagnostic, the summary, and the files when they would go to standard output (schema docs/grecfg.schema.json)'"
complete -c grecfg -n "__fish_grecfg_using_subcommand peer" -s q -l quiet -d 'Print errors only: no warnings, notes, progress or summary (check and mtu print their report all the same)'
complete -c grecfg -n "__fish_grecfg_using_subcommand peer" -s v -l verbose -d 'Print more: every file written, however many'
complete -c grecfg -n "__fish_grecfg_using_subcommand peer" -l diff -d 'Show a unified diff against what is at the destination; write nothing'
complete -c grecfg -n "__fish_grecfg_using_subcommand peer" -l strict -d 'Treat warnings (anything not carried over exactly) as errors'
complete -c grecfg -n "__fish_grecfg_using_subcommand peer" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grecfg -n "__fish_grecfg_using_subcommand peer" -s V -l version -d 'Print version'
complete -c grecfg -n "__fish_grecfg_using_subcommand check" -l from -d 'Format of the inputs (detected when absent)' -r -f -a "ifcfg\t'RHEL/Fedora initscripts `ifcfg-NAME` (with `route-NAME`, `route6-NAME`, `keys-NAME`)'
nm\t'NetworkManager keyfile `NAME.nmconnection` (alias: keyfile)'
model\t'grecfg\'s tunnel model as JSON (the debugging view)'
iproute2\t'iproute2 command lines (`NAME.ip`), as typed at a prompt'
rc.local\t'A shell script (`rc.local-NAME`); written as a `start|stop` script'
systemd\t'A oneshot systemd service (written only)'
nmcli\t'`nmcli connection add|modify` command lines (`NAME.nmcli`), mixed with iproute2 ones'
firewalld\t'firewalld rules admitting the tunnel from its peer: a `firewall-cmd` script (written only)'
nftables\t'nftables rules in a table of the tunnel\'s own: an `nft -f` file (written only)'
iptables\t'iptables rules admitting the tunnel from its peer: a script (written only)'
sysctl\t'A sysctl.d file turning forwarding on (written only)'
keepalive\t'A keepalive: probe script, systemd service and timer (written only)'"
complete -c grecfg -n "__fish_grecfg_using_subcommand check" -l format -d 'How to print the findings' -r -f -a "text\t'file:line:col: severity[ID]: message, the line, a caret and the hint'
json\t'One JSON document (schema version 1)'"
complete -c grecfg -n "__fish_grecfg_using_subcommand check" -l underlay-mtu -d 'MTU of the underlay the tunnel runs over' -r
complete -c grecfg -n "__fish_grecfg_using_subcommand check" -l target -d 'Also report what FORMAT cannot hold exactly (GRE013), e.g. peer addresses for nm' -r -f -a "ifcfg\t'RHEL/Fedora initscripts `ifcfg-NAME` (with `route-NAME`, `route6-NAME`, `keys-NAME`)'
nm\t'NetworkManager keyfile `NAME.nmconnection` (alias: keyfile)'
model\t'grecfg\'s tunnel model as JSON (the debugging view)'
iproute2\t'iproute2 command lines (`NAME.ip`), as typed at a prompt'
rc.local\t'A shell script (`rc.local-NAME`); written as a `start|stop` script'
systemd\t'A oneshot systemd service (written only)'
nmcli\t'`nmcli connection add|modify` command lines (`NAME.nmcli`), mixed with iproute2 ones'
firewalld\t'firewalld rules admitting the tunnel from its peer: a `firewall-cmd` script (written only)'
nftables\t'nftables rules in a table of the tunnel\'s own: an `nft -f` file (written only)'
iptables\t'iptables rules admitting the tunnel from its peer: a script (written only)'
sysctl\t'A sysctl.d file turning forwarding on (written only)'
keepalive\t'A keepalive: probe script, systemd service and timer (written only)'"
complete -c grecfg -n "__fish_grecfg_using_subcommand check" -s q -l quiet -d 'Print errors only: no warnings, notes, progress or summary (check and mtu print their report all the same)'
complete -c grecfg -n "__fish_grecfg_using_subcommand check" -s v -l verbose -d 'Print more: every file written, however many'
complete -c grecfg -n "__fish_grecfg_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grecfg -n "__fish_grecfg_using_subcommand check" -s V -l version -d 'Print version'
complete -c grecfg -n "__fish_grecfg_using_subcommand mtu" -l underlay-mtu -d 'MTU of the underlay' -r
complete -c grecfg -n "__fish_grecfg_using_subcommand mtu" -l mode -d 'Tunnel mode (gre, gretap, ipip, sit, ip6gre, ...)' -r
complete -c grecfg -n "__fish_grecfg_using_subcommand mtu" -l bytes -d 'Payload of the transfer to count packets for' -r
complete -c grecfg -n "__fish_grecfg_using_subcommand mtu" -l format -d 'How to print the result' -r -f -a "text\t'file:line:col: severity[ID]: message, the line, a caret and the hint'
json\t'One JSON document (schema version 1)'"
complete -c grecfg -n "__fish_grecfg_using_subcommand mtu" -s q -l quiet -d 'Print errors only: no warnings, notes, progress or summary (check and mtu print their report all the same)'
complete -c grecfg -n "__fish_grecfg_using_subcommand mtu" -s v -l verbose -d 'Print more: every file written, however many'
complete -c grecfg -n "__fish_grecfg_using_subcommand mtu" -l key -d 'GRE key option (ikey/okey/key)'
complete -c grecfg -n "__fish_grecfg_using_subcommand mtu" -l csum -d 'GRE checksum option (icsum/ocsum/csum)'
complete -c grecfg -n "__fish_grecfg_using_subcommand mtu" -l seq -d 'GRE sequence number option (iseq/oseq/seq)'
complete -c grecfg -n "__fish_grecfg_using_subcommand mtu" -l ipv6-underlay -d 'Run over IPv6: gre becomes ip6gre, gretap ip6gretap, ipip ipip6'
complete -c grecfg -n "__fish_grecfg_using_subcommand mtu" -l no-encap-limit -d 'No IPv6 encapsulation-limit option (`encaplimit none`)'
complete -c grecfg -n "__fish_grecfg_using_subcommand mtu" -l inner-ipv6 -d 'Inner packets are IPv6 (for the TCP MSS)'
complete -c grecfg -n "__fish_grecfg_using_subcommand mtu" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grecfg -n "__fish_grecfg_using_subcommand mtu" -s V -l version -d 'Print version'
complete -c grecfg -n "__fish_grecfg_using_subcommand activate" -l from -d 'Format of the inputs (detected when absent)' -r -f -a "ifcfg\t'RHEL/Fedora initscripts `ifcfg-NAME` (with `route-NAME`, `route6-NAME`, `keys-NAME`)'
nm\t'NetworkManager keyfile `NAME.nmconnection` (alias: keyfile)'
model\t'grecfg\'s tunnel model as JSON (the debugging view)'
iproute2\t'iproute2 command lines (`NAME.ip`), as typed at a prompt'
rc.local\t'A shell script (`rc.local-NAME`); written as a `start|stop` script'
systemd\t'A oneshot systemd service (written only)'
nmcli\t'`nmcli connection add|modify` command lines (`NAME.nmcli`), mixed with iproute2 ones'
firewalld\t'firewalld rules admitting the tunnel from its peer: a `firewall-cmd` script (written only)'
nftables\t'nftables rules in a table of the tunnel\'s own: an `nft -f` file (written only)'
iptables\t'iptables rules admitting the tunnel from its peer: a script (written only)'
sysctl\t'A sysctl.d file turning forwarding on (written only)'
keepalive\t'A keepalive: probe script, systemd service and timer (written only)'"
complete -c grecfg -n "__fish_grecfg_using_subcommand activate" -l timeout -d 'Seconds to wait for the activation to succeed or fail' -r
complete -c grecfg -n "__fish_grecfg_using_subcommand activate" -l uuid -d 'How a profile without a UUID in the input gets one' -r -f -a "stable\t'Derived from the interface name (UUIDv5): the same input always gives the same file'
legacy\t'NetworkManager\'s ifcfg-rh rule: the MD5 of the input file\'s absolute path'
random\t'A new random UUID on every run'"
complete -c grecfg -n "__fish_grecfg_using_subcommand activate" -s q -l quiet -d 'Print errors only: no warnings, notes, progress or summary (check and mtu print their report all the same)'
complete -c grecfg -n "__fish_grecfg_using_subcommand activate" -s v -l verbose -d 'Print more: every file written, however many'
complete -c grecfg -n "__fish_grecfg_using_subcommand activate" -l in-memory -d 'Keep the profile in NetworkManager\'s memory only: nothing is written to disk'
complete -c grecfg -n "__fish_grecfg_using_subcommand activate" -l no-up -d 'Add or update the profile but do not activate it (NetworkManager does not autoconnect it either until it is activated or NetworkManager restarts)'
complete -c grecfg -n "__fish_grecfg_using_subcommand activate" -l dry-run -d 'Print the settings and what would be done; change nothing'
complete -c grecfg -n "__fish_grecfg_using_subcommand activate" -l strict -d 'Treat warnings (anything not carried over exactly) as errors'
complete -c grecfg -n "__fish_grecfg_using_subcommand activate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grecfg -n "__fish_grecfg_using_subcommand activate" -s V -l version -d 'Print version'
complete -c grecfg -n "__fish_grecfg_using_subcommand deactivate" -s q -l quiet -d 'Print errors only: no warnings, notes, progress or summary (check and mtu print their report all the same)'
complete -c grecfg -n "__fish_grecfg_using_subcommand deactivate" -s v -l verbose -d 'Print more: every file written, however many'
complete -c grecfg -n "__fish_grecfg_using_subcommand deactivate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grecfg -n "__fish_grecfg_using_subcommand deactivate" -s V -l version -d 'Print version'
complete -c grecfg -n "__fish_grecfg_using_subcommand delete" -s q -l quiet -d 'Print errors only: no warnings, notes, progress or summary (check and mtu print their report all the same)'
complete -c grecfg -n "__fish_grecfg_using_subcommand delete" -s v -l verbose -d 'Print more: every file written, however many'
complete -c grecfg -n "__fish_grecfg_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grecfg -n "__fish_grecfg_using_subcommand delete" -s V -l version -d 'Print version'
complete -c grecfg -n "__fish_grecfg_using_subcommand migrate" -l root -d 'The machine\'s files are under DIR (`/` is this machine)' -r -F
complete -c grecfg -n "__fish_grecfg_using_subcommand migrate" -l backup-dir -d 'Keep the migrations\' backups and manifests in DIR, under the root (default var/lib/grecfg/migrations)' -r -F
complete -c grecfg -n "__fish_grecfg_using_subcommand migrate" -l undo -d 'Undo the last migration, or migration ID' -r
complete -c grecfg -n "__fish_grecfg_using_subcommand migrate" -l rollback-timeout -d 'With --activate: keep the checkpoint after success; NetworkManager rolls back after SECS seconds unless `grecfg migrate --confirm` comes first' -r
complete -c grecfg -n "__fish_grecfg_using_subcommand migrate" -l timeout -d 'Seconds to wait for each activation to succeed or fail' -r
complete -c grecfg -n "__fish_grecfg_using_subcommand migrate" -l format -d 'How to print what was done: text on standard error, or one JSON document on standard output' -r -f -a "text\t'Diagnostics on standard error, errors first, repeated ones collapsed, and a summary line'
json\t'One JSON document on standard output with every diagnostic, the summary, and the files when they would go to standard output (schema docs/grecfg.schema.json)'"
complete -c grecfg -n "__fish_grecfg_using_subcommand migrate" -s q -l quiet -d 'Print errors only: no warnings, notes, progress or summary (check and mtu print their report all the same)'
complete -c grecfg -n "__fish_grecfg_using_subcommand migrate" -s v -l verbose -d 'Print more: every file written, however many'
complete -c grecfg -n "__fish_grecfg_using_subcommand migrate" -l dry-run -d 'Print the plan (what is written, moved, left alone) and change nothing'
complete -c grecfg -n "__fish_grecfg_using_subcommand migrate" -l diff -d 'Print unified diffs of every file the migration would change, and change nothing'
complete -c grecfg -n "__fish_grecfg_using_subcommand migrate" -l keep-ifcfg -d 'Write the keyfiles but leave the ifcfg files in place'
complete -c grecfg -n "__fish_grecfg_using_subcommand migrate" -l force -d 'With --undo: remove keyfiles and replace ifcfg files changed since the migration'
complete -c grecfg -n "__fish_grecfg_using_subcommand migrate" -l activate -d 'Load the keyfiles into the running NetworkManager and bring them up under a checkpoint; roll everything back if one fails'
complete -c grecfg -n "__fish_grecfg_using_subcommand migrate" -l confirm -d 'Keep a migration activated with --rollback-timeout: destroy its checkpoint'
complete -c grecfg -n "__fish_grecfg_using_subcommand migrate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grecfg -n "__fish_grecfg_using_subcommand migrate" -s V -l version -d 'Print version'
complete -c grecfg -n "__fish_grecfg_using_subcommand status" -l from -d 'Format of the inputs (detected when absent)' -r -f -a "ifcfg\t'RHEL/Fedora initscripts `ifcfg-NAME` (with `route-NAME`, `route6-NAME`, `keys-NAME`)'
nm\t'NetworkManager keyfile `NAME.nmconnection` (alias: keyfile)'
model\t'grecfg\'s tunnel model as JSON (the debugging view)'
iproute2\t'iproute2 command lines (`NAME.ip`), as typed at a prompt'
rc.local\t'A shell script (`rc.local-NAME`); written as a `start|stop` script'
systemd\t'A oneshot systemd service (written only)'
nmcli\t'`nmcli connection add|modify` command lines (`NAME.nmcli`), mixed with iproute2 ones'
firewalld\t'firewalld rules admitting the tunnel from its peer: a `firewall-cmd` script (written only)'
nftables\t'nftables rules in a table of the tunnel\'s own: an `nft -f` file (written only)'
iptables\t'iptables rules admitting the tunnel from its peer: a script (written only)'
sysctl\t'A sysctl.d file turning forwarding on (written only)'
keepalive\t'A keepalive: probe script, systemd service and timer (written only)'"
complete -c grecfg -n "__fish_grecfg_using_subcommand status" -l format -d 'How to print the findings: text on standard output, or one JSON document' -r -f -a "text\t'Diagnostics on standard error, errors first, repeated ones collapsed, and a summary line'
json\t'One JSON document on standard output with every diagnostic, the summary, and the files when they would go to standard output (schema docs/grecfg.schema.json)'"
complete -c grecfg -n "__fish_grecfg_using_subcommand status" -s q -l quiet -d 'Print errors only: no warnings, notes, progress or summary (check and mtu print their report all the same)'
complete -c grecfg -n "__fish_grecfg_using_subcommand status" -s v -l verbose -d 'Print more: every file written, however many'
complete -c grecfg -n "__fish_grecfg_using_subcommand status" -l all -d 'Every tunnel profile NetworkManager has on disk, instead of inputs'
complete -c grecfg -n "__fish_grecfg_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grecfg -n "__fish_grecfg_using_subcommand status" -s V -l version -d 'Print version'
complete -c grecfg -n "__fish_grecfg_using_subcommand completions" -s q -l quiet -d 'Print errors only: no warnings, notes, progress or summary (check and mtu print their report all the same)'
complete -c grecfg -n "__fish_grecfg_using_subcommand completions" -s v -l verbose -d 'Print more: every file written, however many'
complete -c grecfg -n "__fish_grecfg_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grecfg -n "__fish_grecfg_using_subcommand completions" -s V -l version -d 'Print version'
complete -c grecfg -n "__fish_grecfg_using_subcommand generator" -l root -d 'The machine\'s files are under DIR (`/` is this machine)' -r -F
complete -c grecfg -n "__fish_grecfg_using_subcommand generator" -s q -l quiet -d 'Print errors only: no warnings, notes, progress or summary (check and mtu print their report all the same)'
complete -c grecfg -n "__fish_grecfg_using_subcommand generator" -s v -l verbose -d 'Print more: every file written, however many'
complete -c grecfg -n "__fish_grecfg_using_subcommand generator" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c grecfg -n "__fish_grecfg_using_subcommand generator" -s V -l version -d 'Print version'
complete -c grecfg -n "__fish_grecfg_using_subcommand help; and not __fish_seen_subcommand_from convert render peer check mtu activate deactivate delete migrate status completions generator help" -f -a "convert" -d 'Convert tunnel configurations from one format to another'
complete -c grecfg -n "__fish_grecfg_using_subcommand help; and not __fish_seen_subcommand_from convert render peer check mtu activate deactivate delete migrate status completions generator help" -f -a "render" -d 'Render tunnels as scripts, units, firewall rules and keepalives'
complete -c grecfg -n "__fish_grecfg_using_subcommand help; and not __fish_seen_subcommand_from convert render peer check mtu activate deactivate delete migrate status completions generator help" -f -a "peer" -d 'Write the configuration of the other end of a tunnel'
complete -c grecfg -n "__fish_grecfg_using_subcommand help; and not __fish_seen_subcommand_from convert render peer check mtu activate deactivate delete migrate status completions generator help" -f -a "check" -d 'Find mistakes in a tunnel, or in the two ends of one'
complete -c grecfg -n "__fish_grecfg_using_subcommand help; and not __fish_seen_subcommand_from convert render peer check mtu activate deactivate delete migrate status completions generator help" -f -a "mtu" -d 'Show a tunnel\'s header overhead, MTU and TCP MSS'
complete -c grecfg -n "__fish_grecfg_using_subcommand help; and not __fish_seen_subcommand_from convert render peer check mtu activate deactivate delete migrate status completions generator help" -f -a "activate" -d 'Create or update a NetworkManager profile over D-Bus and bring it up'
complete -c grecfg -n "__fish_grecfg_using_subcommand help; and not __fish_seen_subcommand_from convert render peer check mtu activate deactivate delete migrate status completions generator help" -f -a "deactivate" -d 'Deactivate NetworkManager profiles'
complete -c grecfg -n "__fish_grecfg_using_subcommand help; and not __fish_seen_subcommand_from convert render peer check mtu activate deactivate delete migrate status completions generator help" -f -a "delete" -d 'Delete NetworkManager profiles'
complete -c grecfg -n "__fish_grecfg_using_subcommand help; and not __fish_seen_subcommand_from convert render peer check mtu activate deactivate delete migrate status completions generator help" -f -a "migrate" -d 'Move a machine\'s ifcfg tunnels to NetworkManager keyfiles, with a backup to undo it'
complete -c grecfg -n "__fish_grecfg_using_subcommand help; and not __fish_seen_subcommand_from convert render peer check mtu activate deactivate delete migrate status completions generator help" -f -a "status" -d 'Compare tunnels\' configuration with the running system: NetworkManager and the kernel'
complete -c grecfg -n "__fish_grecfg_using_subcommand help; and not __fish_seen_subcommand_from convert render peer check mtu activate deactivate delete migrate status completions generator help" -f -a "completions" -d 'Print the shell completion script for bash, zsh or fish'
complete -c grecfg -n "__fish_grecfg_using_subcommand help; and not __fish_seen_subcommand_from convert render peer check mtu activate deactivate delete migrate status completions generator help" -f -a "generator" -d 'The systemd generator: ifcfg tunnels as NetworkManager runtime profiles at boot'
complete -c grecfg -n "__fish_grecfg_using_subcommand help; and not __fish_seen_subcommand_from convert render peer check mtu activate deactivate delete migrate status completions generator help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
