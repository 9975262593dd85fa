package dev.switchboard.loadgen;

import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Names a network failure by what the user can act on: connect, reset, timeout, tls, other. */
final class ErrorKind {
  static final String CONNECT = "connect";
  static final String RESET = "reset";
  static final String TIMEOUT = "timeout";
  static final String TLS = "tls";
  static final String OTHER = "other";

  /** Cause chains are short; the bound only guards against a cycle. */
  private static final int MAX_CAUSES = 16;

  private ErrorKind() {}

  static String of(Throwable error) {
    Throwable t = error;
    for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
      // Netty's connect-timeout and annotated connect-refused exceptions are ConnectExceptions.
      if (t instanceof ConnectException
          || t instanceof UnknownHostException
          || t instanceof NoRouteToHostException) {
        return CONNECT;
      }
      if (t instanceof TimeoutException) {
        return TIMEOUT;
      }
      if (t instanceof SSLException) {
        return TLS;
      }
      if (t instanceof HttpClosedException
          || t instanceof StreamResetException
          || t instanceof ClosedChannelException
          || t instanceof IOException) {
        return RESET;
      }
    }
    return OTHER;
  }
}
