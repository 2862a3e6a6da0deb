package io.midigpt.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.engine.GenerationResult;
import io.midigpt.score.Score;
import java.util.List;

/**
 * The response bodies of {@code POST /generate} (http-api.md): one candidate, or several with a
 * summary; a cancelled run reports status {@code cancelled} and the steps accepted before the stop.
 */
final class ResponseJson {
  private final int maxContextTokens;

  ResponseJson(int maxContextTokens) {
    this.maxContextTokens = maxContextTokens;
  }

  ObjectNode of(GenerationJob job, GenerationJob.Outcome outcome) {
    List<GenerationJob.Candidate> candidates = outcome.candidates();
    ObjectNode body = Json.object();
    body.put("request_id", job.requestId);
    body.put("status", outcome.cancelled() ? "cancelled" : "completed");
    if (outcome.stop() != null) {
      body.put("detail", outcome.stop().reason);
    }
    if (candidates.size() == 1) {
      GenerationJob.Candidate only = candidates.get(0);
      body.set("score", scoreOf(only.result()));
      body.put("seed", only.seed());
    } else {
      body.put("base_seed", job.baseSeed);
      ArrayNode list = body.putArray("candidates");
      ArrayNode failures = Json.MAPPER.createArrayNode();
      int succeeded = 0;
      for (int i = 0; i < candidates.size(); i++) {
        GenerationJob.Candidate candidate = candidates.get(i);
        GenerationResult result = candidate.result();
        ObjectNode entry = list.addObject();
        entry.set("score", scoreOf(result));
        entry.put("seed", candidate.seed());
        entry.put("gen_count", result == null ? 0 : result.attempts());
        entry.put("error", candidate.error());
        entry.put("truncated", false);
        if (candidate.error() == null) {
          succeeded++;
        } else {
          failures.addObject().put("index", i).put("seed", candidate.seed())
              .put("error", candidate.error());
        }
      }
      ObjectNode summary = body.putObject("summary");
      summary.put("requested", candidates.size());
      summary.put("succeeded", succeeded);
      summary.put("failed", candidates.size() - succeeded);
      summary.set("failures", failures);
    }
    addTotals(body, candidates);
    return body;
  }

  /** {@code timing} and {@code tokens} over every candidate that ran. */
  private void addTotals(ObjectNode body, List<GenerationJob.Candidate> candidates) {
    long forward = 0;
    long encode = 0;
    long decode = 0;
    int attempts = 0;
    int generated = 0;
    int context = 0;
    ArrayNode warnings = Json.MAPPER.createArrayNode();
    for (GenerationJob.Candidate candidate : candidates) {
      GenerationResult result = candidate.result();
      if (result == null) {
        continue;
      }
      GenerationResult.Timings timings = result.timings();
      forward += timings.prefillNanos() + timings.decodeNanos();
      encode += timings.encodeNanos();
      decode += timings.sampleNanos();
      attempts += result.attempts();
      generated += result.tokensGenerated();
      context = Math.max(context, result.contextTokens());
      result.warnings().forEach(warnings::add);
    }
    ObjectNode timing = body.putObject("timing");
    timing.put("model_forward_s", forward / 1e9);
    timing.put("encode_s", encode / 1e9);
    timing.put("decode_s", decode / 1e9);
    timing.put("gen_count", attempts);
    ObjectNode tokens = body.putObject("tokens");
    tokens.put("context_tokens", context);
    tokens.put("generated_tokens", generated);
    tokens.put("max_context_tokens", maxContextTokens);
    tokens.put("context_utilization", maxContextTokens == 0 ? 0 : (double) context / maxContextTokens);
    tokens.put("tokens_per_second", forward == 0 ? 0 : generated / (forward / 1e9));
    // Steps are planned to fit the context, so a run never stops for lack of room.
    tokens.put("truncated", false);
    body.set("warnings", warnings);
  }

  private static com.fasterxml.jackson.databind.JsonNode scoreOf(GenerationResult result) {
    if (result == null) {
      return Json.MAPPER.nullNode();
    }
    Score score = result.score();
    return Json.tree(score.toJson());
  }
}
