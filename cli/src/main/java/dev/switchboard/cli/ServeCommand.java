package dev.switchboard.cli;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard serve}: runs the gateway from a YAML config until SIGTERM or Ctrl-C. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Run the gateway: OpenAI-compatible data plane and admin listener, configured by one YAML file.",
      "On SIGTERM or Ctrl-C it stops accepting and lets requests in flight finish (timeouts.drain_s)."
    })
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--config", required = true, paramLabel = "FILE", description = "Gateway config (YAML).")
  Path config;

  @Override
  public Integer call() throws Exception {
    GatewayConfig cfg = GatewayConfig.load(config);
    Vertx vertx = Vertx.vertx();
    Gateway gateway;
    try {
      gateway = Gateway.start(vertx, cfg).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalArgumentException("cannot start the gateway: " + e.getMessage(), e);
    }
    System.out.printf(
        "switchboard gateway on http://%s:%d, admin on http://%s:%d%n",
        cfg.data().host(), gateway.port(), cfg.admin().host(), gateway.adminPort());
    awaitShutdown(gateway, vertx);
    return 0;
  }

  /** Blocks until the JVM is asked to stop, then drains the gateway before letting it exit. */
  static void awaitShutdown(Gateway gateway, Vertx vertx) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.err.println("switchboard: draining (up to " + gateway.config().timeouts().drain().toSeconds() + " s)...");
                  try {
                    gateway.stop().eventually(vertx::close).await(
                        gateway.config().timeouts().drain().toMillis() + 5000, TimeUnit.MILLISECONDS);
                  } catch (Exception e) {
                    System.err.println("switchboard: drain did not finish cleanly: " + e.getMessage());
                  }
                  stopped.countDown();
                },
                "switchboard-shutdown"));
    stopped.await();
  }
}
