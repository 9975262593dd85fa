package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ImportRuleTest {
  private static final ImportRule CORE_ALONE =
      ImportRule.packagesUnder("dev.switchboard.core", "io.vertx", "dev.switchboard.sim");

  private static CompiledClasses classes(CompiledClass... classes) {
    return CompiledClasses.of(List.of(classes));
  }

  @Test
  void aForbiddenReferenceIsReportedAsClassToClass() {
    CompiledClasses made =
        classes(
            new CompiledClass(
                "dev.switchboard.core.balance.Made", Set.of("io.vertx.core.Vertx", "java.util.List")));
    assertThat(CORE_ALONE.violations(made))
        .containsExactly("dev.switchboard.core.balance.Made -> io.vertx.core.Vertx");
  }

  @Test
  void theRuleCoversThePackageItselfAndEveryPackageBelowIt() {
    CompiledClasses made =
        classes(
            new CompiledClass("dev.switchboard.core.Top", Set.of("dev.switchboard.sim.Simulation")),
            new CompiledClass("dev.switchboard.core.a.b.Deep", Set.of("dev.switchboard.sim.x.Y")));
    assertThat(CORE_ALONE.violations(made)).hasSize(2);
  }

  @Test
  void packagesMatchWholeNamesNotPrefixesOfThem() {
    CompiledClasses made =
        classes(
            new CompiledClass("dev.switchboard.core.Made", Set.of("dev.switchboard.simulator.X")),
            new CompiledClass("dev.switchboard.corex.Other", Set.of("io.vertx.core.Vertx")));
    assertThat(CORE_ALONE.violations(made)).isEmpty();
  }
}
