package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SortedSet;
import org.junit.jupiter.api.Test;

/**
 * The design's import rules, checked on the compiled main classes of every module but bench (the
 * cli depends on all of them, so its test class path holds them all): the policy core stands alone,
 * the simulator and the gateway are two runtimes that do not know each other, and no packages refer
 * to one another in a circle.
 */
class ArchitectureTest {
  private static final String ROOT = "dev.switchboard";
  private static final CompiledClasses CLASSES =
      CompiledClasses.onClassPath(System.getProperty("java.class.path"), ROOT);

  private static void assertKept(ImportRule rule) {
    assertThat(rule.violations(CLASSES)).as(rule.toString()).isEmpty();
  }

  @Test
  void theClassPathHoldsTheClassesOfEveryModuleButBench() {
    // Without them every rule below would pass for want of anything to check.
    assertThat(CLASSES.packages())
        .contains(
            "dev.switchboard.core", "dev.switchboard.config", "dev.switchboard.sim",
            "dev.switchboard.replica", "dev.switchboard.gateway", "dev.switchboard.cli");
  }

  @Test
  void theCoreRefersToNoOtherModuleNoServerFrameworkAndNoYaml() {
    assertKept(
        ImportRule.packagesUnder(
            "dev.switchboard.core",
            "dev.switchboard.gateway", "dev.switchboard.sim", "dev.switchboard.cli",
            "dev.switchboard.config", "dev.switchboard.replica",
            "io.vertx", "io.netty", "io.lettuce", "io.opentelemetry", "io.prometheus", "io.fabric8",
            "com.fasterxml.jackson.dataformat.yaml", "org.yaml"));
  }

  @Test
  void theSimulatorRefersToNothingInTheGateway() {
    assertKept(ImportRule.packagesUnder("dev.switchboard.sim", "dev.switchboard.gateway"));
  }

  @Test
  void theGatewayRefersNeitherToTheSimulatorNorToTheCli() {
    assertKept(
        ImportRule.packagesUnder("dev.switchboard.gateway", "dev.switchboard.sim", "dev.switchboard.cli"));
  }

  @Test
  void noPackagesReferToOneAnotherInACircle() {
    PackageGraph graph = PackageGraph.of(CLASSES, ROOT);
    List<SortedSet<String>> cycles = PackageCycles.in(graph);
    assertThat(cycles).withFailMessage("%s", PackageCycles.describe(graph, cycles)).isEmpty();
  }
}
