package io.midigpt.server.osc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.midigpt.engine.InferenceEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** A real OSC server on a free loopback UDP port, and a real OSC client talking to it. */
final class OscTestServer implements AutoCloseable {
  static final Path SHARED = Path.of(System.getProperty("midigpt.shared", "../../../shared"));
  static final Path ROOT = Path.of(System.getProperty("midigpt.root", "../.."));
  static final Path TINY_MODEL = SHARED.resolve("golden/model/tiny_gpt2.safetensors");
  static final Path DEFAULT_MODEL = ROOT.resolve("models/default.safetensors");
  static final Duration REPLY = Duration.ofSeconds(5);

  final OscServer server;
  final OscClient client;

  private OscTestServer(OscServer server) {
    this.server = server;
    this.client = new OscClient(server.port());
  }

  static OscTestServer start(InferenceEngine engine, UnaryOperator<OscServerSettings> settings) {
    OscServerSettings base =
        OscServerSettings.defaults("test").withHost("127.0.0.1").withPort(0);
    return new OscTestServer(OscServer.start(engine, settings.apply(base)));
  }

  /** The next reply to {@code address}; fails the test when none comes. */
  OscClient.Received expect(String address) {
    OscClient.Received reply = client.await(address, REPLY);
    assertNotNull(reply, "no " + address + " reply within " + REPLY);
    return reply;
  }

  /** Sends a message and expects {@code /midigpt/error} with {@code code}; returns its text. */
  String expectError(OscError code, String address, Object... arguments) {
    client.send(address, arguments);
    OscClient.Received error = expect("/midigpt/error");
    assertEquals(code.code(), error.intArg(0), "error for " + address + ": " + error.arguments());
    return error.stringArg(1);
  }

  /**
   * Whether the server still answers: a parameter round trip through an error reply, the one
   * reply every state gives.
   */
  void assertAlive() {
    client.drain();
    expectError(OscError.INVALID_PARAM, "/midigpt/param/reset", "no_such_param");
  }

  /**
   * A session with conditioning track 0 (piano) and agent track 1 (program 4) that buffers 4 bars
   * and generates one bar ahead, started.
   */
  void startSession(Object... extraParams) {
    client.send("/midigpt/session/init", "test");
    expect("/midigpt/capabilities");
    expect("/midigpt/session/ready");
    client.send("/midigpt/track/create", 0, 0, 10, 0);
    client.send("/midigpt/track/create", 1, 4, 10, 1);
    for (int i = 0; i + 1 < extraParams.length; i += 2) {
      client.send("/midigpt/param/set", extraParams[i], extraParams[i + 1]);
    }
    client.send("/midigpt/session/start");
    expect("/midigpt/session/started");
  }

  /** A C major arpeggio in quarter notes, bar {@code bar} of the conditioning track. */
  void playBar(int track, int bar) {
    int[] pitches = {60, 64, 67, 72};
    for (int beat = 0; beat < 4; beat++) {
      client.send("/midigpt/note", track, pitches[beat] + (bar % 2) * 2, 90, beat / 4f, 0.25f, bar);
    }
  }

  @Override
  public void close() {
    client.close();
    server.close();
  }
}
