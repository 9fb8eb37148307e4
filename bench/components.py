#!/usr/bin/env python3
"""Sums `perf report --no-children --sort dso,symbol` lines (stdin) into the proxy's components,
so that a profile reads as "where a request's cycles go". Used by bench/profile.sh."""
import re
import sys

# First match wins; patterns are tried against "dso symbol".
COMPONENTS = [
    ("kernel: scheduling and wake-ups", r"\[kernel\.kallsyms\].*(finish_task_switch|schedule|futex|sched_|try_to_wake_up|_raw_spin_unlock_irq|ttwu|enqueue_task|dequeue_task|pick_next|update_curr|select_task_rq|psi_)"),
    ("kernel: TCP/IP and sockets", r"\[kernel\.kallsyms\].*(tcp|ip_|ipv4|inet|sock|skb|net_|netif|loopback|dev_|__sys_send|__sys_recv|release_sock|lock_sock|bbr|__check_object|copy_|_copy|csum|nf_|rcv|xmit|napi|softirq|__virt_addr_valid|sk_)"),
    ("kernel: epoll, syscalls, other", r"\[kernel\.kallsyms\]"),
    ("Lua (liblua)", r"liblua"),
    ("ActorProxy (rules, hand-offs, Lua bridge)", r"\[actorproxy\]|\[ActorProxy\.|KeraLua"),
    ("Akka (mailboxes, dispatch)", r"\[Akka|Helios"),
    ("YARP", r"\[Yarp\."),
    ("HttpClient (System.Net.Http)", r"\[System\.Net\.Http\]"),
    ("Kestrel and ASP.NET Core", r"\[Microsoft\.AspNetCore|\[Microsoft\.Extensions|\[System\.IO\.Pipelines\]"),
    ("sockets (System.Net.Sockets, libc send/recv/epoll)", r"\[System\.Net\.Sockets\]|System\.Net\.Sockets\.dll|libSystem\.Native|libc\.so.*(recv|send|epoll|pthread|syscall)"),
    ("runtime: async, threading, collections (CoreLib)", r"\[System\.Private\.CoreLib\]|\[System\.Collections|\[System\.Runtime|\[System\.Linq\]|\[System\.Memory\]"),
    ("runtime: GC, allocation, stubs (coreclr)", r"libcoreclr|\[JIT\].*stub|ld-linux|__tls_get_addr"),
    ("JIT compiler", r"libclrjit"),
]

totals = {name: 0.0 for name, _ in COMPONENTS}
other = 0.0
for line in sys.stdin:
    match = re.match(r"\s*([\d.]+)%\s+(.*)", line)
    if not match:
        continue
    share, rest = float(match.group(1)), match.group(2)
    for name, pattern in COMPONENTS:
        if re.search(pattern, rest):
            totals[name] += share
            break
    else:
        other += share

for name, share in sorted(totals.items(), key=lambda item: -item[1]):
    if share >= 0.05:
        print(f"{share:6.1f}%  {name}")
print(f"{other:6.1f}%  other")
