package io.midigpt.server.osc;

import java.util.List;

/**
 * Typed access to one inbound message's arguments, with the errors the protocol answers: too few
 * arguments or a value of the wrong type is INVALID_PARAM naming the address and the argument.
 * Numbers convert as the reference's {@code int()} / {@code float()} do (a float where an int is
 * expected is truncated), because Max/MSP and many DAW bridges send every number as a float.
 */
final class OscArgs {
  private final String address;
  private final List<Object> values;

  OscArgs(String address, List<Object> values) {
    this.address = address;
    this.values = values;
  }

  int size() {
    return values.size();
  }

  /** Checks the count of required arguments, naming them in the error. */
  OscArgs require(String... names) {
    if (values.size() < names.length) {
      throw invalid("expects " + names.length + " arguments (" + String.join(", ", names)
          + "), got " + values.size());
    }
    return this;
  }

  Object raw(int index) {
    return values.get(index);
  }

  int integer(int index, String name) {
    Object value = values.get(index);
    if (value instanceof Integer i) {
      return i;
    }
    if (value instanceof Long l && l == (int) (long) l) {
      return (int) (long) l;
    }
    if (value instanceof Boolean b) {
      return b ? 1 : 0;
    }
    if ((value instanceof Float || value instanceof Double)) {
      double d = ((Number) value).doubleValue();
      if (Double.isFinite(d) && Math.abs(d) <= Integer.MAX_VALUE) {
        return (int) d;
      }
    }
    throw wrongType(index, name, "an int", value);
  }

  double number(int index, String name) {
    Object value = values.get(index);
    if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    throw wrongType(index, name, "a finite float", value);
  }

  String string(int index, String name) {
    Object value = values.get(index);
    if (value instanceof CharSequence text) {
      return text.toString();
    }
    throw wrongType(index, name, "a string", value);
  }

  private OscProtocolException wrongType(int index, String name, String expected, Object value) {
    return invalid("argument " + (index + 1) + " (" + name + ") must be " + expected + ", got "
        + describe(value));
  }

  OscProtocolException invalid(String problem) {
    return new OscProtocolException(OscError.INVALID_PARAM, address + " " + problem);
  }

  /** A value and its OSC-ish type, for error messages (never the whole of a long blob). */
  static String describe(Object value) {
    if (value == null) {
      return "nil";
    }
    String type = value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    String text = value instanceof byte[] bytes ? bytes.length + " bytes" : String.valueOf(value);
    return type + " " + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
  }
}
