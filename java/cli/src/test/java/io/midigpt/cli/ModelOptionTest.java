package io.midigpt.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.engine.hub.PretrainedSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --model: a file, a pretrained name, or by default the shipped default model. */
class ModelOptionTest {
  private static final Path TINY = CliRun.SHARED.resolve("golden/model/tiny_gpt2.safetensors");

  @TempDir Path models;

  private String savedProperty;

  /** The shipped models folder is pointed at an empty temp folder, whatever the clone holds. */
  @BeforeEach
  void pointModelsAtTemp() {
    savedProperty = System.getProperty(PretrainedSettings.MODELS_PROPERTY);
    System.setProperty(PretrainedSettings.MODELS_PROPERTY, models.toString());
  }

  @AfterEach
  void restoreModels() {
    if (savedProperty == null) {
      System.clearProperty(PretrainedSettings.MODELS_PROPERTY);
    } else {
      System.setProperty(PretrainedSettings.MODELS_PROPERTY, savedProperty);
    }
  }

  @Test
  void withoutModelTheDefaultModelIsUsed() throws IOException {
    CliRun missing = CliRun.of("attributes");
    assertEquals(1, missing.exitCode());
    assertTrue(missing.err().contains("the default model is not installed: no default.safetensors"
        + " in " + models), missing.err());

    Files.copy(TINY, models.resolve("default.safetensors"));
    CliRun found = CliRun.of("attributes");
    assertEquals(0, found.exitCode(), found.err());
    assertTrue(found.out().startsWith("default: "), found.out());
    assertEquals(found.out().substring("default".length()),
        CliRun.of("attributes", "--model", TINY.toString()).out().substring(TINY.toString().length()));
  }

  @Test
  void unknownNamesAndMissingFilesAreClearErrors() {
    CliRun file = CliRun.of("attributes", "--model", "nowhere/model.safetensors");
    assertEquals(1, file.exitCode());
    assertTrue(file.err().contains("checkpoint not found: nowhere/model.safetensors"), file.err());
  }

  @Test
  void helpNamesThePretrainedModels() {
    String help = CliRun.of("generate", "--help").out().replaceAll("\\s+", " ");
    assertTrue(help.contains("[--model=MODEL]"), help);
    assertTrue(help.contains("yellow, yellow_small, prism_medium, expressive"), help);
    assertTrue(help.contains("Default: default."), help);
  }

  @Test
  void theDownloadBarDrawsProgressOnOneLine() {
    StringWriter text = new StringWriter();
    DownloadBar bar = new DownloadBar(new PrintWriter(text));
    bar.started("yellow_medium-final.safetensors", 4L << 20, 1L << 20);
    bar.advanced(2L << 20, 4L << 20);
    bar.advanced(4L << 20, 4L << 20);
    bar.finished(true);
    String drawn = text.toString();
    assertTrue(drawn.startsWith("midigpt: resuming the download of yellow_medium-final.safetensors"
        + " at 1.0 MiB\n"), drawn);
    assertTrue(drawn.contains("\rmidigpt: downloading yellow_medium-final.safetensors [#######"),
        drawn);
    assertTrue(drawn.contains(" 25% 1.0/4.0 MiB"), drawn);
    // The last state is always drawn, however soon it comes.
    assertTrue(drawn.contains("[" + "#".repeat(30) + "] 100% 4.0/4.0 MiB"), drawn);
    assertTrue(drawn.endsWith("\n"), drawn);
  }
}
