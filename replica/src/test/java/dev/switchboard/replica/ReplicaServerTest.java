package dev.switchboard.replica;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OpenAI/vLLM surface of one healthy replica. */
class ReplicaServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MODEL = "test-model";

  private static Vertx vertx;
  private static ReplicaServer server;
  private static TestHttp http;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    server = ReplicaServer.start(vertx, ReplicaOptions.of(MODEL).withSeed(1)).await(5, TimeUnit.SECONDS);
    http = new TestHttp(server.baseUrl());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close().await(5, TimeUnit.SECONDS);
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  private static String chat(String extra) {
    // "Hello there!" is 12 characters: 3 prompt tokens.
    return "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there!\"}]"
        + extra + "}";
  }

  private static String completion(String extra) {
    return "{\"model\":\"" + MODEL + "\",\"prompt\":\"Hello there!\"" + extra + "}";
  }

  @Test
  void chatCompletionAnswersWithTheOpenAiShapeAndUsage() throws Exception {
    HttpResponse<String> response = http.post("/v1/chat/completions", chat(",\"max_tokens\":5"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("id").asText()).startsWith("chatcmpl-");
    assertThat(body.get("object").asText()).isEqualTo("chat.completion");
    assertThat(body.get("created").asLong()).isPositive();
    assertThat(body.get("model").asText()).isEqualTo(MODEL);
    JsonNode choice = body.get("choices").get(0);
    assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
    assertThat(choice.get("message").get("content").asText()).isEqualTo(" tok0 tok1 tok2 tok3 tok4");
    assertThat(choice.get("finish_reason").asText()).isEqualTo("length");
    JsonNode usage = body.get("usage");
    assertThat(usage.get("prompt_tokens").asInt()).isEqualTo(3);
    assertThat(usage.get("completion_tokens").asInt()).isEqualTo(5);
    assertThat(usage.get("total_tokens").asInt()).isEqualTo(8);
  }

  @Test
  void textCompletionAnswersWithTextAndTheDefaultLengthWhenMaxTokensIsAbsent() throws Exception {
    HttpResponse<String> response = http.post("/v1/completions", completion(""));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("id").asText()).startsWith("cmpl-");
    assertThat(body.get("object").asText()).isEqualTo("text_completion");
    String text = body.get("choices").get(0).get("text").asText();
    assertThat(text.split(" tok")).hasSize(1 + ReplicaOptions.DEFAULT_MAX_TOKENS);
    assertThat(body.get("usage").get("completion_tokens").asInt()).isEqualTo(ReplicaOptions.DEFAULT_MAX_TOKENS);
  }

  @Test
  void streamedChatIsFramedAsServerSentEventsWithRoleTokensFinishUsageAndDone() throws Exception {
    HttpResponse<String> response = http.post("/v1/chat/completions",
        chat(",\"max_tokens\":4,\"stream\":true,\"stream_options\":{\"include_usage\":true}"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    List<String> events = TestHttp.events(response.body());
    assertThat(events).hasSize(1 + 4 + 1 + 1 + 1);
    JsonNode role = JSON.readTree(events.get(0));
    assertThat(role.get("object").asText()).isEqualTo("chat.completion.chunk");
    assertThat(role.get("choices").get(0).get("delta").get("role").asText()).isEqualTo("assistant");
    String id = role.get("id").asText();
    for (int i = 0; i < 4; i++) {
      JsonNode chunk = JSON.readTree(events.get(1 + i));
      assertThat(chunk.get("id").asText()).isEqualTo(id);
      assertThat(chunk.get("choices").get(0).get("delta").get("content").asText()).isEqualTo(" tok" + i);
      assertThat(chunk.get("choices").get(0).get("finish_reason").isNull()).isTrue();
    }
    JsonNode finish = JSON.readTree(events.get(5));
    assertThat(finish.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
    JsonNode usage = JSON.readTree(events.get(6));
    assertThat(usage.get("choices")).isEmpty();
    assertThat(usage.get("usage").get("completion_tokens").asInt()).isEqualTo(4);
    assertThat(usage.get("usage").get("prompt_tokens").asInt()).isEqualTo(3);
    assertThat(events.get(7)).isEqualTo("[DONE]");
  }

  @Test
  void streamedCompletionHasNoRoleChunkAndNoUsageUnlessAsked() throws Exception {
    HttpResponse<String> response = http.post("/v1/completions", completion(",\"max_tokens\":3,\"stream\":true"));

    List<String> events = TestHttp.events(response.body());
    assertThat(events).hasSize(3 + 1 + 1);
    for (int i = 0; i < 3; i++) {
      JsonNode chunk = JSON.readTree(events.get(i));
      assertThat(chunk.get("object").asText()).isEqualTo("text_completion");
      assertThat(chunk.get("choices").get(0).get("text").asText()).isEqualTo(" tok" + i);
    }
    assertThat(JSON.readTree(events.get(3)).get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
    assertThat(events.get(4)).isEqualTo("[DONE]");
  }

  @Test
  void modelsListsTheServedModel() throws Exception {
    HttpResponse<String> response = http.get("/v1/models");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("object").asText()).isEqualTo("list");
    JsonNode model = body.get("data").get(0);
    assertThat(model.get("id").asText()).isEqualTo(MODEL);
    assertThat(model.get("object").asText()).isEqualTo("model");
    assertThat(model.get("owned_by").asText()).isEqualTo("switchboard");
    assertThat(model.get("max_model_len").asInt()).isEqualTo(ReplicaOptions.DEFAULT_MAX_MODEL_LEN);
  }

  @Test
  void healthIsAnEmpty200() throws Exception {
    HttpResponse<String> response = http.get("/health");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
  }

  @Test
  void anotherModelNameIsVllmsNotFoundError() throws Exception {
    HttpResponse<String> response = http.post(
        "/v1/chat/completions", "{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertThat(response.statusCode()).isEqualTo(404);
    JsonNode error = JSON.readTree(response.body()).get("error");
    assertThat(error.get("message").asText()).isEqualTo("The model `gpt-9` does not exist.");
    assertThat(error.get("type").asText()).isEqualTo("NotFoundError");
    assertThat(error.get("param").isNull()).isTrue();
    assertThat(error.get("code").asInt()).isEqualTo(404);
  }

  @Test
  void malformedJsonIsABadRequestError() throws Exception {
    HttpResponse<String> response = http.post("/v1/completions", "{\"prompt\": ");

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(response.body()).get("error");
    assertThat(error.get("type").asText()).isEqualTo("BadRequestError");
    assertThat(error.get("code").asInt()).isEqualTo(400);
  }

  @Test
  void aRequestLongerThanTheContextWindowIsRefused() throws Exception {
    HttpResponse<String> response = http.post("/v1/completions", completion(",\"max_tokens\":200000"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(response.body()).get("error").get("message").asText())
        .contains("maximum context length is " + ReplicaOptions.DEFAULT_MAX_MODEL_LEN);
  }

  @Test
  void wrongMethodIs405AndUnknownPathIs404() throws Exception {
    HttpResponse<String> wrongMethod = http.get("/v1/chat/completions");
    HttpResponse<String> unknown = http.get("/v2/nothing");

    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("allow")).hasValue("POST");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).get("detail").asText()).isEqualTo("Not Found");
  }
}
