package dev.switchboard.gateway.openai;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PriorityFieldTest {

  private static String inserted(String body, int priority) {
    ByteBuf in = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
    ByteBuf out = PriorityField.insert(in, priority);
    try {
      assertThat(in.refCnt()).as("the original is the caller's to release").isEqualTo(1);
      return out.toString(StandardCharsets.UTF_8);
    } finally {
      in.release();
      out.release();
    }
  }

  @Test
  void thePriorityComesFirstAndTheRestIsUnchanged() {
    assertThat(inserted("{\"model\":\"m\",\"max_tokens\":3}", 10))
        .isEqualTo("{\"priority\":10,\"model\":\"m\",\"max_tokens\":3}");
  }

  @Test
  void anEmptyObjectGetsNoComma() {
    assertThat(inserted("{ }", 0)).isEqualTo("{\"priority\":0 }");
  }

  @Test
  void whitespaceBeforeTheObjectIsDropped() {
    assertThat(inserted("  \n{\"model\":\"m\"}", 5)).isEqualTo("{\"priority\":5,\"model\":\"m\"}");
  }
}
