package dev.switchboard.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * What decides a run's arrivals besides its workload: the random seed, and a trace to replay
 * faster. {@code simulate} and {@code loadgen} share the options but not their defaults, so each
 * words their help in its own resource bundle ({@code SimulateCommand.properties}, {@code
 * LoadgenCommand.properties}). Null means not given.
 */
final class ArrivalOptions {
  @Option(names = "--seed", paramLabel = "N", descriptionKey = "seed")
  Long seed;

  @Option(names = "--trace", paramLabel = "FILE", descriptionKey = "trace")
  Path trace;

  @Option(names = "--speedup", paramLabel = "X", descriptionKey = "speedup")
  Double speedup;
}
