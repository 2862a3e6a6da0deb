package io.midigpt.server.osc;

import com.illposed.osc.OSCBundle;
import com.illposed.osc.OSCMessage;
import com.illposed.osc.OSCPacket;
import io.midigpt.engine.InferenceEngine;
import io.midigpt.server.http.InfoJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real-time OSC server (reference spec §9): a DAW or a Max/MSP patch streams the notes it
 * plays over UDP and receives generated bars back while the music runs. One thread receives and
 * answers every message at once; generation runs on a {@link GenerationWorker}. Anything a client
 * sends that the protocol does not allow (a malformed packet, an unknown address, a wrong
 * argument, a message for a track that does not exist) gets a {@code /midigpt/error} reply and a
 * (rate-limited) log line; the server keeps serving.
 */
public final class OscServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OscServer.class);
  /** Bundles nest; deeper ones are refused rather than recursed into. */
  private static final int MAX_BUNDLE_DEPTH = 8;

  private final DatagramSocket socket;
  private final OscReplies replies;
  private final SessionState session;
  private final GenerationWorker worker;
  private final String capabilities;
  private final OscCodec codec = new OscCodec();
  private final RateLimitedLog badInput = new RateLimitedLog(LOG, 5);
  private final Thread receiver;
  private final AtomicLong messages = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final Object closeLock = new Object();
  private boolean closed;

  private OscServer(InferenceEngine engine, OscServerSettings settings) throws IOException {
    this.socket = new DatagramSocket(new InetSocketAddress(settings.host(), settings.port()));
    try {
      this.replies = new OscReplies(socket, settings.replyHost(), settings.replyPort());
      this.session = new SessionState(engine.tokenizer().resolution(),
          InfoJson.supportsTokenMask(engine), engine.attributes(), settings);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
    this.capabilities = InfoJson.of(engine, settings.checkpointLabel()).toString();
    this.worker = new GenerationWorker(new BarGeneration(engine, session, replies), replies);
    this.receiver = new Thread(this::receive, "midigpt-osc-receive");
  }

  /**
   * Binds the UDP port and starts serving.
   *
   * @param engine the model to serve (not closed by the server)
   * @throws UncheckedIOException when the port cannot be bound
   * @throws OscProtocolException when a parameter default of the settings is invalid
   */
  public static OscServer start(InferenceEngine engine, OscServerSettings settings) {
    OscServer server;
    try {
      server = new OscServer(engine, settings);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the OSC server on udp://" + settings.host()
          + ":" + settings.port() + (settings.replyHost() == null ? "" : " replying to "
          + settings.replyHost()) + ": " + e, e);
    }
    server.receiver.start();
    LOG.info("midigpt-osc serving {} on udp://{}:{}", settings.checkpointLabel(),
        settings.host(), server.port());
    return server;
  }

  /** The bound port (the chosen one when the settings asked for 0). */
  public int port() {
    return socket.getLocalPort();
  }

  /** Messages handled so far (each message of a bundle counts). */
  public long messagesHandled() {
    return messages.get();
  }

  /** Error replies sent for bad input so far (not counting generation errors). */
  public long errorsReplied() {
    return errors.get();
  }

  private void receive() {
    byte[] buffer = new byte[OscCodec.MAX_PACKET_BYTES];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    while (!socket.isClosed()) {
      try {
        packet.setLength(buffer.length);
        socket.receive(packet);
      } catch (SocketException e) {
        return; // closed
      } catch (IOException e) {
        LOG.warn("UDP receive failed: {}", e.toString());
        continue;
      }
      long arrived = System.nanoTime();
      replies.senderIs((InetSocketAddress) packet.getSocketAddress());
      try {
        OSCPacket decoded = codec.decode(packet.getData(), packet.getLength());
        handle(decoded, arrived, 0);
      } catch (OscProtocolException e) {
        refuse(e);
      } catch (RuntimeException e) {
        // A bug of ours must not end the server: answer, log with the stack, go on.
        LOG.error("unexpected failure handling a packet", e);
        refuse(new OscProtocolException(OscError.INVALID_PARAM, "internal error: " + e));
      }
    }
  }

  private void handle(OSCPacket packet, long arrived, int depth) {
    if (packet instanceof OSCBundle bundle) {
      if (depth >= MAX_BUNDLE_DEPTH) {
        throw new OscProtocolException(OscError.INVALID_PARAM, "bundles nested too deep");
      }
      for (OSCPacket inner : bundle.getPackets()) {
        try {
          handle(inner, arrived, depth + 1);
        } catch (OscProtocolException e) {
          refuse(e);
        }
      }
      return;
    }
    if (!(packet instanceof OSCMessage message)) {
      // A bundle element JavaOSC could not decode.
      throw new OscProtocolException(OscError.INVALID_PARAM, "undecodable packet in a bundle");
    }
    messages.incrementAndGet();
    dispatch(message.getAddress(), new OscArgs(message.getAddress(), message.getArguments()),
        arrived);
  }

  /** The inbound addresses of §9.3. */
  private void dispatch(String address, OscArgs args, long arrived) {
    switch (address) {
      case "/midigpt/session/init" -> {
        worker.abandonAll();
        session.init(args.size() > 0 ? String.valueOf(args.raw(0)) : "");
        replies.capabilities(capabilities);
        replies.sessionReady();
        LOG.info("session '{}' initialised", session.name());
      }
      case "/midigpt/session/start" -> {
        session.start();
        replies.sessionStarted();
        LOG.info("session '{}' started", session.name());
      }
      case "/midigpt/session/stop" -> {
        worker.abandonAll();
        session.stop();
        replies.sessionStopped();
        LOG.info("session '{}' stopped", session.name());
      }
      case "/midigpt/track/create" -> {
        args.require("track_id", "instrument", "track_type", "is_agent");
        session.createTrack(args.integer(0, "track_id"), args.integer(1, "instrument"),
            args.integer(2, "track_type"), args.integer(3, "is_agent") != 0);
      }
      case "/midigpt/track/remove" ->
          session.removeTrack(args.require("track_id").integer(0, "track_id"));
      case "/midigpt/track/set_ignore" -> {
        args.require("track_id", "ignored");
        session.setIgnore(args.integer(0, "track_id"), args.integer(1, "ignored") != 0);
      }
      case "/midigpt/track/param/set" -> {
        args.require("track_id", "name", "value");
        session.setTrackParam(args.integer(0, "track_id"), args.string(1, "name"), args.raw(2));
      }
      case "/midigpt/note" -> {
        args.require("track_id", "pitch", "velocity", "onset", "duration", "bar_index");
        session.note(args.integer(0, "track_id"), args.integer(1, "pitch"),
            args.integer(2, "velocity"), args.number(3, "onset"), args.number(4, "duration"),
            args.integer(5, "bar_index"));
      }
      case "/midigpt/bar/end" -> {
        args.require("bar_index", "ts_num", "ts_den");
        GenerationTicket ticket = session.barEnd(args.integer(0, "bar_index"),
            args.integer(1, "ts_num"), args.integer(2, "ts_den"), arrived);
        if (ticket != null) {
          worker.submit(ticket);
        }
      }
      case "/midigpt/param/set" -> {
        args.require("name", "value");
        session.setParam(args.string(0, "name"), args.raw(1));
      }
      case "/midigpt/param/set_once" -> {
        args.require("name", "value");
        session.setParamOnce(args.string(0, "name"), args.raw(1));
      }
      case "/midigpt/param/reset" -> session.resetParam(args.require("name").string(0, "name"));
      case "/midigpt/param/reset_all" -> session.resetAllParams();
      case "/midigpt/attr/set" -> {
        args.require("name", "value");
        session.setAttribute(args.string(0, "name"), args.integer(1, "value"));
      }
      case "/midigpt/attr/reset_all" -> session.resetAttributes();
      default -> throw new OscProtocolException(OscError.INVALID_PARAM,
          "unknown address " + truncate(address));
    }
  }

  private void refuse(OscProtocolException e) {
    errors.incrementAndGet();
    badInput.warn("refused (error " + e.error().code() + "): " + e.getMessage());
    replies.error(e.error(), e.getMessage());
  }

  private static String truncate(String text) {
    return text.length() > 80 ? text.substring(0, 80) + "…" : text;
  }

  /** Blocks until {@link #close()} has finished, e.g. from a shutdown hook. */
  public void awaitClose() throws InterruptedException {
    synchronized (closeLock) {
      while (!closed) {
        closeLock.wait();
      }
    }
  }

  /** Stops receiving, cancels the running generation and releases the port. */
  @Override
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
    }
    LOG.info("midigpt-osc shutting down");
    socket.close();
    try {
      receiver.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    worker.close();
    synchronized (closeLock) {
      closed = true;
      closeLock.notifyAll();
    }
  }
}
