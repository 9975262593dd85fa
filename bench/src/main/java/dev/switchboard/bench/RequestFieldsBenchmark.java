package dev.switchboard.bench;

import dev.switchboard.gateway.openai.RequestFields;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reading a chat completion's routing fields ({@code model}, {@code stream}, {@code max_tokens},
 * …) from its JSON body, as the data plane does for every request: the proxy benchmark's small
 * body, and a longer conversation of twenty turns.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestFieldsBenchmark {
  @Param({"minimal", "small", "conversation"})
  public String body;

  private byte[] bytes;

  @Setup
  public void setUp() {
    String json;
    if (body.equals("minimal")) {
      json = "{\"model\":\"bench\"}";
    } else if (body.equals("small")) {
      json =
          "{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello in one short sentence.\"}],"
              + "\"max_tokens\":16}";
    } else {
      StringBuilder b = new StringBuilder("{\"model\":\"llama-3.1-8b\",\"messages\":[");
      for (int i = 0; i < 20; i++) {
        b.append(i == 0 ? "" : ",")
            .append("{\"role\":\"")
            .append(i % 2 == 0 ? "user" : "assistant")
            .append("\",\"content\":\"Turn ")
            .append(i)
            .append(": a sentence or two of text, with \\\"quotes\\\" and a newline\\n, as chats have.\"}");
      }
      json = b.append("],\"stream\":true,\"max_tokens\":256,\"temperature\":0.7,\"user\":\"u-42\"}").toString();
    }
    bytes = json.getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public RequestFields parse() throws RequestFields.BadRequest {
    return RequestFields.parse(bytes, 0, bytes.length);
  }
}
