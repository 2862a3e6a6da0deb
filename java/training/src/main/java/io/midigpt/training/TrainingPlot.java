package io.midigpt.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Renders a run's {@code metrics.jsonl} as a PNG: training and validation loss over steps on
 * top, the learning rate below. A resumed run may log a step twice; the last line wins.
 */
public final class TrainingPlot {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 360;

  private TrainingPlot() {}

  /** Writes the plot of {@code runDir}'s metrics to {@code png}; returns the steps plotted. */
  public static int render(Path runDir, Path png) {
    TreeMap<Long, Double> loss = new TreeMap<>();
    TreeMap<Long, Double> evalLoss = new TreeMap<>();
    TreeMap<Long, Double> rate = new TreeMap<>();
    ObjectMapper json = new ObjectMapper();
    Path metrics = runDir.resolve(MetricsLog.FILE);
    try {
      for (String line : Files.readAllLines(metrics)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = json.readTree(line);
        } catch (IOException torn) {
          continue; // the last line of a killed run may be cut short
        }
        long step = node.path("step").asLong();
        if (node.has("loss")) {
          loss.put(step, node.get("loss").asDouble());
          rate.put(step, node.path("lr").asDouble());
        }
        if (node.has("eval_loss")) {
          evalLoss.put(step, node.get("eval_loss").asDouble());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + metrics + ": " + e.getMessage(), e);
    }
    if (loss.isEmpty()) {
      throw new io.midigpt.InvalidArgumentException(metrics + " has no logged steps yet");
    }
    JFreeChart losses = chart("Loss (nats per token)",
        List.of(series("training", loss), series("validation", evalLoss)));
    JFreeChart rates = chart("Learning rate", List.of(series("learning rate", rate)));
    BufferedImage image = new BufferedImage(WIDTH, 2 * HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      losses.draw(g, new java.awt.geom.Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
      rates.draw(g, new java.awt.geom.Rectangle2D.Double(0, HEIGHT, WIDTH, HEIGHT));
    } finally {
      g.dispose();
    }
    try {
      Path parent = png.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      ImageIO.write(image, "png", png.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
    }
    return loss.size();
  }

  private static XYSeries series(String name, TreeMap<Long, Double> points) {
    XYSeries series = new XYSeries(name);
    points.forEach(series::add);
    return series;
  }

  private static JFreeChart chart(String title, List<XYSeries> series) {
    XYSeriesCollection data = new XYSeriesCollection();
    series.forEach(data::addSeries);
    JFreeChart chart = ChartFactory.createXYLineChart(
        title, "step", null, data, PlotOrientation.VERTICAL, series.size() > 1, false, false);
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    renderer.setSeriesPaint(0, new Color(0x1f, 0x77, 0xb4));
    renderer.setSeriesPaint(1, new Color(0xd6, 0x27, 0x28));
    renderer.setSeriesStroke(0, new BasicStroke(1.5f));
    renderer.setSeriesStroke(1, new BasicStroke(2.5f));
    renderer.setSeriesShapesVisible(1, true);
    plot.setRenderer(renderer);
    return chart;
  }
}
