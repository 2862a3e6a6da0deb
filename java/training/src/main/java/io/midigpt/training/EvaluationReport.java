package io.midigpt.training;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;

/**
 * What {@code ./midigpt eval} measured, as JSON and as the Markdown table of the model card.
 *
 * @param heldOutCopyRate held-out (real) bars found verbatim in the training set: the natural
 *     overlap the generated copy rate compares with
 */
public record EvaluationReport(
    @JsonProperty("model") String model,
    @JsonProperty("pieces") int pieces,
    @JsonProperty("tokens") long tokens,
    @JsonProperty("notes") long notes,
    @JsonProperty("model_loss") double modelLoss,
    @JsonProperty("model_bits_per_note") double modelBitsPerNote,
    @JsonProperty("ngram_loss") double ngramLoss,
    @JsonProperty("ngram_bits_per_note") double ngramBitsPerNote,
    @JsonProperty("ngram_order") int ngramOrder,
    @JsonProperty("targets_outside_grammar") long outsideGrammar,
    @JsonProperty("generation") Generation generation,
    @JsonProperty("held_out_copy_rate") double heldOutCopyRate) {

  /**
   * Generation probes.
   *
   * @param grammarValid share of generated bars that are grammar-valid
   * @param attributes per attribute: probes, exact share, within-one-level share
   * @param copyRate share of generated bars (with 2+ notes) found verbatim in the training set
   */
  public record Generation(
      @JsonProperty("bars_checked") long barsChecked,
      @JsonProperty("grammar_valid") double grammarValid,
      @JsonProperty("attributes") Map<String, Accuracy> attributes,
      @JsonProperty("infill_precision") double infillPrecision,
      @JsonProperty("infill_recall") double infillRecall,
      @JsonProperty("infill_f1") double infillF1,
      @JsonProperty("bars_compared") long barsCompared,
      @JsonProperty("copy_rate") double copyRate) {}

  public record Accuracy(
      @JsonProperty("probes") long probes,
      @JsonProperty("exact") double exact,
      @JsonProperty("within_one") double withinOne) {}

  public String toJson() {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(this);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public String toMarkdown() {
    StringBuilder out = new StringBuilder();
    out.append(String.format("Held-out: %d pieces, %,d tokens, %,d notes.%n%n", pieces, tokens,
        notes));
    out.append("| measure | model | ").append(ngramOrder).append("-gram baseline |\n");
    out.append("|---|---:|---:|\n");
    out.append(String.format("| loss per token (nats) | %.3f | %.3f |%n", modelLoss, ngramLoss));
    out.append(String.format("| bits per note (grammar-masked) | %.2f | %.2f |%n",
        modelBitsPerNote, ngramBitsPerNote));
    out.append(String.format("%nGeneration probes (model): %d bars checked.%n%n",
        generation.barsChecked()));
    out.append("| measure | value |\n|---|---:|\n");
    out.append(String.format("| grammar-valid bars | %.1f%% |%n", 100 * generation.grammarValid()));
    generation.attributes().forEach((name, a) -> out.append(String.format(
        "| %s: exact / within one level (%d probes) | %.0f%% / %.0f%% |%n", name, a.probes(),
        100 * a.exact(), 100 * a.withinOne())));
    out.append(String.format("| infill note F1 (precision / recall) | %.3f (%.3f / %.3f) |%n",
        generation.infillF1(), generation.infillPrecision(), generation.infillRecall()));
    out.append(String.format("| generated bars copied from training (%d bars) | %.1f%% |%n",
        generation.barsCompared(), 100 * generation.copyRate()));
    out.append(String.format("| held-out real bars found in training (for comparison) | %.1f%% |%n",
        100 * heldOutCopyRate));
    return out.toString();
  }
}
