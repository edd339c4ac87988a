package io.himoe.server.http;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * What the JVM did besides the benchmark's requests, for {@link GatewayTtftBench}: GC pauses (from
 * the collectors' notifications, with their start on the JVM's uptime clock), JIT compilation time,
 * and the CPU time of every native thread of the process (Linux {@code /proc/self/task}: GC and
 * compiler threads included, virtual threads counted on their carriers).
 */
final class JvmWatch {

  /** One stop-the-world GC pause: start on the JVM uptime clock (ms) and duration (ms). */
  record Pause(String collector, String cause, long startMs, long durationMs) {}

  private final ConcurrentLinkedQueue<Pause> pauses = new ConcurrentLinkedQueue<>();
  private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
  // nanoTime at JVM uptime 0 (ms resolution): maps request stamps onto the GC clock.
  private final long nanoAtStart;
  private final long clockTicksPerSecond;

  JvmWatch() {
    long up = ManagementFactory.getRuntimeMXBean().getUptime();
    this.nanoAtStart = System.nanoTime() - up * 1_000_000L;
    this.clockTicksPerSecond = 100; // USER_HZ on Linux
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      String name = gc.getName();
      // Concurrent cycles run beside the application: only pauses stop it.
      if (name.contains("Concurrent") || name.contains("Cycles")) {
        continue;
      }
      ((NotificationEmitter) gc)
          .addNotificationListener(
              (n, hb) -> {
                if (!n.getType()
                    .equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                  return;
                }
                GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                pauses.add(
                    new Pause(
                        info.getGcName(),
                        info.getGcCause(),
                        info.getGcInfo().getStartTime(),
                        info.getGcInfo().getDuration()));
              },
              null,
              null);
    }
  }

  /** A point in time to measure a cell from. */
  record Mark(long nanos, long jitMs, long processCpuNs, Map<String, Long> threadTicks) {}

  Mark mark() {
    return new Mark(
        System.nanoTime(),
        jit.getTotalCompilationTime(),
        GatewayTtftBench.processCpuNanos(),
        threadTicks());
  }

  /** GC pauses that began between two marks. */
  List<Pause> pausesBetween(Mark from, Mark to) {
    long a = uptimeMs(from.nanos);
    long b = uptimeMs(to.nanos);
    List<Pause> out = new ArrayList<>();
    for (Pause p : pauses) {
      if (p.startMs >= a && p.startMs <= b) {
        out.add(p);
      }
    }
    return out;
  }

  /** Whether a request (start {@link System#nanoTime()}, TTFT ns) overlapped a GC pause. */
  boolean overlapsPause(long startNanos, long ttftNanos) {
    long a = uptimeMs(startNanos) - 1; // ms resolution on both clocks
    long b = uptimeMs(startNanos + ttftNanos) + 1;
    for (Pause p : pauses) {
      if (p.startMs <= b && p.startMs + p.durationMs >= a) {
        return true;
      }
    }
    return false;
  }

  private long uptimeMs(long nanos) {
    return (nanos - nanoAtStart) / 1_000_000L;
  }

  /**
   * CPU ms per thread group between two marks, largest first (threads grouped by name with their
   * numbers removed, e.g. {@code ForkJoinPool-1-worker-#}).
   */
  List<Map.Entry<String, Long>> threadCpuMs(Mark from, Mark to) {
    Map<String, Long> byGroup = new HashMap<>();
    for (Map.Entry<String, Long> e : to.threadTicks.entrySet()) {
      long before = from.threadTicks.getOrDefault(e.getKey(), 0L);
      long ticks = e.getValue() - before;
      if (ticks <= 0) {
        continue;
      }
      String name = e.getKey().substring(e.getKey().indexOf(' ') + 1);
      byGroup.merge(name.replaceAll("[0-9]+", "#"), ticks * 1000 / clockTicksPerSecond, Long::sum);
    }
    List<Map.Entry<String, Long>> out = new ArrayList<>(byGroup.entrySet());
    out.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    return out;
  }

  /** "tid name" -> utime + stime (clock ticks) of every thread of this process. */
  private static Map<String, Long> threadTicks() {
    Map<String, Long> out = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        try {
          String comm = Files.readString(t.resolve("comm")).strip();
          String stat = Files.readString(t.resolve("stat"));
          // Fields after the ")" that closes the name: state is field 3, utime 14, stime 15.
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
          out.put(t.getFileName() + " " + comm, ticks);
        } catch (IOException | RuntimeException e) {
          // the thread ended while we looked: not counted
        }
      }
    } catch (IOException e) {
      // not Linux: no per-thread figures
    }
    return out;
  }
}
