package dev.switchboard.cli;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The cycles of a package graph, as its strongly connected components of more than one package
 * (Tarjan's algorithm): every package in one can reach every other, so the whole set must be
 * untangled together.
 */
final class PackageCycles {
  private final PackageGraph graph;
  private final Map<String, Integer> index = new HashMap<>();
  private final Map<String, Integer> lowLink = new HashMap<>();
  private final Deque<String> stack = new ArrayDeque<>();
  private final Set<String> onStack = new HashSet<>();
  private final List<SortedSet<String>> components = new ArrayList<>();

  private PackageCycles(PackageGraph graph) {
    this.graph = graph;
  }

  /** Each set of packages that refer to one another in a circle, in order of their first package. */
  static List<SortedSet<String>> in(PackageGraph graph) {
    PackageCycles finder = new PackageCycles(graph);
    for (String p : graph.packages()) {
      if (!finder.index.containsKey(p)) {
        finder.visit(p);
      }
    }
    finder.components.sort((a, b) -> a.first().compareTo(b.first()));
    return finder.components;
  }

  /** A report naming, for each cycle, every edge inside it with the reference that makes it. */
  static String describe(PackageGraph graph, List<SortedSet<String>> cycles) {
    StringBuilder out = new StringBuilder();
    for (SortedSet<String> cycle : cycles) {
      out.append("cycle between ").append(String.join(", ", cycle)).append(":\n");
      for (String from : cycle) {
        graph.targets(from).forEach((to, example) -> {
          if (cycle.contains(to)) {
            out.append("  ").append(from).append(" -> ").append(to)
                .append("  (").append(example).append(")\n");
          }
        });
      }
    }
    return out.toString();
  }

  private void visit(String p) {
    int i = index.size();
    index.put(p, i);
    lowLink.put(p, i);
    stack.push(p);
    onStack.add(p);
    for (String q : graph.targets(p).keySet()) {
      if (!index.containsKey(q)) {
        visit(q);
        lowLink.put(p, Math.min(lowLink.get(p), lowLink.get(q)));
      } else if (onStack.contains(q)) {
        lowLink.put(p, Math.min(lowLink.get(p), index.get(q)));
      }
    }
    if (lowLink.get(p).equals(index.get(p))) {
      SortedSet<String> component = new TreeSet<>();
      String q;
      do {
        q = stack.pop();
        onStack.remove(q);
        component.add(q);
      } while (!q.equals(p));
      if (component.size() > 1) {
        components.add(component);
      }
    }
  }
}
