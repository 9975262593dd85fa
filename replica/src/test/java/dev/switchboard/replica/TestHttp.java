package dev.switchboard.replica;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A plain HTTP/1.1 client for the tests, with helpers for JSON posts and server-sent events. */
final class TestHttp {
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private final String baseUrl;

  TestHttp(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  HttpClient client() {
    return client;
  }

  HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
    return client.send(postRequest(path, json).build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpRequest.Builder postRequest(String path, String json) {
    return HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(10))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return get(path, Duration.ofSeconds(10));
  }

  HttpResponse<String> get(String path, Duration timeout) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout).GET().build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** Splits an event-stream body into its events' data, checking each is framed {@code data: …\n\n}. */
  static List<String> events(String body) {
    List<String> data = new ArrayList<>();
    int at = 0;
    while (at < body.length()) {
      int end = body.indexOf("\n\n", at);
      if (end < 0) {
        throw new AssertionError("unterminated event at " + at + ": " + body.substring(at));
      }
      String event = body.substring(at, end);
      if (!event.startsWith("data: ") || event.indexOf('\n') >= 0) {
        throw new AssertionError("not a single data line: " + event);
      }
      data.add(event.substring("data: ".length()));
      at = end + 2;
    }
    return data;
  }
}
