package io.himoe.server.cli;

import io.himoe.learning.router.Provenance;
import io.himoe.learning.router.ReplayEvent;
import io.himoe.server.assembly.Assembly;
import io.himoe.server.store.FeedbackStore;
import io.himoe.server.store.StoreException;
import io.himoe.shared.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code himoe learn replay}: retrains the learning routers of a configuration offline from the
 * server's feedback log (SQLite), then saves them to the configuration's learning snapshot, which
 * the next {@code serve} loads.
 */
@Command(
    name = "learn",
    mixinStandardHelpOptions = true,
    description = "Offline learning from stored feedback.",
    subcommands = {LearnCommand.Replay.class})
final class LearnCommand {

  @ParentCommand Cli cli;

  /** {@code himoe learn replay}. */
  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = {
        "Replay the feedback log into the learning routers (neural, bandit, hybrid) and save them"
            + " to learning.snapshot_path.",
        "Only feedback stored with its decision (router, input, experts called) is replayed,"
            + " and only feedback received after the saved snapshot (it already holds the rest),"
            + " so running it twice changes nothing; --fresh starts from the configuration and"
            + " replays the whole log."
      })
  static final class Replay implements Callable<Integer> {

    @ParentCommand LearnCommand parent;

    @Mixin ConfigOption config;

    @Option(
        names = "--feedback-db",
        required = true,
        paramLabel = "FILE",
        description = "the server's feedback database (server.feedback_db)")
    Path db;

    @Option(
        names = "--passes",
        defaultValue = "1",
        paramLabel = "N",
        description = "passes over the log (default ${DEFAULT-VALUE})")
    int passes;

    @Option(
        names = "--fresh",
        description =
            "start from the configuration instead of the saved snapshot and replay the whole log")
    boolean fresh;

    @Override
    public Integer call() {
      Cli cli = parent.cli;
      if (passes < 1) {
        throw new CliFailure("--passes: expected a count >= 1, got " + passes, ExitCodes.USAGE);
      }
      if (!Files.isRegularFile(db)) {
        throw new CliFailure("--feedback-db: no such file " + db, ExitCodes.USAGE);
      }
      var cfg = config.load(cli.env());
      try (Assembly a = fresh ? Assembly.buildFresh(cfg) : Assembly.build(cfg);
          FeedbackStore store = FeedbackStore.open(db)) {
        if (!a.savesLearning()) {
          throw new CliFailure(
              "learning.snapshot_path: replay needs it set in the configuration, to save the"
                  + " retrained routers",
              ExitCodes.CONFIG);
        }
        Map<String, Provenance> before = a.captureLearning().provenance();
        long total = 0;
        long since = a.learnedUntil().map(java.time.Instant::toEpochMilli).orElse(Long.MIN_VALUE);
        a.learnedUntil()
            .ifPresent(
                t ->
                    cli.err()
                        .printf(
                            "starting from the snapshot saved at %s: older feedback is already in"
                                + " it (--fresh replays everything)%n",
                            t));
        for (String router : a.routerIds()) {
          List<ReplayEvent> events = events(store.forRouter(router), since);
          if (events.isEmpty()) {
            continue;
          }
          try {
            Progress bar =
                Progress.start(
                    cli.err(), "router " + router, "events", (long) events.size() * passes);
            long n = a.replay(router, events, passes, bar::advance);
            bar.finish();
            total += n;
            cli.err().printf("router %s: %d feedback events replayed%n", router, n);
          } catch (IllegalArgumentException notLearning) {
            cli.err().printf("router %s: skipped (%s)%n", router, notLearning.getMessage());
          }
        }
        cli.out().printf("replayed %d feedback events; learned state saved on exit%n", total);
        // Provenance of what is saved: which gate, trained on what (Tribuo-style).
        for (Provenance p : a.captureLearning().provenance().values()) {
          Provenance was = before.get(p.routerId());
          cli.out().println(p.describe());
          if (was != null && !was.version().equals(p.version())) {
            cli.out().printf("  (was version %s)%n", was.version());
          }
        }
        return ExitCodes.OK;
      } catch (StoreException e) {
        throw new CliFailure(e.getMessage(), ExitCodes.FAILED);
      }
    }

    private static List<ReplayEvent> events(List<FeedbackStore.Entry> entries, long sinceMs) {
      List<ReplayEvent> out = new ArrayList<>();
      for (FeedbackStore.Entry e : entries) {
        if (e.receivedAtMs() <= sinceMs) {
          continue; // already learned: the snapshot was saved after it arrived
        }
        FeedbackStore.Decision d = e.decision().orElseThrow();
        if (e.bestExpert() == null && (e.reward().isEmpty() || d.chosen().isEmpty())) {
          continue; // nothing a router can learn from
        }
        out.add(
            new ReplayEvent(
                d.input(), Optional.ofNullable(e.bestExpert()), e.reward(), d.chosen()));
      }
      return out;
    }
  }
}
