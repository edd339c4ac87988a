package io.himoe.eval.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotTest {

  @TempDir Path dir;

  @Test
  void ticksAreRoundNumbers() {
    assertThat(Plot.niceStep(0.08)).isCloseTo(0.02, within(1e-15));
    assertThat(Plot.niceStep(1)).isCloseTo(0.2, within(1e-15));
    assertThat(Plot.niceStep(0.74)).isCloseTo(0.1, within(1e-15));
    assertThat(Plot.niceStep(40)).isCloseTo(10, within(1e-12));
    assertThat(Plot.tick(0.04, 0.02)).isEqualTo("0.04");
    assertThat(Plot.tick(0.6000000001, 0.2)).isEqualTo("0.6");
    assertThat(Plot.tick(1e-17, 0.2)).isEqualTo("0.0");
    assertThat(Plot.tick(30, 10)).isEqualTo("30");
  }

  @Test
  void drawsSeriesInTheirColour() throws IOException {
    System.setProperty("java.awt.headless", "true");
    Path png = dir.resolve("p.png");
    new Plot("t", "x", "y", new double[] {0, 1}, new double[] {0, 1})
        .barWidth(0.2)
        .series("bars", Color.RED, new double[] {0.5}, new double[] {1}, Plot.Style.BARS)
        .write(png);
    var img = ImageIO.read(png.toFile());
    // the bar at x = 0.5 spans the plot's height; its middle pixel is red
    assertThat(new Color(img.getRGB(Plot.WIDTH / 2 + 25, Plot.HEIGHT / 2))).isEqualTo(Color.RED);
  }
}
