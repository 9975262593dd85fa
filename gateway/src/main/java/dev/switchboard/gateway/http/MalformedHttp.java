package dev.switchboard.gateway.http;

import java.io.IOException;

/**
 * Bytes on a connection that do not make an HTTP/1.1 message, with the status a server answers
 * them with (400 unless the problem has a status of its own, such as 431 for an oversized head).
 */
public final class MalformedHttp extends IOException {
  private final int status;

  MalformedHttp(String message) {
    this(400, message);
  }

  MalformedHttp(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
