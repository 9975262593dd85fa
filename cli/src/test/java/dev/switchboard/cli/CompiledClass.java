package dev.switchboard.cli;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.BitSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One compiled class and the classes it refers to, read from its class file's constant pool (JVMS
 * §4.4): the names of its class constants, and the class types in every descriptor and generic
 * signature, so that a type used only as a parameter, return or field type counts too. String
 * literals are not read: text that merely looks like a class name is not a reference.
 *
 * @param name binary name, e.g. {@code dev.switchboard.sim.Simulation$Progress}
 * @param references binary names of the other classes it refers to
 */
record CompiledClass(String name, Set<String> references) {
  private static final int MAGIC = 0xCAFEBABE;

  /**
   * A class type inside a descriptor or signature: {@code L}, a name with at least one slash, then
   * {@code ;} or {@code <}. The {@code L} must start a type: it follows the start, a primitive or one
   * of {@code ( ) [ ; < > : * + -}, which keeps type variables such as {@code TLIST;} out.
   */
  private static final Pattern CLASS_TYPE =
      Pattern.compile("(?:^|(?<=[()\\[;<>:*+\\-BCDFIJSZV]))L([\\w$]+(?:/[\\w$]+)+)[;<]");

  /** The package of a binary class name; nested classes belong to their outer class's package. */
  static String packageOf(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? "" : className.substring(0, dot);
  }

  static CompiledClass read(InputStream classFile) throws IOException {
    DataInputStream in = new DataInputStream(classFile);
    if (in.readInt() != MAGIC) {
      throw new IOException("not a class file (bad magic number)");
    }
    in.readUnsignedShort(); // minor version
    in.readUnsignedShort(); // major version
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    int[] classNameAt = new int[count];
    BitSet literals = new BitSet(count);
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> utf8[i] = in.readUTF();
        case 7 -> classNameAt[i] = in.readUnsignedShort();
        case 8 -> literals.set(in.readUnsignedShort());
        case 16, 19, 20 -> in.skipNBytes(2); // MethodType, Module, Package
        case 15 -> in.skipNBytes(3); // MethodHandle
        case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
        case 5, 6 -> {
          in.skipNBytes(8);
          i++; // a long or a double takes two entries
        }
        default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
      }
    }
    in.readUnsignedShort(); // access flags
    String name = binaryName(utf8[classNameAt[in.readUnsignedShort()]]);

    Set<String> references = new TreeSet<>();
    for (int i = 1; i < count; i++) {
      if (classNameAt[i] != 0 && !utf8[classNameAt[i]].startsWith("[")) {
        references.add(binaryName(utf8[classNameAt[i]]));
      }
      // Array class constants ([La/b/C;), descriptors and signatures: every class type in them.
      if (utf8[i] != null && !literals.get(i)) {
        Matcher m = CLASS_TYPE.matcher(utf8[i]);
        while (m.find()) {
          references.add(binaryName(m.group(1)));
        }
      }
    }
    references.remove(name);
    return new CompiledClass(name, references);
  }

  private static String binaryName(String internalName) {
    return internalName.replace('/', '.');
  }
}
