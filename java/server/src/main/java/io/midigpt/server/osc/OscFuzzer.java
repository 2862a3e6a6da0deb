package io.midigpt.server.osc;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Sends random and mutated packets to a server: random bytes, valid messages of the protocol with
 * random arguments of random types, and those messages with bytes flipped, cut or inserted. The
 * server must answer what it can, refuse the rest with {@code /midigpt/error} and survive.
 */
public final class OscFuzzer {
  /** What a run sent. */
  public record Stats(long packets, long randomPackets, long validPackets, long mutatedPackets) {
    public Stats plus(Stats other) {
      return new Stats(packets + other.packets, randomPackets + other.randomPackets,
          validPackets + other.validPackets, mutatedPackets + other.mutatedPackets);
    }
  }

  private static final String[] ADDRESSES = {
    "/midigpt/session/init", "/midigpt/session/start", "/midigpt/session/stop",
    "/midigpt/track/create", "/midigpt/track/remove", "/midigpt/track/set_ignore",
    "/midigpt/track/param/set", "/midigpt/note", "/midigpt/bar/end", "/midigpt/param/set",
    "/midigpt/param/set_once", "/midigpt/param/reset", "/midigpt/param/reset_all",
    "/midigpt/attr/set", "/midigpt/attr/reset_all", "/midigpt/unknown", "/", "/midigpt"
  };
  private static final String[] NAMES = {
    "temperature", "lookahead_bars", "buffer_bars", "model_dim", "mask_mode", "top_p", "bpm",
    "warmup_policy", "ignore", "min_pitch", "max_pitch", "note_density", "min_polyphony",
    "attention", "token", "b_collapse", "", "x".repeat(300)
  };

  private final OscClient client;
  private final Random random;
  private final OscCodec codec = new OscCodec();

  public OscFuzzer(OscClient client, long seed) {
    this.client = client;
    this.random = new Random(seed);
  }

  /** Sends packets for {@code millis}, pausing every few so the server's socket keeps up. */
  public Stats run(long millis) {
    long end = System.nanoTime() + millis * 1_000_000L;
    long packets = 0;
    long randomPackets = 0;
    long valid = 0;
    long mutated = 0;
    while (System.nanoTime() < end) {
      int kind = random.nextInt(10);
      byte[] bytes;
      if (kind < 2) {
        bytes = new byte[random.nextInt(600)];
        random.nextBytes(bytes);
        randomPackets++;
      } else if (kind < 6) {
        bytes = validMessage();
        valid++;
      } else {
        bytes = mutate(validMessage());
        mutated++;
      }
      client.sendRaw(bytes);
      packets++;
      if (packets % 64 == 0) {
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    return new Stats(packets, randomPackets, valid, mutated);
  }

  private byte[] validMessage() {
    String address = ADDRESSES[random.nextInt(ADDRESSES.length)];
    List<Object> arguments = new ArrayList<>();
    int count = random.nextInt(8);
    for (int i = 0; i < count; i++) {
      arguments.add(argument());
    }
    return codec.encode(address, arguments);
  }

  private Object argument() {
    return switch (random.nextInt(7)) {
      case 0 -> random.nextInt(20) - 2;
      case 1 -> random.nextInt();
      case 2 -> random.nextFloat() * (random.nextBoolean() ? 1 : 1000);
      case 3 -> NAMES[random.nextInt(NAMES.length)];
      case 4 -> random.nextBoolean();
      case 5 -> random.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
      default -> {
        byte[] blob = new byte[random.nextInt(32)];
        random.nextBytes(blob);
        yield blob;
      }
    };
  }

  private byte[] mutate(byte[] bytes) {
    byte[] out = bytes.clone();
    switch (random.nextInt(3)) {
      case 0 -> {
        for (int i = 0; i < 1 + random.nextInt(4) && out.length > 0; i++) {
          out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        }
      }
      case 1 -> out = java.util.Arrays.copyOf(out, random.nextInt(out.length + 1));
      default -> {
        int at = random.nextInt(out.length + 1);
        byte[] inserted = new byte[1 + random.nextInt(8)];
        random.nextBytes(inserted);
        byte[] grown = new byte[out.length + inserted.length];
        System.arraycopy(out, 0, grown, 0, at);
        System.arraycopy(inserted, 0, grown, at, inserted.length);
        System.arraycopy(out, at, grown, at + inserted.length, out.length - at);
        out = grown;
      }
    }
    return out;
  }
}
