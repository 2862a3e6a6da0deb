package io.midigpt.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.engine.InferenceEngine;
import io.midigpt.generation.MaskPresets;
import io.midigpt.tokenizer.AttributeInfo;
import io.midigpt.tokenizer.TokenDomain;

/**
 * {@code GET /info}: what the loaded checkpoint lets a client control (http-api.md); the OSC
 * server sends the same object as {@code /midigpt/capabilities}. Beyond the API's keys, which
 * stay as they are for existing clients, it describes each attribute ({@code attribute_info}:
 * levels, labels, bar or track level, track type), the resolution of generated scores and
 * streamed notes, and the time signatures and window sizes the encoder knows, so that a client
 * such as the studio can build its controls.
 */
public final class InfoJson {
  private InfoJson() {}

  public static ObjectNode of(InferenceEngine engine, String checkpointLabel) {
    ObjectNode info = Json.object();
    info.put("checkpoint", checkpointLabel);
    ObjectNode capabilities = info.putObject("capabilities");
    ObjectNode attributes = info.putObject("attributes");
    ObjectNode details = Json.object();
    for (AttributeInfo attribute : engine.attributes()) {
      capabilities.put(attribute.name(), true);
      attributes.put(attribute.name(), attribute.size());
      ObjectNode detail = details.putObject(attribute.name());
      detail.put("levels", attribute.size());
      detail.put("level", attribute.barLevel() ? "bar" : "track");
      detail.put("track_type", attribute.trackType());
      attribute.labels().forEach(detail.putArray("labels")::add);
    }
    capabilities.put("supports_token_mask", supportsTokenMask(engine));
    capabilities.put("supports_attention_mask", true);
    capabilities.put("supports_attention_approx", true);
    capabilities.put("supports_attention_skip", true);
    capabilities.put("supports_remove", true);
    capabilities.put("supports_pitch_mask", true);
    MaskPresets.scales().forEach(capabilities.putArray("pitch_mask_scale_presets")::add);
    capabilities.put("supports_rhythm_mask", true);
    MaskPresets.gridUnits().forEach(capabilities.putArray("rhythm_mask_grid_units")::add);
    capabilities.put("supports_remix", true);
    capabilities.put("supports_streaming", true);
    capabilities.put("supports_candidates", true);
    info.put("resolution", engine.tokenizer().resolution());
    info.put("decode_resolution", engine.tokenizer().decodeResolution());
    info.set("attribute_info", details);
    JsonNode encoder = Json.tree(engine.tokenizer().configJson());
    copyArray(encoder, "time_signatures", info, "time_signatures");
    copyArray(encoder, "num_bars_map", info, "model_dims");
    return info;
  }

  /** Whether mask_mode "token" can work: the vocabulary has a MaskBar token (no released model). */
  public static boolean supportsTokenMask(InferenceEngine engine) {
    return engine.tokenizer().vocabulary().domains().stream()
        .map(TokenDomain::type)
        .anyMatch("MaskBar"::equals);
  }

  /** Absent from encoders that do not restrict them: then absent here too. */
  private static void copyArray(JsonNode from, String key, ObjectNode to, String name) {
    JsonNode array = from.get(key);
    if (array != null && array.isArray()) {
      to.set(name, array);
    }
  }
}
