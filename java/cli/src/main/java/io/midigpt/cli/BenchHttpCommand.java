package io.midigpt.cli;

import io.midigpt.engine.InferenceEngine;
import io.midigpt.server.http.HttpServer;
import io.midigpt.server.http.HttpServerSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Load on the HTTP server: concurrent clients post the README's request (four bars of one empty
 * piano track) over and over to an in-process server; prints requests/s, latency percentiles,
 * the answers by status and the process's memory before and after.
 */
@Command(
    name = "http",
    mixinStandardHelpOptions = true,
    description = "Runs concurrent clients against an in-process HTTP server for a while and"
        + " prints requests/s, p50/p90/p99 latency, statuses and memory.")
final class BenchHttpCommand implements Callable<Integer> {
  private static final String BODY = """
      {"score": {"tracks": [{"instrument": 0, "bars": [{"notes": []}, {"notes": []},
        {"notes": []}, {"notes": []}]}]},
       "request": {"tracks": [{"id": 0, "bars": [0, 1, 2, 3]}],
        "config": {"mask_mode": "attention", "density_hard_limit": 8, "max_attempts": 8}}}""";

  @Spec CommandSpec spec;

  @Mixin ModelOption model;

  @Option(names = "--clients", defaultValue = "16", paramLabel = "N",
      description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--seconds", defaultValue = "60", paramLabel = "S",
      description = "How long they send (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--max-queue", defaultValue = "" + HttpServerSettings.DEFAULT_MAX_QUEUE,
      paramLabel = "N", description = "The server's wait line (default: ${DEFAULT-VALUE}).")
  int maxQueue;

  /** One client's answers: latency in nanoseconds of each 200, and a count per status. */
  private record Tally(List<Long> latencies, Map<String, Integer> statuses) {}

  @Override
  public Integer call() throws Exception {
    ServerLogging.configure(System.getenv().getOrDefault("MIDIGPT_LOG_LEVEL", "warn"));
    PrintWriter out = spec.commandLine().getOut();
    HttpServerSettings settings =
        HttpServerSettings.defaults(model.label()).withPort(0).withMaxQueue(maxQueue);
    try (InferenceEngine engine = model.open();
        HttpServer server = HttpServer.start(engine, settings)) {
      URI generate = URI.create("http://127.0.0.1:" + server.port() + "/generate");
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      send(client, generate); // warm-up
      long heapBefore = BenchFigures.usedHeapAfterGc();
      long rssBefore = BenchFigures.residentBytes();
      long start = System.nanoTime();
      long end = start + Duration.ofSeconds(seconds).toNanos();
      List<Tally> tallies = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try {
        List<Future<Tally>> running = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
          running.add(pool.submit(() -> runClient(client, generate, end)));
        }
        // Resident memory every tenth of the run: flat once warm, or leaking.
        List<Long> resident = new ArrayList<>();
        while (System.nanoTime() < end) {
          Thread.sleep(Math.max(1, Math.min(seconds * 100L, (end - System.nanoTime()) / 1_000_000)));
          resident.add(BenchFigures.residentBytes() >> 20);
        }
        for (Future<Tally> tally : running) {
          tallies.add(tally.get());
        }
        out.printf("resident MiB during the run: %s%n", resident);
      } finally {
        pool.shutdownNow();
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      report(out, tallies, elapsed, heapBefore, rssBefore);
    }
    return 0;
  }

  private static Tally runClient(HttpClient client, URI generate, long end) {
    List<Long> latencies = new ArrayList<>();
    Map<String, Integer> statuses = new TreeMap<>();
    while (System.nanoTime() < end) {
      long sent = System.nanoTime();
      String status;
      try {
        HttpResponse<String> response = send(client, generate);
        status = Integer.toString(response.statusCode());
        if (response.statusCode() == 200) {
          latencies.add(System.nanoTime() - sent);
        } else if (response.statusCode() == 503) {
          // Honour Retry-After, as a well-behaved client would, but not past the end.
          long wait = response.headers().firstValueAsLong("Retry-After").orElse(1) * 1000;
          Thread.sleep(Math.max(0, Math.min(wait, (end - System.nanoTime()) / 1_000_000)));
        }
      } catch (IOException e) {
        status = "connection error";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      statuses.merge(status, 1, Integer::sum);
    }
    return new Tally(latencies, statuses);
  }

  private static HttpResponse<String> send(HttpClient client, URI generate)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(generate).header("Content-Type", "application/json")
            .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofString(BODY))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void report(
      PrintWriter out, List<Tally> tallies, double elapsed, long heapBefore, long rssBefore) {
    List<Long> latencies = new ArrayList<>();
    Map<String, Integer> statuses = new TreeMap<>();
    for (Tally tally : tallies) {
      latencies.addAll(tally.latencies());
      tally.statuses().forEach((status, count) -> statuses.merge(status, count, Integer::sum));
    }
    Collections.sort(latencies);
    out.printf("%d clients for %.1f s against %s%n", clients, elapsed, model.label());
    out.printf("completed: %d (%.1f requests/s)%n", latencies.size(), latencies.size() / elapsed);
    out.printf("latency of completed requests: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n",
        BenchFigures.percentile(latencies, 50), BenchFigures.percentile(latencies, 90),
        BenchFigures.percentile(latencies, 99), BenchFigures.percentile(latencies, 100));
    out.printf("answers by status: %s%n", statuses);
    out.printf("heap after GC: %d MiB before, %d MiB after; resident: %d MiB before, %d MiB after%n",
        heapBefore >> 20, BenchFigures.usedHeapAfterGc() >> 20, rssBefore >> 20,
        BenchFigures.residentBytes() >> 20);
    out.flush();
  }
}
