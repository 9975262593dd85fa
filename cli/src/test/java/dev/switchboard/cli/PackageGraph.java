package dev.switchboard.cli;

import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which package refers to which, with one class reference that makes each edge, so that a broken
 * rule names the line of code to change. References within a package are not edges.
 */
final class PackageGraph {
  private final SortedMap<String, SortedMap<String, String>> edges = new TreeMap<>();

  /** The graph of the references between the packages under {@code root}. */
  static PackageGraph of(CompiledClasses classes, String root) {
    PackageGraph graph = new PackageGraph();
    for (CompiledClass c : classes.all()) {
      graph.targetsOf(CompiledClass.packageOf(c.name()));
      for (String target : c.references()) {
        if (target.startsWith(root + ".")) {
          graph.add(c.name(), target);
        }
      }
    }
    return graph;
  }

  /** Records that class {@code from} refers to class {@code to}; the first example of an edge stays. */
  void add(String from, String to) {
    String fromPackage = CompiledClass.packageOf(from);
    String toPackage = CompiledClass.packageOf(to);
    targetsOf(toPackage);
    if (!fromPackage.equals(toPackage)) {
      targetsOf(fromPackage).putIfAbsent(toPackage, from + " -> " + to);
    }
  }

  SortedSet<String> packages() {
    return new TreeSet<>(edges.keySet());
  }

  /** The packages {@code from} refers to, each with an example reference. */
  Map<String, String> targets(String from) {
    return edges.getOrDefault(from, new TreeMap<>());
  }

  private SortedMap<String, String> targetsOf(String pkg) {
    return edges.computeIfAbsent(pkg, p -> new TreeMap<>());
  }
}
