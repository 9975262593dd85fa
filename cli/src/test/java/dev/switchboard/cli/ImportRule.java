package dev.switchboard.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A design rule: classes in the packages under {@code from} refer to nothing under any of {@code
 * forbidden}. "Under" follows package boundaries: {@code dev.switchboard.sim} covers {@code
 * dev.switchboard.sim.trace} but not {@code dev.switchboard.simulator}.
 */
record ImportRule(String from, List<String> forbidden) {

  static ImportRule packagesUnder(String from, String... forbidden) {
    return new ImportRule(from, List.of(forbidden));
  }

  /** Each reference that breaks the rule, as {@code a.B -> c.D}, in class order. */
  List<String> violations(CompiledClasses classes) {
    List<String> out = new ArrayList<>();
    for (CompiledClass c : classes.all()) {
      if (!under(c.name(), from)) {
        continue;
      }
      for (String target : c.references()) {
        if (forbidden.stream().anyMatch(f -> under(target, f))) {
          out.add(c.name() + " -> " + target);
        }
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return from + ".. may not refer to " + String.join(", ", forbidden);
  }

  private static boolean under(String className, String prefix) {
    return className.startsWith(prefix + ".");
  }
}
