package io.midigpt.cli;

import io.midigpt.engine.InferenceEngine;
import io.midigpt.tokenizer.AttributeInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Lists the attribute controls a model understands, for --attr. */
@Command(
    name = "attributes",
    mixinStandardHelpOptions = true,
    description = "Lists what a model lets you control: each attribute's name, whether it is set"
        + " per track or per bar, the tracks it applies to, and its levels with their meaning.")
final class AttributesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ModelOption model;

  @Override
  public Integer call() {
    try (InferenceEngine engine = model.open()) {
      PrintWriter out = spec.commandLine().getOut();
      List<AttributeInfo> attributes = engine.attributes();
      out.printf("%s: %d attributes%n", model.model, attributes.size());
      for (AttributeInfo attribute : attributes) {
        out.printf("%n%s (%s level, %s tracks)%n", attribute.name(),
            attribute.barLevel() ? "bar" : "track", attribute.trackType());
        List<String> labels = attribute.labels();
        for (int level = 0; level < attribute.size(); level++) {
          out.printf("  %2d  %s%n", level, level < labels.size() ? labels.get(level) : "");
        }
      }
      out.flush();
    }
    return 0;
  }
}
