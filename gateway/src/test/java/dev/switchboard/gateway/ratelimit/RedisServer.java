package dev.switchboard.gateway.ratelimit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} per test, as a child process on 127.0.0.1 and a free port, without
 * persistence. Tests that register it are skipped where the binary is not installed.
 */
public final class RedisServer implements BeforeEachCallback, AfterEachCallback {
  private final Path binary = find();
  private int port;
  private Process process;

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (binary == null) {
      Assumptions.assumeTrue(false, "redis-server not installed: apt-get install -y redis-server");
    }
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    kill();
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  boolean running() {
    return process != null && process.isAlive();
  }

  /** Starts it again on the same port, empty; waits until it answers PING. */
  public void start() throws Exception {
    if (running()) {
      throw new IllegalStateException("already running");
    }
    process =
        new ProcessBuilder(
                binary.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!answersPing()) {
      if (System.nanoTime() > deadline || !process.isAlive()) {
        throw new IllegalStateException("redis-server did not come up on port " + port);
      }
      Thread.sleep(10);
    }
  }

  /** Kills it the hard way, as a crash would. */
  public void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** Freezes it (SIGSTOP): connections stay open but nothing is answered. */
  void pause() throws Exception {
    signal("-STOP");
  }

  void resume() throws Exception {
    signal("-CONT");
  }

  private void signal(String signal) throws Exception {
    new ProcessBuilder("kill", signal, String.valueOf(process.pid())).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
  }

  private boolean answersPing() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] reply = new byte[5];
      return in.readNBytes(reply, 0, 5) == 5 && new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  private static Path find() {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin").split(":")) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, "redis-server");
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }
}
