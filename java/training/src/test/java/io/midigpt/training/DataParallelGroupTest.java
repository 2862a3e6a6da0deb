package io.midigpt.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.InvalidArgumentException;
import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two child JVMs (ranks) over gloo on loopback must end with rank 0's weights and exactly
 * averaged gradients; misconfiguration must fail with a message, never a crash or a hang.
 */
class DataParallelGroupTest {
  /** Surefire runs tests from a manifest-only jar; its real class path is in this property. */
  private static String classPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  @Test
  void twoProcessesAverageOverAFileStore(@TempDir Path dir) throws Exception {
    checkTwoRanks(dir, dir.resolve("rendezvous").toString());
  }

  @Test
  void twoProcessesAverageOverATcpStore(@TempDir Path dir) throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    checkTwoRanks(dir, "127.0.0.1:" + port);
  }

  @Test
  void badArgumentsFailWithAMessageBeforeAnyRendezvous(@TempDir Path dir) {
    String file = dir.resolve("store").toString();
    assertMessage(() -> new DataParallelGroup(2, 2, file), "rank must be in 0..1");
    assertMessage(() -> new DataParallelGroup(-1, 2, file), "rank must be in 0..1");
    assertMessage(() -> new DataParallelGroup(0, 0, file), "world size must be at least 1");
    assertMessage(() -> new DataParallelGroup(0, 1, " "), "rendezvous must be");
    assertMessage(() -> new DataParallelGroup(0, 1, "localhost:0"), "port must be in 1..65535");
    assertMessage(() -> new DataParallelGroup(0, 1, "localhost:70000"), "port must be in");
    assertMessage(() -> new DataParallelGroup(0, 1, dir.resolve("missing/store").toString()),
        "directory that does not exist");
    assertMessage(() -> new DataParallelGroup(0, 1, dir.toString()), "is a directory");
    assertMessage(() -> new DataParallelGroup(0, 1, file, Duration.ZERO),
        "timeout must be positive");
  }

  @Test
  void aRankWaitingForAMissingPeerTimesOutWithAMessage(@TempDir Path dir) {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new DataParallelGroup(0, 2, dir.resolve("store").toString(), Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("rank 0 of 2 could not join the group"), e.getMessage());
    assertTrue(e.getMessage().contains("within 1000 ms"), e.getMessage());
  }

  private static void assertMessage(Runnable create, String expected) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, create::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static void checkTwoRanks(Path dir, String rendezvous) throws Exception {
    List<Process> ranks = List.of(start(dir, rendezvous, 0), start(dir, rendezvous, 1));
    for (int rank = 0; rank < 2; rank++) {
      Process process = ranks.get(rank);
      boolean exited = process.waitFor(180, TimeUnit.SECONDS);
      if (!exited) {
        ranks.forEach(Process::destroyForcibly);
      }
      String log = Files.readString(dir.resolve("rank" + rank + ".log"));
      assertTrue(exited, "rank " + rank + " did not finish: " + log);
      assertEquals(0, process.exitValue(), "rank " + rank + " failed: " + log);
    }
    for (int rank = 0; rank < 2; rank++) {
      Properties results = new Properties();
      try (Reader reader = Files.newBufferedReader(dir.resolve("rank" + rank + ".properties"))) {
        results.load(reader);
      }
      // Rank 0's initial weights, on both ranks.
      assertEquals("0.0,1.0,2.0,3.0,4.0,5.0", results.getProperty("weights.1"));
      assertEquals("10.0,20.0,30.0,40.0", results.getProperty("weights.2"));
      assertEquals("0.0,0.0,0.0,0.0,0.0", results.getProperty("weights.3"));
      assertEquals("0.0,0.0", results.getProperty("weights.4"));
      // Means of (1..6) and 2*(1..6); of (1,2,3,4) and (3,4,5,6); of (2,4,6,8,10) and nothing.
      assertEquals("1.5,3.0,4.5,6.0,7.5,9.0", results.getProperty("grads.1"));
      assertEquals("2.0,3.0,4.0,5.0", results.getProperty("grads.2"));
      assertEquals("1.0,2.0,3.0,4.0,5.0", results.getProperty("grads.3"));
      assertEquals("undefined", results.getProperty("grads.4"));
      assertEquals("1.5", results.getProperty("sum"));
      assertTrue(results.getProperty("mismatch").contains("gradients differ across ranks"),
          results.getProperty("mismatch"));
      assertEquals("2.0", results.getProperty("sumAfterMismatch"));
    }
  }

  private static Process start(Path dir, String rendezvous, int rank) throws IOException {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", classPath(),
            DataParallelRank.class.getName(),
            Integer.toString(rank), "2", rendezvous,
            dir.resolve("rank" + rank + ".properties").toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("rank" + rank + ".log").toFile())
        .start();
  }
}
