package io.midigpt.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.engine.InferenceEngine;
import io.midigpt.generation.MaskPresets;
import io.midigpt.tokenizer.AttributeInfo;
import io.midigpt.tokenizer.TokenDomain;

/**
 * {@code GET /info}: what the loaded checkpoint lets a client control (http-api.md); the OSC
 * server sends the same object as {@code /midigpt/capabilities}.
 */
public final class InfoJson {
  private InfoJson() {}

  public static ObjectNode of(InferenceEngine engine, String checkpointLabel) {
    ObjectNode info = Json.object();
    info.put("checkpoint", checkpointLabel);
    ObjectNode capabilities = info.putObject("capabilities");
    ObjectNode attributes = info.putObject("attributes");
    for (AttributeInfo attribute : engine.attributes()) {
      capabilities.put(attribute.name(), true);
      attributes.put(attribute.name(), attribute.size());
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
    return info;
  }

  /** Whether mask_mode "token" can work: the vocabulary has a MaskBar token (no released model). */
  public static boolean supportsTokenMask(InferenceEngine engine) {
    return engine.tokenizer().vocabulary().domains().stream()
        .map(TokenDomain::type)
        .anyMatch("MaskBar"::equals);
  }
}
