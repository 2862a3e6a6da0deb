package io.midigpt.generation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.midigpt.bridge.MidigptNative;
import io.midigpt.bridge.NativeCalls;
import java.util.ArrayList;
import java.util.List;

/**
 * What the mask controls ({@link TrackControls#pitchMask()}, {@link TrackControls#rhythmMask()})
 * may name. The lists live in the native core, which reads and applies the masks; this class asks
 * it once.
 */
public final class MaskPresets {
  private static final MaskPresets INSTANCE = load();

  private final List<String> scales;
  private final List<String> gridUnits;

  private MaskPresets(List<String> scales, List<String> gridUnits) {
    this.scales = scales;
    this.gridUnits = gridUnits;
  }

  /** The pitch mask {@code scale} names, in the API's order: chromatic, major, ... */
  public static List<String> scales() {
    return INSTANCE.scales;
  }

  /** The rhythm mask {@code grid.unit} names, in the API's order: whole, half, quarter, ... */
  public static List<String> gridUnits() {
    return INSTANCE.gridUnits;
  }

  private static MaskPresets load() {
    String json = NativeCalls.translated(MidigptNative::maskPresetsJson);
    try {
      JsonNode root = new ObjectMapper().readTree(json);
      return new MaskPresets(
          names(root.get("pitch_mask_scales")), names(root.get("rhythm_mask_grid_units")));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the core returned malformed mask presets: " + json, e);
    }
  }

  private static List<String> names(JsonNode array) {
    List<String> names = new ArrayList<>();
    array.forEach(name -> names.add(name.asText()));
    return List.copyOf(names);
  }
}
