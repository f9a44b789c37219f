#!/usr/bin/env python3
"""Runs commands in turn, the order reversed every round (A, B, B, A, A,
B, ...), and prints, for each, the median wall time and the median CPU
time (user + system, from wait4's rusage).

    bench/alternate.py RUNS NAME=COMMAND [NAME=COMMAND...]

Alternating run by run keeps a shared machine's drift out of the ratios.
Reversing the order cancels what running second does to a process: on
these VMs that was worth up to 10% in either direction, steady for
minutes, so a fixed order could make the same binary look 0.89x itself.
CPU time, which counts only the process's own work (page faults
included), stays meaningful when other load makes wall times swing. The
first command is the reference of the ratios. A command that fails stops
the benchmark."""
import os, shlex, statistics, sys, time

runs = int(sys.argv[1])
cmds = [a.split("=", 1) for a in sys.argv[2:]]
wall = {n: [] for n, _ in cmds}
cpu = {n: [] for n, _ in cmds}
devnull = os.open(os.devnull, os.O_RDWR)
for i in range(runs + 3):
    for name, cmd in (cmds if i % 2 == 0 else cmds[::-1]):
        argv = shlex.split(cmd)
        t0 = time.perf_counter()
        # posix_spawn (vfork and exec in glibc), not fork: a fork copies
        # this Python process first, about 10 ms that would be added to
        # every command's wall and CPU time and pull the ratios towards 1.
        pid = os.posix_spawnp(argv[0], argv, os.environ,
                              file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 0),
                                            (os.POSIX_SPAWN_DUP2, devnull, 1)])
        _, status, ru = os.wait4(pid, 0)
        t1 = time.perf_counter()
        if status != 0:
            sys.exit("%s failed (status %d): %s" % (name, status, cmd))
        if i >= 3:  # warm-up
            wall[name].append((t1 - t0) * 1000)
            cpu[name].append((ru.ru_utime + ru.ru_stime) * 1000)
ref = cmds[0][0]
for name, _ in cmds:
    w, c = statistics.median(wall[name]), statistics.median(cpu[name])
    line = "%-14s wall %6.1f ms  cpu %6.1f ms" % (name, w, c)
    if name != ref:
        line += "   %.2fx / %.2fx %s" % (w / statistics.median(wall[ref]), c / statistics.median(cpu[ref]), ref)
    print(line)
