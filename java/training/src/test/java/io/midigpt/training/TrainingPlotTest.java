package io.midigpt.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingPlotTest {
  @Test
  void rendersLossAndRateCurvesSkippingATornLastLine(@TempDir Path run) throws Exception {
    System.setProperty("java.awt.headless", "true");
    Files.writeString(run.resolve(MetricsLog.FILE), """
        {"step":1,"loss":6.0,"lr":0.001}
        {"step":2,"loss":5.0,"lr":0.001}
        {"step":2,"eval_loss":5.5}
        {"step":3,"loss":4.
        """);
    Path png = run.resolve("plot.png");
    assertEquals(2, TrainingPlot.render(run, png));
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(900, image.getWidth());
    assertEquals(720, image.getHeight());
  }

  @Test
  void aRunWithoutStepsIsAClearError(@TempDir Path run) throws Exception {
    Files.writeString(run.resolve(MetricsLog.FILE), "");
    assertThrows(io.midigpt.InvalidArgumentException.class,
        () -> TrainingPlot.render(run, run.resolve("p.png")));
  }
}
