package io.midigpt.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.midigpt.InvalidConfigException;
import java.io.IOException;
import io.midigpt.score.Score;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The parts of an encoder config the data pipeline needs: the window sizes the NumBars token can
 * express and the time signatures the TimeSig token can.
 */
record EncoderFacts(List<Integer> numBarsMap, Set<String> timeSignatures) {
  static EncoderFacts of(String encoderConfigJson) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(encoderConfigJson);
    } catch (IOException e) {
      throw new InvalidConfigException("encoder config is not valid JSON: " + e.getMessage());
    }
    List<Integer> bars = new ArrayList<>();
    root.path("num_bars_map").forEach(n -> bars.add(n.asInt()));
    if (bars.isEmpty()) {
      throw new InvalidConfigException("encoder config has no num_bars_map");
    }
    Set<String> signatures = new LinkedHashSet<>();
    root.path("time_signatures").forEach(n -> signatures.add(n.asText()));
    return new EncoderFacts(List.copyOf(bars), Set.copyOf(signatures));
  }

  int minBars() {
    return numBarsMap.stream().mapToInt(Integer::intValue).min().orElseThrow();
  }

  /**
   * The piece cut into consecutive windows of the longest size NumBars can say (a shorter known
   * size for the tail), as training sees whole pieces.
   */
  List<Score> windows(Score piece) {
    List<Integer> sizes = numBarsMap.stream().sorted(Comparator.reverseOrder()).toList();
    int bars = piece.tracks().stream().mapToInt(t -> t.bars().size()).min().orElse(0);
    List<Score> out = new ArrayList<>();
    int start = 0;
    while (true) {
      int remaining = bars - start;
      Integer size = sizes.stream().filter(n -> n <= remaining).findFirst().orElse(null);
      if (size == null) {
        return out;
      }
      out.add(piece.window(start, size));
      start += size;
    }
  }
}
