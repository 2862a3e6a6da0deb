package io.midigpt.cli;

import io.midigpt.engine.InferenceEngine;
import io.midigpt.server.osc.OscClient;
import io.midigpt.server.osc.OscFuzzer;
import io.midigpt.server.osc.OscServer;
import io.midigpt.server.osc.OscServerSettings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Fuzzes an in-process OSC server with random and mutated packets for a while, then checks that
 * it still answers; prints what was sent, the error replies and memory before and after.
 */
@Command(
    name = "osc-fuzz",
    mixinStandardHelpOptions = true,
    description = "Sends random and mutated OSC packets to an in-process server for a while;"
        + " prints packets sent, error replies, heap and resident memory before and after, and"
        + " whether the server still answers (exit code 1 if not).")
final class BenchOscFuzzCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelOption model;

  @Option(names = "--seconds", defaultValue = "180", paramLabel = "S",
      description = "How long to fuzz (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    ServerLogging.configure(System.getenv().getOrDefault("MIDIGPT_LOG_LEVEL", "error"));
    PrintWriter out = spec.commandLine().getOut();
    OscServerSettings settings =
        OscServerSettings.defaults(model.label()).withHost("127.0.0.1").withPort(0);
    try (InferenceEngine engine = model.open();
        OscServer server = OscServer.start(engine, settings);
        OscClient client = new OscClient(server.port())) {
      long heapBefore = BenchFigures.usedHeapAfterGc();
      long rssBefore = BenchFigures.residentBytes();
      // In tenths, sampling resident memory: flat once the heap has grown, or leaking.
      OscFuzzer fuzzer = new OscFuzzer(client, seed);
      OscFuzzer.Stats stats = new OscFuzzer.Stats(0, 0, 0, 0);
      List<Long> resident = new ArrayList<>();
      for (int tenth = 0; tenth < 10; tenth++) {
        stats = stats.plus(fuzzer.run(seconds * 100L));
        client.drain();
        resident.add(BenchFigures.residentBytes() >> 20);
      }
      Thread.sleep(2000); // let the server answer what is still queued
      client.drain();
      client.send("/midigpt/param/reset", "no_such_param");
      boolean alive = client.await("/midigpt/error", Duration.ofSeconds(10)) != null;
      out.printf("sent %d packets in %d s (%d random, %d valid-shaped, %d mutated)%n",
          stats.packets(), seconds, stats.randomPackets(), stats.validPackets(),
          stats.mutatedPackets());
      out.printf("server: %d messages handled, %d error replies for bad input; client received"
          + " %d replies%n", server.messagesHandled(), server.errorsReplied(),
          client.receivedCount());
      out.printf("heap after GC: %d MiB before, %d MiB after (%d MiB committed); resident: %d"
          + " MiB before, %d MiB after%n", heapBefore >> 20, BenchFigures.usedHeapAfterGc() >> 20,
          Runtime.getRuntime().totalMemory() >> 20, rssBefore >> 20,
          BenchFigures.residentBytes() >> 20);
      out.printf("resident MiB after each tenth of the run: %s%n", resident);
      out.printf("server still answers: %s%n", alive ? "yes" : "NO");
      out.flush();
      return alive ? 0 : 1;
    }
  }
}
