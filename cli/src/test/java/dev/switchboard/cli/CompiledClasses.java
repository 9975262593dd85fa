package dev.switchboard.cli;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The compiled classes of one package root ({@code dev.switchboard}) on a class path whose entries
 * are directories or jars. Test output directories ({@code test-classes}) are left out: a test may
 * reach across packages (a loadgen test runs the cli's {@code Main}) without that being part of the
 * design. Where one class is on the path twice, the first entry wins, as for the class loader.
 */
final class CompiledClasses {
  private final SortedMap<String, CompiledClass> byName = new TreeMap<>();

  private CompiledClasses() {}

  static CompiledClasses of(Collection<CompiledClass> classes) {
    CompiledClasses out = new CompiledClasses();
    classes.forEach(c -> out.byName.putIfAbsent(c.name(), c));
    return out;
  }

  /** The classes under {@code root} in every entry of {@code classPath}. */
  static CompiledClasses onClassPath(String classPath, String root) {
    CompiledClasses out = new CompiledClasses();
    String folder = root.replace('.', '/') + "/";
    for (String entry : classPath.split(File.pathSeparator)) {
      Path path = Path.of(entry);
      try {
        if (Files.isDirectory(path) && !path.endsWith("test-classes")) {
          out.readDirectory(path.resolve(folder));
        } else if (Files.isRegularFile(path) && entry.endsWith(".jar")) {
          out.readJar(path, folder);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read class path entry " + entry, e);
      }
    }
    return out;
  }

  Collection<CompiledClass> all() {
    return byName.values();
  }

  SortedSet<String> packages() {
    SortedSet<String> out = new TreeSet<>();
    byName.keySet().forEach(name -> out.add(CompiledClass.packageOf(name)));
    return out;
  }

  private void readDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(CompiledClasses::isClassFile).sorted().toList();
    }
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        add(CompiledClass.read(in));
      }
    }
  }

  private void readJar(Path jar, String folder) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      for (JarEntry entry : file.stream().sorted((a, b) -> a.getName().compareTo(b.getName())).toList()) {
        if (entry.getName().startsWith(folder) && isClassFile(Path.of(entry.getName()))) {
          try (InputStream in = file.getInputStream(entry)) {
            add(CompiledClass.read(in));
          }
        }
      }
    }
  }

  private static boolean isClassFile(Path file) {
    String name = file.getFileName().toString();
    return name.endsWith(".class") && !name.equals("module-info.class");
  }

  private void add(CompiledClass c) {
    byName.putIfAbsent(c.name(), c);
  }
}
