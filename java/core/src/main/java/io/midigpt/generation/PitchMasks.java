package io.midigpt.generation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.midigpt.bridge.MidigptNative;
import io.midigpt.bridge.NativeCalls;
import java.util.Arrays;
import java.util.List;

/**
 * What a {@code pitch_mask} control ({@link TrackControls#pitchMask()}) may name. The presets live
 * in the native core, which reads and applies the masks; this class asks it once.
 */
public final class PitchMasks {
  private static final List<String> SCALE_PRESETS = load();

  private PitchMasks() {}

  /** The {@code scale} names, in the API's order: chromatic, major, natural_minor, ... */
  public static List<String> scalePresets() {
    return SCALE_PRESETS;
  }

  private static List<String> load() {
    String json = NativeCalls.translated(MidigptNative::pitchMaskScalesJson);
    try {
      return List.copyOf(Arrays.asList(new ObjectMapper().readValue(json, String[].class)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the core returned malformed scale names: " + json, e);
    }
  }
}
