package dev.switchboard.cli;

import dev.switchboard.config.Yaml;
import dev.switchboard.core.balance.Balancers;
import dev.switchboard.core.replica.Replica;
import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.upstream.UpstreamReplica;
import dev.switchboard.replica.ReplicaOptions;
import dev.switchboard.replica.ReplicaServer;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchboard demo}: three simulated vLLM replicas (the seed's pool, the third throttled to
 * half speed) behind the gateway, in one process, with demo keys; optionally with steady traffic so
 * the routing can be watched.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the gateway in front of three simulated vLLM replicas (speed factors 1.0, 1.0, 2.0: the",
      "third is thermally throttled) with demo keys, until Ctrl-C. With --load, also drive steady",
      "traffic and print where it goes every few seconds."
    })
final class DemoCommand implements Callable<Integer> {
  static final String MODEL = "demo-llama-3.1-8b";
  private static final double[] SPEEDS = {1.0, 1.0, 2.0};

  @Option(names = "--port", defaultValue = "8080", description = "Data-plane port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--admin-port", defaultValue = "8081", description = "Admin port (default: ${DEFAULT-VALUE}).")
  int adminPort;

  @Option(names = "--balancer", defaultValue = "peak-ewma", description = "Balancer (default: ${DEFAULT-VALUE}); see 'switchboard policies'.")
  String balancer;

  @Option(names = "--load", description = "Also drive steady traffic (a vip/free mix) and print the routing.")
  boolean load;

  @Option(names = "--rate", defaultValue = "8", description = "Requests per second with --load (default: ${DEFAULT-VALUE}).")
  double rate;

  @Override
  public Integer call() throws Exception {
    if (!Balancers.exists(balancer)) {
      throw new IllegalArgumentException(
          "--balancer: unknown balancer '" + balancer + "' (known: " + String.join(", ", Balancers.names()) + ")");
    }
    if (!(rate > 0) || rate > 10_000) {
      throw new IllegalArgumentException("--rate: must be in (0, 10000], was " + rate);
    }
    Vertx vertx = Vertx.vertx();
    List<ReplicaServer> replicas = new ArrayList<>();
    for (int i = 0; i < SPEEDS.length; i++) {
      ReplicaOptions options = ReplicaOptions.of(MODEL).withSpeed(SPEEDS[i]).withDefaultMaxTokens(64).withSeed(i);
      replicas.add(ReplicaServer.start(vertx, options).await(10, TimeUnit.SECONDS));
    }
    GatewayConfig config = config(replicas);
    Gateway gateway;
    try {
      gateway = Gateway.start(vertx, config).await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalArgumentException(
          "cannot start the gateway on 127.0.0.1:" + port + " (is the port taken? try --port): " + e.getMessage(), e);
    }
    printWelcome(gateway, replicas);
    if (load) {
      startLoad(gateway);
      vertx.setPeriodic(3000, id -> printRouting(gateway));
    }
    ServeCommand.awaitShutdown(gateway, vertx);
    return 0;
  }

  private GatewayConfig config(List<ReplicaServer> replicas) {
    StringBuilder yaml = new StringBuilder();
    yaml.append("listen: {data: {port: ").append(port).append("}, admin: {port: ").append(adminPort).append("}}\n");
    yaml.append("pools:\n  - name: demo\n    models: [").append(MODEL).append("]\n");
    yaml.append("    balancer: ").append(balancer).append("\n    replicas:\n");
    for (int i = 0; i < replicas.size(); i++) {
      yaml.append("      - {id: ")
          .append(SPEEDS[i] > 1 ? "gpu-" + i + "-throttled" : "gpu-" + i)
          .append(", url: \"http://127.0.0.1:")
          .append(replicas.get(i).port())
          .append("\"}\n");
    }
    yaml.append(
        """
        keys:
          - {key: sk-demo-vip, tenant: demo-vip, tier: vip}
          - {key: sk-demo-free, tenant: demo-free, tier: free}
          - {key: sk-demo-admin, tenant: demo-ops, tier: vip, admin: true}
        timeouts: {drain_s: 5}
        """);
    return GatewayConfig.parse(Yaml.parse(yaml.toString()));
  }

  private void printWelcome(Gateway gateway, List<ReplicaServer> replicas) {
    System.out.println("Switchboard demo");
    for (int i = 0; i < replicas.size(); i++) {
      System.out.printf(Locale.ROOT, "  replica %-18s http://127.0.0.1:%d  speed x%.1f%s%n",
          "gpu-" + i + (SPEEDS[i] > 1 ? "-throttled" : ""), replicas.get(i).port(), SPEEDS[i],
          SPEEDS[i] > 1 ? "  (thermally throttled: half speed)" : "");
    }
    System.out.printf("  gateway  http://127.0.0.1:%d  (balancer %s)%n", gateway.port(), balancer);
    System.out.printf("  admin    http://127.0.0.1:%d/admin/replicas%n", gateway.adminPort());
    System.out.println("  keys     sk-demo-vip (tier vip), sk-demo-free (tier free), sk-demo-admin (admin)");
    System.out.println();
    System.out.println("Try:");
    System.out.printf(
        "  curl -s http://127.0.0.1:%d/v1/chat/completions -H 'Authorization: Bearer sk-demo-vip' \\%n"
            + "    -H 'Content-Type: application/json' \\%n"
            + "    -d '{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}],\"max_tokens\":20,\"stream\":true}'%n",
        gateway.port(), MODEL);
    System.out.println();
    System.out.println("Ctrl-C stops (requests in flight are allowed to finish).");
  }

  /** Runs loadgen against the gateway in the background, as a user would from another terminal. */
  private void startLoad(Gateway gateway) {
    String[] args = {
      "--url", "http://127.0.0.1:" + gateway.port(), "--model", MODEL, "--rate", Double.toString(rate),
      "--duration", "24h", "--stream", "--prompt-tokens", "300", "--max-tokens", "100",
      "--key", "vip=sk-demo-vip", "--key", "free=sk-demo-free", "--mix", "vip=0.2,free=0.8", "--quiet"
    };
    Thread t =
        new Thread(
            () -> new CommandLine(new LoadgenCommand()).execute(args), "switchboard-demo-load");
    t.setDaemon(true);
    t.start();
    System.out.printf(Locale.ROOT, "Driving %.1f req/s (20%% vip, 80%% free, streamed); routing every 3 s:%n", rate);
  }

  /** Each replica's dispatches at the last print, by id. */
  private final Map<String, Long> lastDispatched = new HashMap<>();

  private void printRouting(Gateway gateway) {
    List<UpstreamReplica> replicas = gateway.router().pools().get(0).replicas();
    long total = 0;
    long[] delta = new long[replicas.size()];
    for (int i = 0; i < delta.length; i++) {
      Replica r = replicas.get(i).replica();
      long d = r.dispatchedTotal();
      delta[i] = d - lastDispatched.getOrDefault(r.id(), 0L);
      lastDispatched.put(r.id(), d);
      total += delta[i];
    }
    StringBuilder line = new StringBuilder("  ");
    for (int i = 0; i < delta.length; i++) {
      Replica r = replicas.get(i).replica();
      line.append(String.format(Locale.ROOT, "%s %3.0f%% (in flight %d, ewma %.0f ms)   ",
          r.id(), total == 0 ? 0.0 : 100.0 * delta[i] / total, r.inFlight(), r.latency().estimateNanos() / 1e6));
    }
    System.out.println(line.toString().stripTrailing());
  }
}
