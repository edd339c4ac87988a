package io.himoe.shared;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of a long command (eval, embed, cl run): done/total, rate and ETA. On a terminal it is
 * one bar redrawn in place (at most every 200 ms); otherwise, e.g. into a log file, a plain line at
 * each tenth of the work, so that a log stays short. The last call, {@link #finish()}, prints the
 * total time and the mean rate.
 *
 * <p>Not thread-safe: one loop reports to it.
 */
public final class Progress {

  private static final long REDRAW_NANOS = 200_000_000L;
  private static final int BAR_WIDTH = 24;

  private final PrintStream out;
  private final String label;
  private final String unit;
  private final long total;
  private final boolean terminal;
  private final LongSupplier nanoTicker;
  private final long startNanos;
  private long done;
  private long lastDrawNanos;
  private long lastTenth;
  private boolean finished;

  private Progress(
      PrintStream out,
      String label,
      String unit,
      long total,
      boolean terminal,
      LongSupplier nanoTicker) {
    if (total < 0) {
      throw new IllegalArgumentException("total must be >= 0, was " + total);
    }
    this.out = out;
    this.label = label;
    this.unit = unit;
    this.total = total;
    this.terminal = terminal;
    this.nanoTicker = nanoTicker;
    this.startNanos = nanoTicker.getAsLong();
    this.lastDrawNanos = startNanos - REDRAW_NANOS; // the first step draws
  }

  /**
   * Starts reporting on {@code out}, as a bar when this process writes to a terminal.
   *
   * @param out where progress goes (stderr in the commands)
   * @param label what is counted, e.g. "embed"
   * @param unit the unit of a step, plural, e.g. "rows"
   * @param total steps in all (>= 0)
   * @return the reporter
   */
  public static Progress start(PrintStream out, String label, String unit, long total) {
    java.io.Console console = System.console();
    return start(
        out, label, unit, total, console != null && console.isTerminal(), System::nanoTime);
  }

  /**
   * Starts reporting with an explicit output mode and clock (tests).
   *
   * @param out where progress goes
   * @param label what is counted
   * @param unit the unit of a step, plural
   * @param total steps in all (>= 0)
   * @param terminal true: one bar redrawn in place; false: a line per tenth of the work
   * @param nanoTicker monotonic time in ns
   * @return the reporter
   */
  public static Progress start(
      PrintStream out,
      String label,
      String unit,
      long total,
      boolean terminal,
      LongSupplier nanoTicker) {
    return new Progress(out, label, unit, total, terminal, nanoTicker);
  }

  /**
   * Records {@code steps} more steps done and reports if it is time to.
   *
   * @param steps steps just done (>= 0)
   */
  public void advance(long steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, was " + steps);
    }
    done = Math.min(total, done + steps);
    long now = nanoTicker.getAsLong();
    if (terminal) {
      if (now - lastDrawNanos >= REDRAW_NANOS || done == total) {
        lastDrawNanos = now;
        out.print("\r" + line(now) + "\u001b[K");
        out.flush();
      }
    } else if (total > 0) {
      long tenth = done * 10 / total;
      if (tenth > lastTenth && done < total) {
        lastTenth = tenth;
        out.println(line(now));
      }
    }
  }

  /** Ends the report: the total time and the mean rate, on a line of its own. Idempotent. */
  public void finish() {
    if (finished) {
      return;
    }
    finished = true;
    double seconds = (nanoTicker.getAsLong() - startNanos) / 1e9;
    String end =
        String.format(
            Locale.ROOT,
            "%s: %d/%d %s in %s (%s)",
            label,
            done,
            total,
            unit,
            duration(seconds),
            rate(done, seconds));
    out.println(terminal ? "\r" + end + "\u001b[K" : end);
  }

  /**
   * @return steps done so far
   */
  public long done() {
    return done;
  }

  private String line(long now) {
    double seconds = (now - startNanos) / 1e9;
    StringBuilder b = new StringBuilder(label).append(": ");
    if (terminal) {
      int filled = total == 0 ? BAR_WIDTH : (int) (BAR_WIDTH * done / total);
      b.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ");
    }
    b.append(done).append('/').append(total).append(' ').append(unit);
    if (total > 0) {
      b.append(String.format(Locale.ROOT, " (%d%%)", done * 100 / total));
    }
    b.append(", ").append(rate(done, seconds));
    if (done > 0 && done < total) {
      b.append(", ETA ").append(duration(seconds / done * (total - done)));
    }
    return b.toString();
  }

  private String rate(long steps, double seconds) {
    if (seconds <= 0) {
      return "- " + unit + "/s";
    }
    double r = steps / seconds;
    return String.format(Locale.ROOT, r >= 10 ? "%.0f %s/s" : "%.2f %s/s", r, unit);
  }

  /**
   * A duration for people: 7.3 s, 4m05s, 1h02m.
   *
   * @param seconds the duration in s
   * @return it, rounded to the unit shown
   */
  public static String duration(double seconds) {
    long s = Math.round(seconds);
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }
}
