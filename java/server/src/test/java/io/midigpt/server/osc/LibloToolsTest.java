package io.midigpt.server.osc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.midigpt.engine.InferenceEngine;
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
 * message and {@code oscdump} recording the replies (the server's {@code --reply-port}). Skipped
 * where the tools are not installed (CI installs them).
 */
class LibloToolsTest {
  private static final Pattern NOTE =
      Pattern.compile("/midigpt/generated/note iiiiff 1 (\\d+) (\\d+) (\\d+) ([0-9.]+) ([0-9.]+)");

  @TempDir Path temp;

  @Test
  void oscsendDrivesASessionAndOscdumpRecordsTheGeneratedBars() throws Exception {
    assumeTrue(onPath("oscsend") && onPath("oscdump"), "liblo-tools is not installed");
    int replyPort = freeUdpPort();
    Path dump = temp.resolve("dump.txt");
    Process oscdump = new ProcessBuilder("oscdump", "-L", Integer.toString(replyPort))
        .redirectErrorStream(true).redirectOutput(dump.toFile()).start();
    try (InferenceEngine engine = InferenceEngine.fromCheckpoint(OscTestServer.TINY_MODEL);
        OscServer server = OscServer.start(engine, OscServerSettings.defaults("tiny")
            .withHost("127.0.0.1").withPort(0).withReplyTo(null, replyPort))) {
      int port = server.port();
      Thread.sleep(300); // oscdump binds its port
      oscsend(port, "/midigpt/session/init", "s", "liblo");
      oscsend(port, "/midigpt/track/create", "iiii", "0", "0", "10", "0");
      oscsend(port, "/midigpt/track/create", "iiii", "1", "33", "10", "1");
      oscsend(port, "/midigpt/param/set", "si", "model_dim", "4");
      oscsend(port, "/midigpt/param/set", "si", "density_hard_limit", "8");
      oscsend(port, "/midigpt/param/set", "si", "drop_late", "0");
      oscsend(port, "/midigpt/session/start", null);
      for (int bar = 0; bar < 3; bar++) {
        for (int beat = 0; beat < 4; beat++) {
          oscsend(port, "/midigpt/note", "iiiffi", "0", Integer.toString(48 + beat * 4), "90",
              Float.toString(beat / 4f), "0.25", Integer.toString(bar));
        }
        oscsend(port, "/midigpt/bar/end", "iii", Integer.toString(bar), "4", "4");
      }
      oscsend(port, "/midigpt/nonsense", "f", "1.5");
      String text = waitFor(dump, "/midigpt/generated/close ii 1 4");
      assertTrue(text.contains("/midigpt/capabilities s "), text);
      assertTrue(text.contains("/midigpt/session/ready"), text);
      assertTrue(text.contains("/midigpt/session/started"), text);
      assertTrue(text.contains("/midigpt/error is 4 \"unknown address /midigpt/nonsense\""), text);
      Matcher open = Pattern.compile("/midigpt/generated/open iii 1 4 (\\d+)").matcher(text);
      assertTrue(open.find(), text);
      List<int[]> notes = new ArrayList<>();
      Matcher note = NOTE.matcher(text);
      while (note.find()) {
        assertEquals("4", note.group(1));
        int pitch = Integer.parseInt(note.group(2));
        assertTrue(pitch >= 0 && pitch <= 127, note.group());
        float onset = Float.parseFloat(note.group(4));
        assertTrue(onset >= 0 && onset < 1, note.group());
        notes.add(new int[] {pitch});
      }
      assertEquals(Integer.parseInt(open.group(1)), notes.size(), text);
    } finally {
      oscdump.destroy();
      oscdump.waitFor(5, TimeUnit.SECONDS);
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

  private static String waitFor(Path dump, String line) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String text = "";
    while (System.nanoTime() < end) {
      text = Files.exists(dump) ? Files.readString(dump) : "";
      if (text.contains(line)) {
        return text;
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
