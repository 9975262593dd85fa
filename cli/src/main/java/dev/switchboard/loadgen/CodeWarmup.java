package dev.switchboard.loadgen;

import dev.switchboard.sim.workload.Arrival;
import java.nio.charset.StandardCharsets;

/**
 * Runs the per-request JSON code before the clock starts. A cold JVM interprets it slowly at
 * first, and an open-loop clock would charge those stalls to the server as latency. Sends nothing.
 */
final class CodeWarmup {
  /** Enough calls for the JIT's first tier; costs well under a second. */
  private static final int ROUNDS = 1_000;

  private static final byte[] CHUNK =
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok\"}}]}\n\n"
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] BODY =
      "{\"choices\":[],\"usage\":{\"completion_tokens\":3}}".getBytes(StandardCharsets.UTF_8);

  private CodeWarmup() {}

  /** Returns the content chunks counted, so the work cannot be optimised away. */
  static long run(ChatRequest chat) {
    SseCounter sse = new SseCounter();
    long sink = 0;
    for (int i = 0; i < ROUNDS; i++) {
      Arrival a = new Arrival(i, 0, 64, 16, 0, "warmup", "warmup", Arrival.NO_HASHES);
      sink += chat.body(a).length;
      sse.feed(CHUNK);
      sink += CompletionJson.completionTokens(BODY);
    }
    return sink + sse.contentEvents();
  }
}
