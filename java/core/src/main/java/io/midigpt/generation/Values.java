package io.midigpt.generation;

import io.midigpt.InvalidArgumentException;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Immutable copies for the request records. They reject only what a request cannot represent
 * (nulls, numbers JSON cannot carry); the request rules themselves are the native validator's.
 */
final class Values {
  private Values() {}

  static <T> T required(T value, String field) {
    if (value == null) {
      throw new InvalidArgumentException(field + ": must not be null");
    }
    return value;
  }

  /** An immutable copy, order and repeats kept. */
  static <T> List<T> list(List<T> values, String field) {
    required(values, field);
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) == null) {
        throw new InvalidArgumentException(field + "[" + i + "]: must not be null");
      }
    }
    return List.copyOf(values);
  }

  /** An immutable map sorted by key (as the native side's std::map), each value copied. */
  static <K extends Comparable<K>, V> SortedMap<K, V> sortedMap(
      Map<K, V> values, String field, Function<V, V> copy) {
    required(values, field);
    TreeMap<K, V> sorted = new TreeMap<>();
    for (Map.Entry<K, V> entry : values.entrySet()) {
      K key = entry.getKey();
      if (key == null) {
        throw new InvalidArgumentException(field + ": keys must not be null");
      }
      V value = entry.getValue();
      if (value == null) {
        throw new InvalidArgumentException(field + "." + key + ": must not be null");
      }
      sorted.put(key, copy.apply(value));
    }
    return Collections.unmodifiableSortedMap(sorted);
  }

  /** The names sorted and without repeats (a JSON object's keys), none of them reserved. */
  static List<String> unknownKeys(
      Collection<String> names, String field, Collection<String> reserved) {
    required(names, field);
    TreeSet<String> sorted = new TreeSet<>();
    for (String name : names) {
      if (name == null) {
        throw new InvalidArgumentException(field + ": names must not be null");
      }
      if (reserved.contains(name)) {
        throw new InvalidArgumentException(
            field + ": '" + name + "' is a known control, not an unknown key");
      }
      sorted.add(name);
    }
    return List.copyOf(sorted);
  }

  static double finite(double value, String field) {
    if (!Double.isFinite(value)) {
      throw new InvalidArgumentException(field + ": " + value + " cannot be written as JSON");
    }
    return value;
  }
}
