package io.midigpt.server.osc;

import com.illposed.osc.BufferBytesReceiver;
import com.illposed.osc.OSCMessage;
import com.illposed.osc.OSCPacket;
import com.illposed.osc.OSCParseException;
import com.illposed.osc.OSCParser;
import com.illposed.osc.OSCSerializeException;
import com.illposed.osc.OSCSerializer;
import com.illposed.osc.OSCSerializerAndParserBuilder;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * OSC 1.0 packets to and from bytes, through JavaOSC. Not thread-safe (the parser and the output
 * buffer are reused): each thread that sends or receives owns one.
 */
public final class OscCodec {
  /** The largest datagram handled: UDP's payload limit. */
  public static final int MAX_PACKET_BYTES = 65_507;

  private final OSCParser parser;
  private final ByteBuffer out = ByteBuffer.allocate(MAX_PACKET_BYTES);
  private final OSCSerializer serializer;

  public OscCodec() {
    OSCSerializerAndParserBuilder builder = new OSCSerializerAndParserBuilder();
    this.parser = builder.buildParser();
    this.serializer = builder.buildSerializer(new BufferBytesReceiver(out));
  }

  /**
   * Decodes a datagram: a message or a bundle.
   *
   * @throws OscProtocolException INVALID_PARAM for bytes that are not an OSC packet
   */
  public OSCPacket decode(byte[] bytes, int length) {
    OSCPacket packet;
    try {
      packet = parser.convert(ByteBuffer.wrap(bytes, 0, length).slice());
    } catch (OSCParseException | RuntimeException e) {
      // JavaOSC reports some truncations as buffer or index exceptions rather than parse errors.
      throw new OscProtocolException(
          OscError.INVALID_PARAM, "malformed OSC packet (" + length + " bytes): "
              + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
    }
    if (packet == null) {
      // JavaOSC's answer to a type tag it has no handler for.
      throw new OscProtocolException(
          OscError.INVALID_PARAM, "OSC packet with an unsupported argument type tag");
    }
    return packet;
  }

  /** Encodes one message; Integer → i, Float → f, String → s, Boolean → T/F. */
  public byte[] encode(String address, List<?> arguments) {
    return encode(new OSCMessage(address, arguments));
  }

  /** Encodes a message or a bundle. */
  public byte[] encode(OSCPacket packet) {
    out.clear();
    try {
      serializer.write(packet);
    } catch (OSCSerializeException | BufferOverflowException e) {
      throw new IllegalArgumentException("cannot encode " + packet + ": " + e.getMessage(), e);
    }
    byte[] bytes = new byte[out.position()];
    out.flip();
    out.get(bytes);
    return bytes;
  }
}
