package io.midigpt.server.osc;

import com.illposed.osc.OSCBundle;
import com.illposed.osc.OSCMessage;
import com.illposed.osc.OSCPacket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A minimal OSC-over-UDP client of the server, as a DAW bridge would be: sends messages from its
 * own port and collects every reply with its arrival time. The benchmark, the fuzzer and the
 * tests drive the server through it.
 */
public final class OscClient implements AutoCloseable {
  /** One reply: its address, its arguments and {@link System#nanoTime()} at arrival. */
  public record Received(String address, List<Object> arguments, long nanos) {
    public int intArg(int index) {
      return (Integer) arguments.get(index);
    }

    public float floatArg(int index) {
      return (Float) arguments.get(index);
    }

    public String stringArg(int index) {
      return (String) arguments.get(index);
    }
  }

  /** Replies kept before the oldest are dropped (a fuzzer gets many error replies). */
  private static final int INBOX = 100_000;

  private final DatagramSocket socket;
  private final InetSocketAddress server;
  private final OscCodec sendCodec = new OscCodec();
  private final LinkedBlockingQueue<Received> inbox = new LinkedBlockingQueue<>(INBOX);
  private final AtomicLong received = new AtomicLong();
  private final Thread listener;

  /** A client on a free loopback port talking to {@code localhost:serverPort}. */
  public OscClient(int serverPort) {
    try {
      this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (SocketException e) {
      throw new UncheckedIOException(e);
    }
    this.server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
    this.listener = new Thread(this::listen, "osc-client-listen");
    listener.setDaemon(true);
    listener.start();
  }

  public void send(String address, Object... arguments) {
    byte[] bytes;
    synchronized (sendCodec) {
      bytes = sendCodec.encode(address, List.of(arguments));
    }
    sendRaw(bytes);
  }

  /** Sends messages in one bundle: the server handles them in order, as arriving at once. */
  public void sendBundle(List<OSCMessage> messages) {
    byte[] bytes;
    synchronized (sendCodec) {
      bytes = sendCodec.encode(new OSCBundle(new java.util.ArrayList<OSCPacket>(messages)));
    }
    sendRaw(bytes);
  }

  /** Sends any bytes as one datagram (for malformed-input tests and fuzzing). */
  public void sendRaw(byte[] bytes) {
    try {
      socket.send(new DatagramPacket(bytes, bytes.length, server));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The next reply that matches, discarding the ones before it; null when none arrives in time.
   */
  public Received await(Predicate<Received> wanted, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        Received next = inbox.poll(left, TimeUnit.NANOSECONDS);
        if (next == null) {
          return null;
        }
        if (wanted.test(next)) {
          return next;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The next reply to {@code address}, discarding the ones before it; null on timeout. */
  public Received await(String address, Duration timeout) {
    return await(reply -> reply.address().equals(address), timeout);
  }

  /** Every reply received and not yet taken. */
  public List<Received> drain() {
    List<Received> all = new java.util.ArrayList<>();
    inbox.drainTo(all);
    return all;
  }

  /** Replies received since the client started (including dropped and taken ones). */
  public long receivedCount() {
    return received.get();
  }

  private void listen() {
    OscCodec codec = new OscCodec();
    byte[] buffer = new byte[OscCodec.MAX_PACKET_BYTES];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    while (!socket.isClosed()) {
      try {
        packet.setLength(buffer.length);
        socket.receive(packet);
        long now = System.nanoTime();
        collect(codec.decode(packet.getData(), packet.getLength()), now);
      } catch (IOException e) {
        return;
      } catch (OscProtocolException e) {
        // The server only sends valid packets; ignore anything else arriving on this port.
      }
    }
  }

  private void collect(OSCPacket packet, long now) {
    if (packet instanceof OSCBundle bundle) {
      bundle.getPackets().forEach(inner -> collect(inner, now));
      return;
    }
    OSCMessage message = (OSCMessage) packet;
    received.incrementAndGet();
    Received reply = new Received(message.getAddress(), java.util.Collections.unmodifiableList(new java.util.ArrayList<>(message.getArguments())), now);
    while (!inbox.offer(reply)) {
      inbox.poll();
    }
  }

  @Override
  public void close() {
    socket.close();
    try {
      listener.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
