package dev.switchboard.bench;

import dev.switchboard.gateway.openai.UsageSniffer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading the token usage out of a response as the data plane does: from native buffers of Netty's
 * default allocator (what a socket read gives). Two responses: the proxy benchmark's completion
 * (340 bytes, one buffer) and a streamed answer of 64 SSE chunks ending with a usage chunk. The
 * baselines copy the same bytes out ({@code getBytes}, the least any reader of native memory pays)
 * and find every quote in them with Netty's {@code ByteBuf.indexOf}, the way an earlier sniffer
 * skipped from key to key.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class UsageSnifferBenchmark {
  /** The proxy benchmark's chat completion (its static backend's answer). */
  public static final String COMPLETION =
      "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"bench\",\"choices\":[{\"index\":0,"
          + "\"message\":{\"role\":\"assistant\",\"content\":\"Hello from the static backend of the proxy benchmark, a fixed"
          + " answer.\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":14,\"total_tokens\":26}}";

  @Param({"completion", "stream"})
  public String response;

  private ByteBuf[] pieces;
  private final byte[] copy = new byte[8192];

  @Setup
  public void setUp() {
    String[] text;
    if (response.equals("completion")) {
      text = new String[] {COMPLETION};
    } else {
      text = new String[64];
      for (int i = 0; i < 63; i++) {
        text[i] =
            "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"bench\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" word" + i + "\"},\"finish_reason\":null}],\"usage\":null}\n\n";
      }
      text[63] =
          "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"bench\",\"choices\":[],"
              + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":63,\"total_tokens\":75}}\n\ndata: [DONE]\n\n";
    }
    pieces = new ByteBuf[text.length];
    for (int i = 0; i < text.length; i++) {
      byte[] bytes = text[i].getBytes(StandardCharsets.UTF_8);
      pieces[i] = ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
    }
  }

  @TearDown
  public void tearDown() {
    for (ByteBuf b : pieces) {
      b.release();
    }
  }

  @Benchmark
  public long sniffUsage() {
    UsageSniffer sniffer = new UsageSniffer();
    for (ByteBuf b : pieces) {
      sniffer.accept(b);
    }
    long total = sniffer.totalTokens();
    if (total < 0) {
      throw new IllegalStateException("no usage found");
    }
    return total;
  }

  @Benchmark
  public int baselineCopyOut() {
    int sum = 0;
    for (ByteBuf b : pieces) {
      b.getBytes(b.readerIndex(), copy, 0, b.readableBytes());
      sum += copy[0];
    }
    return sum;
  }

  @Benchmark
  public int baselineFindQuotesWithIndexOf() {
    int quotes = 0;
    for (ByteBuf b : pieces) {
      int i = b.readerIndex();
      int end = b.writerIndex();
      while ((i = b.indexOf(i, end, (byte) '"')) >= 0) {
        quotes++;
        i++;
      }
    }
    return quotes;
  }
}
