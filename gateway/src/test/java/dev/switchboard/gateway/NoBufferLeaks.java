package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class during which a Netty buffer was dropped without being released. Netty's leak
 * detector tracks every buffer in this module's tests ({@code io.netty.leakDetection.level=paranoid}
 * in the pom: it must be set before Netty starts) and reports a leak when it finds the buffer
 * collected; the reports are caught from its logger, and a collection at the end flushes out the
 * last ones.
 */
public final class NoBufferLeaks implements BeforeAllCallback, AfterAllCallback {
  private static final Logger DETECTOR = Logger.getLogger(ResourceLeakDetector.class.getName());
  private final List<String> leaks = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          if (r.getMessage() != null && r.getMessage().contains("LEAK:")) {
            leaks.add(r.getMessage());
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @Override
  public void beforeAll(ExtensionContext context) {
    DETECTOR.addHandler(capture);
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    try {
      for (int i = 0; i < 3 && leaks.isEmpty(); i++) {
        System.gc();
        Thread.sleep(100);
        // The detector looks for collected buffers when a new one is tracked.
        for (int j = 0; j < 100; j++) {
          ByteBufAllocator.DEFAULT.buffer(16).release();
        }
      }
      assertThat(leaks).as("Netty buffers never released").isEmpty();
    } finally {
      DETECTOR.removeHandler(capture);
    }
  }
}
