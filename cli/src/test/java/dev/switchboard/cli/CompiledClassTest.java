package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class CompiledClassTest {

  /** Refers to some types only through a field's generic signature and a method's descriptor. */
  static final class SignaturesOnly {
    static final long BIG = 1L << 40;
    static final double HUGE = 1e300;
    Supplier<Duration> later;

    URI locate(Path path) {
      return null;
    }
  }

  /** Names a class only in a string, which is not a reference. */
  static final class TextOnly {
    String text() {
      return "dev.switchboard.gateway.Gateway Ldev/switchboard/gateway/Gateway;";
    }
  }

  private static CompiledClass read(Class<?> type) throws IOException {
    String file = "/" + type.getName().replace('.', '/') + ".class";
    try (InputStream in = CompiledClassTest.class.getResourceAsStream(file)) {
      return CompiledClass.read(in);
    }
  }

  @Test
  void namesTheClassItDefinesByItsBinaryName() throws IOException {
    assertThat(read(SignaturesOnly.class).name())
        .isEqualTo("dev.switchboard.cli.CompiledClassTest$SignaturesOnly");
  }

  @Test
  void findsTypesUsedOnlyInDescriptorsAndGenericSignatures() throws IOException {
    assertThat(read(SignaturesOnly.class).references())
        .contains("java.util.function.Supplier", "java.time.Duration", "java.net.URI", "java.nio.file.Path")
        .doesNotContain("dev.switchboard.cli.CompiledClassTest$SignaturesOnly");
  }

  @Test
  void aClassNameInAStringLiteralIsNotAReference() throws IOException {
    assertThat(read(TextOnly.class).references())
        .contains("java.lang.Object")
        .doesNotContain("dev.switchboard.gateway.Gateway");
  }

  @Test
  void somethingThatIsNotAClassFileIsAnError() {
    assertThatThrownBy(() -> CompiledClass.read(new ByteArrayInputStream(new byte[] {1, 2, 3, 4})))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a class file");
  }

  @Test
  void aNestedClassBelongsToItsOuterClassesPackage() {
    assertThat(CompiledClass.packageOf("dev.switchboard.sim.Simulation$Progress"))
        .isEqualTo("dev.switchboard.sim");
  }
}
