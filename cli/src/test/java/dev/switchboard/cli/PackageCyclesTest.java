package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PackageCyclesTest {

  /** a -> b -> c -> a, d -> a, f <-> g, e alone, a -> a within the package. */
  private static PackageGraph graph() {
    PackageGraph g = new PackageGraph();
    g.add("a.A", "b.B");
    g.add("b.B", "c.C");
    g.add("c.C", "a.A2");
    g.add("d.D", "a.A");
    g.add("f.F", "g.G");
    g.add("g.G", "f.F");
    g.add("a.A", "a.A2");
    g.add("e.E", "java.lang.Object");
    return g;
  }

  private static SortedSet<String> set(String... packages) {
    return new TreeSet<>(Set.of(packages));
  }

  @Test
  void findsEachCircleOfPackagesAndNothingElse() {
    assertThat(PackageCycles.in(graph())).containsExactly(set("a", "b", "c"), set("f", "g"));
  }

  @Test
  void aGraphWithoutCirclesHasNoCycles() {
    PackageGraph g = new PackageGraph();
    g.add("a.A", "b.B");
    g.add("b.B", "c.C");
    g.add("a.A", "c.C");
    assertThat(PackageCycles.in(g)).isEmpty();
  }

  @Test
  void theReportNamesEveryEdgeOfACycleWithTheReferenceThatMakesIt() {
    PackageGraph g = graph();
    List<SortedSet<String>> cycles = PackageCycles.in(g);
    assertThat(PackageCycles.describe(g, cycles))
        .isEqualTo(
            """
            cycle between a, b, c:
              a -> b  (a.A -> b.B)
              b -> c  (b.B -> c.C)
              c -> a  (c.C -> a.A2)
            cycle between f, g:
              f -> g  (f.F -> g.G)
              g -> f  (g.G -> f.F)
            """);
  }

  @Test
  void theFirstReferenceSeenIsTheExampleOfAnEdge() {
    PackageGraph g = new PackageGraph();
    g.add("a.A", "b.B");
    g.add("a.Z", "b.Y");
    assertThat(g.targets("a")).containsEntry("b", "a.A -> b.B");
  }
}
