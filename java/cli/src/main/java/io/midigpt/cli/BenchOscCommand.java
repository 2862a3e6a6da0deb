package io.midigpt.cli;

import io.midigpt.engine.InferenceEngine;
import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import io.midigpt.server.osc.ClipPlayer;
import io.midigpt.server.osc.OscClient;
import io.midigpt.server.osc.OscServer;
import io.midigpt.server.osc.OscServerSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Real-time latency of the OSC server: an in-process server on loopback, a client that plays a
 * clip bar by bar in real time (notes at each bar's start, {@code /bar/end} when it ends) and, for
 * 1, 2 and 4 agent tracks, the time from each {@code /bar/end} to the last generated note of the
 * bar it asked for (lookahead 1: the bar after the next).
 */
@Command(
    name = "osc",
    mixinStandardHelpOptions = true,
    description = "Plays a clip to an in-process OSC server in real time and prints, per number"
        + " of agent tracks, the time from /midigpt/bar/end to the last generated note of the"
        + " requested bar (p50, max) and how many bars were dropped as late.")
final class BenchOscCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelOption model;

  @Option(names = "--agents", defaultValue = "1,2,4", split = ",", paramLabel = "N,...",
      description = "Agent track counts to measure (default: ${DEFAULT-VALUE}).")
  List<Integer> agentCounts;

  @Option(names = "--bpm", defaultValue = "120", paramLabel = "BPM",
      description = "Tempo the clip is played at (default: ${DEFAULT-VALUE}).")
  double bpm;

  @Option(names = "--bars", defaultValue = "16", paramLabel = "N",
      description = "Bars played per agent count (default: ${DEFAULT-VALUE}; generation starts"
          + " after bar 2, with the protocol's buffer of 4 and lookahead of 1).")
  int bars;

  @Option(names = "--clip", paramLabel = "FILE.mid",
      description = "Conditioning tracks: the first --clip-tracks tracks and 4 bars of this file"
          + " (default: a built-in one-track piano arpeggio).")
  Path clipFile;

  @Option(names = "--clip-tracks", defaultValue = "1", paramLabel = "N",
      description = "Tracks taken from --clip (default: ${DEFAULT-VALUE}).")
  int clipTracks;

  private static final int[] AGENT_PROGRAMS = {33, 0, 40, 73, 24, 56, 65, 11};

  @Override
  public Integer call() throws Exception {
    ServerLogging.configure(System.getenv().getOrDefault("MIDIGPT_LOG_LEVEL", "warn"));
    PrintWriter out = spec.commandLine().getOut();
    ClipPlayer clip = new ClipPlayer(clipFile == null ? arpeggio() : clipOf(clipFile));
    int maxAgents = Collections.max(agentCounts);
    OscServerSettings settings = OscServerSettings.defaults(model.label())
        .withHost("127.0.0.1").withPort(0).withMaxAgents(maxAgents);
    try (InferenceEngine engine = model.open();
        OscServer server = OscServer.start(engine, settings);
        OscClient client = new OscClient(server.port())) {
      out.printf("%s, %d conditioning track(s), %.0f BPM (bar %.2f s), %d bars per run%n",
          model.label(), clip.trackCount(), bpm, barSeconds(clip), bars);
      out.printf("%-7s %-10s %-10s %-8s %-9s %-14s %-14s%n", "agents", "requested",
          "delivered", "dropped", "first ms", "p50 ms (rest)", "max ms (rest)");
      out.flush();
      for (int agents : agentCounts) {
        run(client, clip, agents, out);
      }
    }
    return 0;
  }

  private double barSeconds(ClipPlayer clip) {
    int[] ts = clip.timeSignature(0);
    return Bar.beatLengthOf(ts[0], ts[1]) * 60 / bpm;
  }

  private void run(OscClient client, ClipPlayer clip, int agents, PrintWriter out) {
    client.drain();
    client.send("/midigpt/session/init", "bench");
    if (client.await("/midigpt/session/ready", Duration.ofSeconds(10)) == null) {
      throw new IllegalStateException("the server did not answer /midigpt/session/init");
    }
    clip.createTracks(client);
    for (int a = 0; a < agents; a++) {
      client.send("/midigpt/track/create", 100 + a, AGENT_PROGRAMS[a % AGENT_PROGRAMS.length],
          10, 1);
    }
    client.send("/midigpt/session/start");
    if (client.await("/midigpt/session/started", Duration.ofSeconds(10)) == null) {
      throw new IllegalStateException("the session did not start: " + client.drain());
    }
    long barNanos = Math.round(barSeconds(clip) * 1e9);
    long[] barEndSent = new long[bars];
    long start = System.nanoTime() + 50_000_000L;
    for (int bar = 0; bar < bars; bar++) {
      sleepUntil(start + bar * barNanos);
      clip.sendBar(client, bar);
      sleepUntil(start + (bar + 1) * barNanos);
      int[] ts = clip.timeSignature(bar);
      barEndSent[bar] = System.nanoTime();
      client.send("/midigpt/bar/end", bar, ts[0], ts[1]);
    }
    // The last bar/end asks for a bar that would start a bar later: wait for it.
    sleepUntil(System.nanoTime() + 2 * barNanos);
    client.send("/midigpt/session/stop");
    Map<Integer, List<Long>> closes = new HashMap<>();
    int dropped = 0;
    for (OscClient.Received reply : client.drain()) {
      if (reply.address().equals("/midigpt/generated/close")) {
        closes.computeIfAbsent(reply.intArg(1), bar -> new ArrayList<>()).add(reply.nanos());
      } else if (reply.address().equals("/midigpt/error") && reply.intArg(0) == 5) {
        dropped++;
      }
    }
    // With the protocol's buffer 4 and lookahead 1, the end of bar b asks for bar b + 2. The
    // first generation of a session also warms the JIT and the model's kernels: apart.
    List<Long> latencies = new ArrayList<>();
    int requested = 0;
    for (int bar = 2; bar < bars; bar++) {
      requested++;
      List<Long> times = closes.getOrDefault(bar + 2, List.of());
      if (times.size() == agents) {
        latencies.add(Collections.max(times) - barEndSent[bar]);
      }
    }
    int delivered = latencies.size();
    String first = latencies.isEmpty() ? "-" : String.format("%.0f", latencies.get(0) / 1e6);
    List<Long> rest = new ArrayList<>(latencies.subList(Math.min(1, delivered), delivered));
    Collections.sort(rest);
    out.printf("%-7d %-10d %-10d %-8d %-9s %-14.0f %-14.0f%n", agents, requested, delivered,
        dropped, first, BenchFigures.percentile(rest, 50), BenchFigures.percentile(rest, 100));
    out.flush();
  }

  private static void sleepUntil(long nanos) {
    long left;
    while ((left = nanos - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  private Score clipOf(Path file) {
    Score score = Score.read(file);
    List<Track> tracks = new ArrayList<>();
    for (Track track : score.tracks().subList(0, Math.min(clipTracks, score.tracks().size()))) {
      tracks.add(track.toBuilder().bars(track.bars().subList(0, Math.min(4, track.bars().size())))
          .build());
    }
    return Score.builder().resolution(score.resolution()).tracks(tracks).build();
  }

  /** Four bars of piano arpeggios in quarter notes: C, G, Am, F. */
  private static Score arpeggio() {
    int[][] chords = {{60, 64, 67, 72}, {59, 62, 67, 71}, {57, 60, 64, 69}, {57, 60, 65, 69}};
    Track.Builder piano = Track.builder().instrument(0);
    for (int[] chord : chords) {
      Bar.Builder bar = Bar.builder();
      for (int beat = 0; beat < 4; beat++) {
        bar.addNote(Note.of(chord[beat], 80, beat * 480, 480));
      }
      piano.addBar(bar.build());
    }
    return Score.builder().resolution(480).addTrack(piano.build()).build();
  }
}
