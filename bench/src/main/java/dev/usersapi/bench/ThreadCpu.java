package dev.usersapi.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * CPU time, user and kernel apart: of this process's threads by name (ThreadMXBean), of the
 * current thread, and of the whole process ({@code /proc/self/stat}, which also counts the
 * collector's and the JIT's threads, which ThreadMXBean does not list).
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** USER_HZ, the unit of /proc's utime and stime: 100 on every Linux architecture the project runs on. */
    private static final double NANOS_PER_TICK = 1e9 / 100;

    /** CPU time in nanoseconds: in user space and in total (user plus kernel). */
    record Cpu(long totalNanos, long userNanos) {
        static final Cpu NONE = new Cpu(0, 0);

        long kernelNanos() {
            return totalNanos - userNanos;
        }

        Cpu plus(Cpu other) {
            return new Cpu(totalNanos + other.totalNanos, userNanos + other.userNanos);
        }

        Cpu minus(Cpu other) {
            return new Cpu(totalNanos - other.totalNanos, userNanos - other.userNanos);
        }
    }

    /** Each live thread's name and CPU time at one moment. */
    record Snapshot(Map<Long, String> names, Map<Long, Cpu> times) {
        /**
         * CPU the threads whose name {@code group} accepts spent since {@code before}; a thread
         * born since counts from zero. A thread that ended meanwhile is lost, so measure only
         * groups of long-lived threads this way (pools that live through the round).
         */
        Cpu since(Snapshot before, Predicate<String> group) {
            Cpu sum = Cpu.NONE;
            for (var entry : times.entrySet()) {
                if (group.test(names.get(entry.getKey()))) {
                    sum = sum.plus(entry.getValue().minus(before.times.getOrDefault(entry.getKey(), Cpu.NONE)));
                }
            }
            return sum;
        }
    }

    private ThreadCpu() {}

    static boolean supported() {
        return THREADS.isThreadCpuTimeSupported();
    }

    static Snapshot snapshot() {
        if (!THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
        Map<Long, String> names = new HashMap<>();
        Map<Long, Cpu> times = new HashMap<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long total = THREADS.getThreadCpuTime(info.getThreadId());
            long user = THREADS.getThreadUserTime(info.getThreadId());
            if (total >= 0 && user >= 0) {
                names.put(info.getThreadId(), info.getThreadName());
                times.put(info.getThreadId(), new Cpu(total, user));
            }
        }
        return new Snapshot(names, times);
    }

    static Cpu currentThread() {
        return new Cpu(THREADS.getCurrentThreadCpuTime(), THREADS.getCurrentThreadUserTime());
    }

    /** The whole process's CPU, from /proc/self/stat (utime and stime); empty where there is no /proc. */
    static Optional<Cpu> process() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // The command name, field 2, may hold spaces: count the fields after its closing parenthesis.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            long utime = Long.parseLong(fields[11]);
            long stime = Long.parseLong(fields[12]);
            return Optional.of(new Cpu(Math.round((utime + stime) * NANOS_PER_TICK), Math.round(utime * NANOS_PER_TICK)));
        } catch (IOException | RuntimeException noProc) {
            return Optional.empty();
        }
    }
}
