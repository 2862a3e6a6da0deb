package io.midigpt.server.osc;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound messages (reference spec §9.5), sent from the server's own socket to the last
 * sender's address, or to the configured reply host and port. Thread-safe: the receiving thread
 * and the generation worker both send.
 */
final class OscReplies {
  private static final Logger LOG = LoggerFactory.getLogger(OscReplies.class);

  private final DatagramSocket socket;
  private final InetAddress replyHost;
  private final int replyPort;
  private final OscCodec codec = new OscCodec();
  private volatile SocketAddress target;

  /**
   * @param replyHost null: reply to each message's sender address
   * @param replyPort 0: reply to the sender's port
   */
  OscReplies(DatagramSocket socket, String replyHost, int replyPort) throws UnknownHostException {
    this.socket = socket;
    this.replyHost = replyHost == null ? null : InetAddress.getByName(replyHost);
    this.replyPort = replyPort;
  }

  /** Replies go where the settings say, filling in from the sender of the latest message. */
  void senderIs(InetSocketAddress sender) {
    InetAddress host = replyHost != null ? replyHost : sender.getAddress();
    int port = replyPort != 0 ? replyPort : sender.getPort();
    SocketAddress next = new InetSocketAddress(host, port);
    if (!next.equals(target)) {
      target = next;
      LOG.debug("replies go to {}", next);
    }
  }

  void capabilities(String json) {
    send("/midigpt/capabilities", json);
  }

  void sessionReady() {
    send("/midigpt/session/ready");
  }

  void sessionStarted() {
    send("/midigpt/session/started");
  }

  void sessionStopped() {
    send("/midigpt/session/stopped");
  }

  void status(String status) {
    send("/midigpt/status", status);
  }

  void error(OscError error, String message) {
    send("/midigpt/error", error.code(), message);
  }

  void promptState(String json) {
    send("/midigpt/prompt/state", json);
  }

  void generatedOpen(int trackId, int bar, int notes) {
    send("/midigpt/generated/open", trackId, bar, notes);
  }

  void generatedNote(
      int trackId, int bar, int pitch, int velocity, float onset, float duration) {
    send("/midigpt/generated/note", trackId, bar, pitch, velocity, onset, duration);
  }

  void generatedClose(int trackId, int bar) {
    send("/midigpt/generated/close", trackId, bar);
  }

  void generatedFeatures(int trackId, int bar, BarFeatures features) {
    send("/midigpt/generated/features", trackId, bar, features.noteDensity(),
        features.meanPitch(), features.meanVelocity(), features.maxOnsetPolyphony(),
        features.meanDuration(), features.minOnsetPolyphony(), features.minDurationTicks(),
        features.maxDurationTicks());
  }

  void sampledAttrs(String json) {
    send("/midigpt/sampled/attrs", json);
  }

  private void send(String address, Object... arguments) {
    SocketAddress to = target;
    if (to == null) {
      return; // nobody has spoken yet
    }
    byte[] bytes;
    synchronized (codec) {
      bytes = codec.encode(address, List.of(arguments));
    }
    try {
      socket.send(new DatagramPacket(bytes, bytes.length, to));
    } catch (IOException e) {
      // UDP: a client that went away is not the server's failure.
      LOG.debug("could not send {} to {}: {}", address, to, e.toString());
    }
  }
}
