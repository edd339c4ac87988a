package io.himoe.branches.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.himoe.shared.InputData;
import io.himoe.shared.MoeError;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class DigitImageEncoderTest {

  private static final DigitImageEncoder ENCODER = DigitImageEncoder.mnist();

  private static byte[] png(BufferedImage img) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  /** Bounding box {top, bottom, left, right} of pixels above 0.1, and the centre of mass. */
  private static double[] geometry(float[] f) {
    int top = 28;
    int bottom = -1;
    int left = 28;
    int right = -1;
    double m = 0;
    double cx = 0;
    double cy = 0;
    for (int y = 0; y < 28; y++) {
      for (int x = 0; x < 28; x++) {
        float v = f[y * 28 + x];
        m += v;
        cx += x * v;
        cy += y * v;
        if (v > 0.1f) {
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
          left = Math.min(left, x);
          right = Math.max(right, x);
        }
      }
    }
    return new double[] {top, bottom, left, right, cx / m, cy / m};
  }

  @Test
  void aDarkStrokeOnPaperBecomesAnMnistDigit() throws Exception {
    // a 6 x 60 black bar on a white 100 x 120 page, off centre
    BufferedImage img = new BufferedImage(100, 120, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 100, 120);
    g.setColor(Color.BLACK);
    g.fillRect(10, 50, 6, 60);
    g.dispose();
    float[] f = ENCODER.encode(InputData.bytes(png(img))).vector();
    assertThat(f).hasSize(784);
    double[] geo = geometry(f);
    // the long side fills 20 pixels, light ink on black, centred by mass at (13.5, 13.5)
    assertThat(geo[1] - geo[0] + 1).isEqualTo(20);
    assertThat(geo[3] - geo[2] + 1).isEqualTo(2);
    assertThat(geo[4]).isCloseTo(13.5, within(0.6));
    assertThat(geo[5]).isCloseTo(13.5, within(0.6));
    float max = 0;
    for (float v : f) {
      max = Math.max(max, v);
    }
    assertThat(max).isEqualTo(1f);
    assertThat(f[0]).isZero();
  }

  @Test
  void lightInkOnBlackIsKeptAndEveryFormatReads() {
    for (String format : new String[] {"png", "jpg", "gif", "bmp"}) {
      byte[] file = DigitImages.draw(0, new Random(3), format);
      float[] f = ENCODER.encode(InputData.bytes(file)).vector();
      double[] geo = geometry(f);
      assertThat(geo[1] - geo[0] + 1).as(format).isBetween(19.0, 20.0);
      assertThat(geo[4]).as(format).isCloseTo(13.5, within(1.0));
    }
  }

  @Test
  void featuresOf784PassThroughAndOtherInputsAreRefused() throws Exception {
    float[] pixels = new float[784];
    pixels[400] = 0.5f;
    assertThat(ENCODER.encode(InputData.features(pixels)).vector()).containsExactly(pixels);
    assertThatThrownBy(() -> ENCODER.encode(InputData.features(1f, 2f)))
        .isInstanceOf(MoeError.EncodeError.class)
        .hasMessageContaining("784 pixel values, got 2 features");
    assertThatThrownBy(() -> ENCODER.encode(InputData.text("seven")))
        .isInstanceOf(MoeError.EncodeError.class)
        .hasMessageContaining("expected an image (PNG, JPEG, GIF or BMP bytes), got text");
    assertThatThrownBy(() -> ENCODER.encode(InputData.bytes(new byte[] {1, 2, 3})))
        .isInstanceOf(MoeError.EncodeError.class)
        .hasMessageContaining("not an image");
    BufferedImage blank = new BufferedImage(30, 30, BufferedImage.TYPE_INT_RGB);
    assertThatThrownBy(() -> ENCODER.encode(InputData.bytes(png(blank))))
        .hasMessageContaining("image is blank");
    BufferedImage huge = new BufferedImage(4097, 1, BufferedImage.TYPE_BYTE_GRAY);
    assertThatThrownBy(() -> ENCODER.encode(InputData.bytes(png(huge))))
        .hasMessageContaining("image is 4097x1 pixels, at most 4096");
  }

  @Test
  void aChatConversationGivesItsLastUserImage() {
    byte[] ring = DigitImages.draw(0, new Random(3), "png");
    byte[] stroke = DigitImages.draw(1, new Random(3), "png");
    io.himoe.shared.Message user =
        new io.himoe.shared.Message(
            io.himoe.shared.Message.Role.USER,
            java.util.List.of(
                new io.himoe.shared.ContentPart.Text("which digit?"),
                new io.himoe.shared.ContentPart.Image(stroke, "image/png")),
            java.util.Optional.empty(),
            java.util.Optional.empty(),
            java.util.List.of());
    io.himoe.shared.Message earlier =
        new io.himoe.shared.Message(
            io.himoe.shared.Message.Role.USER,
            java.util.List.of(new io.himoe.shared.ContentPart.Image(ring, "image/png")),
            java.util.Optional.empty(),
            java.util.Optional.empty(),
            java.util.List.of());
    InputData chat =
        InputData.Conversation.of(
            java.util.List.of(earlier, io.himoe.shared.Message.assistant("0"), user));
    assertThat(ENCODER.encode(chat).vector())
        .containsExactly(ENCODER.encode(InputData.bytes(stroke)).vector());
    InputData textOnly =
        InputData.Conversation.of(java.util.List.of(io.himoe.shared.Message.user("seven")));
    assertThatThrownBy(() -> ENCODER.encode(textOnly))
        .isInstanceOf(MoeError.EncodeError.class)
        .hasMessageContaining("expected an image in the last user message");
  }
}
