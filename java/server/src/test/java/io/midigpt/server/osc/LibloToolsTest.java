package io.midigpt.server.osc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.midigpt.engine.InferenceEngine;
import io.midigpt.score.Bar;
import io.midigpt.score.Note;
import io.midigpt.score.Score;
import io.midigpt.score.Track;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second OSC implementation drives the server: Debian's liblo-tools, {@code oscsend} for every
 * message of a multitrack clip played bar by bar at 120 BPM, and {@code oscdump} recording the
 * replies (the server's {@code --reply-port}) with their arrival times. Every requested bar
 * arrives, with valid pitches, before its bar starts, or is reported dropped. Skipped where the
 * tools are not installed (CI installs them).
 */
class LibloToolsTest {
  private static final long BAR_MILLIS = 2000;
  /** Process start-up of oscsend and scheduling between the test's clock and oscdump's. */
  private static final long CLOCK_SLACK_MILLIS = 100;
  private static final long NTP_TO_UNIX_SECONDS = 2_208_988_800L;

  @TempDir Path temp;

  @Test
  void oscsendPlaysAClipAt120BpmAndOscdumpRecordsTheBarsInTime() throws Exception {
    assumeTrue(onPath("oscsend") && onPath("oscdump"), "liblo-tools is not installed");
    // Piano and drums, 4/4: its first 4 bars, played in real time, a bar every 2 s.
    Score song = Score.read(OscTestServer.SHARED.resolve("midi/edge_drums_and_melodic.mid"));
    int replyPort = freeUdpPort();
    Path dump = temp.resolve("dump.txt");
    Process oscdump = new ProcessBuilder("oscdump", "-L", Integer.toString(replyPort))
        .redirectErrorStream(true).redirectOutput(dump.toFile()).start();
    try (InferenceEngine engine = InferenceEngine.fromCheckpoint(OscTestServer.TINY_MODEL);
        OscServer server = OscServer.start(engine, OscServerSettings.defaults("tiny")
            .withHost("127.0.0.1").withPort(0).withReplyTo(null, replyPort))) {
      int port = server.port();
      // Until oscdump has bound its port, replies are lost: initialise until one arrives.
      String ready = "";
      for (int i = 0; i < 50 && !ready.contains("/midigpt/session/ready"); i++) {
        oscsend(port, "/midigpt/session/init", "s", "liblo");
        Thread.sleep(200);
        ready = Files.readString(dump);
      }
      for (int track = 0; track < 2; track++) {
        Track source = song.tracks().get(track);
        oscsend(port, "/midigpt/track/create", "iiii", Integer.toString(track),
            Integer.toString(source.instrument()), source.isDrum() ? "11" : "10", "0");
      }
      oscsend(port, "/midigpt/track/create", "iiii", "2", "33", "10", "1");
      oscsend(port, "/midigpt/param/set", "si", "model_dim", "4");
      oscsend(port, "/midigpt/param/set", "si", "buffer_bars", "2");
      oscsend(port, "/midigpt/param/set", "si", "density_hard_limit", "8");
      oscsend(port, "/midigpt/param/set", "sf", "bpm", "120");
      oscsend(port, "/midigpt/session/start", null);
      int played = 4;
      long start = System.currentTimeMillis() + 200;
      for (int bar = 0; bar < played; bar++) {
        sleepUntil(start + bar * BAR_MILLIS);
        for (int track = 0; track < 2; track++) {
          Bar source = song.tracks().get(track).bars().get(bar);
          double length = song.resolution() * source.beatLength();
          for (Note note : source.notes()) {
            oscsend(port, "/midigpt/note", "iiiffi", Integer.toString(track),
                Integer.toString(note.pitch()), Integer.toString(note.velocity()),
                Float.toString((float) Math.min(note.onset() / length, 0.9999)),
                Float.toString((float) (note.duration() / length)), Integer.toString(bar));
          }
        }
        sleepUntil(start + (bar + 1) * BAR_MILLIS);
        oscsend(port, "/midigpt/bar/end", "iii", Integer.toString(bar), "4", "4");
      }
      oscsend(port, "/midigpt/nonsense", "f", "1.5");
      // Buffer 2, lookahead 1: the end of bar b asks for bar b + 2, the last one for bar 5.
      String text = waitFor(dump, "/midigpt/error is 4 \"unknown address /midigpt/nonsense\"",
          BAR_MILLIS / 2);
      assertTrue(text.contains("/midigpt/capabilities s "), text);
      assertTrue(text.contains("/midigpt/session/ready"), text);
      assertTrue(text.contains("/midigpt/session/started"), text);
      int delivered = 0;
      for (int target = 2; target < played + 2; target++) {
        Matcher close = Pattern.compile("(?m)^([0-9a-f]{8})\\.([0-9a-f]{8}) "
            + "/midigpt/generated/close ii 2 " + target + "$").matcher(text);
        boolean dropped = Pattern.compile("/midigpt/error is 5 \"(bar " + target
            + " of track 2 dropped|generation of bar " + target + " skipped)").matcher(text).find();
        if (!close.find()) {
          // Waiting for bar 5 may outlast the dump: only bars before it must be accounted for.
          assertTrue(dropped || target == played + 1, "bar " + target + " neither arrived nor"
              + " was reported dropped:\n" + text);
          continue;
        }
        delivered++;
        long arrivedMillis = ntpToUnixMillis(close.group(1), close.group(2));
        long barStarts = start + target * BAR_MILLIS;
        long requested = barStarts - 2 * BAR_MILLIS; // the end of bar target - 2
        assertTrue(arrivedMillis >= requested - CLOCK_SLACK_MILLIS,
            "bar " + target + " arrived before it was asked for: oscdump's clock misread");
        assertTrue(arrivedMillis <= barStarts + CLOCK_SLACK_MILLIS,
            "bar " + target + " arrived " + (arrivedMillis - barStarts) + " ms after it started");
        Matcher open = Pattern.compile("/midigpt/generated/open iii 2 " + target + " (\\d+)")
            .matcher(text);
        assertTrue(open.find(), text);
        Matcher note = Pattern.compile("/midigpt/generated/note iiiiff 2 " + target
            + " (\\d+) (\\d+) ([0-9.]+) ([0-9.]+)").matcher(text);
        int notes = 0;
        while (note.find()) {
          int pitch = Integer.parseInt(note.group(1));
          assertTrue(pitch >= 0 && pitch <= 127, note.group());
          float onset = Float.parseFloat(note.group(3));
          assertTrue(onset >= 0 && onset < 1, note.group());
          notes++;
        }
        assertEquals(Integer.parseInt(open.group(1)), notes, text);
      }
      assertTrue(delivered > 0, "no bar arrived:\n" + text);
    } finally {
      oscdump.destroy();
      oscdump.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** oscdump prints each message's arrival time as an OSC (NTP) time tag, seconds.fraction. */
  private static long ntpToUnixMillis(String seconds, String fraction) {
    long ntpSeconds = Long.parseLong(seconds, 16);
    long fractionMillis = Long.parseLong(fraction, 16) * 1000 >>> 32;
    return (ntpSeconds - NTP_TO_UNIX_SECONDS) * 1000 + fractionMillis;
  }

  private static void sleepUntil(long millis) throws InterruptedException {
    long left = millis - System.currentTimeMillis();
    if (left > 0) {
      Thread.sleep(left);
    }
  }

  private static void oscsend(int port, String address, String types, String... values)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("oscsend", "127.0.0.1", Integer.toString(port),
        address));
    if (types != null) {
      command.add(types);
      command.addAll(List.of(values));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertTrue(process.waitFor(10, TimeUnit.SECONDS), "oscsend hung");
    assertEquals(0, process.exitValue(), new String(process.getInputStream().readAllBytes()));
  }

  /** The dump once it holds {@code line}, {@code extraMillis} later (for what follows it). */
  private static String waitFor(Path dump, String line, long extraMillis) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String text = "";
    while (System.nanoTime() < end) {
      text = Files.readString(dump);
      if (text.contains(line)) {
        Thread.sleep(extraMillis);
        return Files.readString(dump);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("oscdump never saw '" + line + "':\n" + text);
  }

  private static int freeUdpPort() throws IOException {
    try (DatagramSocket probe =
        new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      return probe.getLocalPort();
    }
  }

  private static boolean onPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String directory : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(directory, tool))) {
        return true;
      }
    }
    return false;
  }
}
